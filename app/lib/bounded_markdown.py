"""Markdown rendered in pieces, so a render costs time linear in its source whatever its shape.

markdown-it-py (app/lib/minutes_text.py) is near-linear on ordinary text, but a CommonMark parser still
rescans in places (an unclosed `[` reads on for its `]`, a line of `|` for its table), and a pure-Python
parser costs ~10-30 µs per character of the worst shapes. Rendering the source in pieces bounds both: each
piece costs at most what MAX_PIECE_CHARS characters can cost, and an edit re-renders only the pieces it
touched (callers cache pieces).

- pieces: the source is cut at a blank line before a plain paragraph or heading, once the piece holds about
  PIECE_CHARS characters. In CommonMark such a line closes every open list, quote or paragraph, so rendering
  the pieces one after the other gives what the whole renders. A block longer than MAX_PIECE_CHARS is cut at
  a line end (a list or paragraph then shows as two); a fenced code block or a table cut so is opened again
  (its fence, its header rows) in the next piece, so it stays code, or a table.
- references: link reference definitions (`[id]: url "title"`) are gathered from the whole source and given
  to every piece.
"""

from __future__ import annotations

import re

PIECE_CHARS = 2_000
MAX_PIECE_CHARS = 4_000

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")  # a fenced code block's opening run
_TABLE_RULE_RE = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")  # |---|:--:|
_PLAIN_START_RE = re.compile(r"[^\s>|*+\-\d#=_~`<\[]|#+[ \t]")  # not indented, quote, table, list, rule, fence
# A link reference definition on one line: [label]: destination "title" (CommonMark 4.7, the common form).
_REFERENCE_RE = re.compile(
    r"^ {0,3}\[((?:[^\\\[\]]|\\.){1,999})\]:[ \t]*(<[^<>\n]*>|\S+)"
    r"(?:[ \t]+(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$",
    re.MULTILINE,
)


def _normalised(source: str) -> str:
    """Line ends as CommonMark reads them."""
    return source.replace("\r\n", "\n").replace("\r", "\n")


def _lines(source: str) -> list[str]:
    """The source's lines, none longer than MAX_PIECE_CHARS."""
    out = []
    for line in _normalised(source).split("\n"):
        if len(line) <= MAX_PIECE_CHARS:
            out.append(line)
        else:
            out += [line[i : i + MAX_PIECE_CHARS] for i in range(0, len(line), MAX_PIECE_CHARS)]
    return out


def _fence_after(fence: str | None, line: str) -> str | None:
    """The fence open after `line` (its opening run of backticks or tildes), given the one open before."""
    if fence is None:
        match = _FENCE_RE.match(line)
        return match.group(1) if match else None
    stripped = line.strip(" ")
    closes = stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence) and line[:4].strip(" ")
    return None if closes else fence


def _table_head(lines: list[str]) -> list[str]:
    """The header and rule rows of the table that `lines` end in, if they do."""
    start = len(lines)
    while start > 0 and "|" in lines[start - 1]:
        start -= 1
    head = lines[start : start + 2]
    return head if len(lines) > start + 2 and _TABLE_RULE_RE.match(head[1]) else []


def split_pieces(source: str) -> list[str]:
    """Cut the source into pieces that render, one after the other, like the whole (or nearly)."""
    pieces, lines, size, fence, opener = [], [], 0, None, ""
    for line in _lines(source):
        at_blank = bool(lines) and not lines[-1].strip()
        if fence is None and size >= PIECE_CHARS and at_blank and _PLAIN_START_RE.match(line):
            pieces.append("\n".join(lines))
            lines, size = [], 0
        elif lines and size + len(line) > MAX_PIECE_CHARS:
            # A code block or a table cut in two goes on in the next piece: open it again there.
            carry = [opener] if fence else _table_head(lines)
            pieces.append("\n".join(lines + [fence] if fence else lines))
            lines = carry if sum(map(len, carry)) <= MAX_PIECE_CHARS // 4 else []
            size = sum(len(kept) + 1 for kept in lines)
        lines.append(line)
        size += len(line) + 1
        fence, previous = _fence_after(fence, line), fence
        if fence is not None and previous is None:
            opener = line
    if lines:
        pieces.append("\n".join(lines))
    return pieces


def references(source: str) -> frozenset[tuple[str, tuple[str, str | None]]]:
    """The link reference definitions of the whole source: {(label, (destination, title))}, raw (the renderer
    normalises the label and checks the destination); the first definition of a label wins, as in CommonMark."""
    found: dict[str, tuple[str, str | None]] = {}
    for m in _REFERENCE_RE.finditer(_normalised(source)):
        label = " ".join(m.group(1).split()).casefold()
        destination = m.group(2)[1:-1] if m.group(2).startswith("<") else m.group(2)
        found.setdefault(label, (destination, m.group(3)[1:-1] if m.group(3) else None))
    return frozenset(found.items())
