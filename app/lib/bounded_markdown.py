"""python-markdown with its quadratic corners cut off, so a render costs time linear in its source.

python-markdown rescans the rest of a block in several places: for every `[` it reads on to
the matching `]` (then `)`), for every backtick run on to a closing run, and the block parser
re-reads the remainder of a block for each heading, rule or fence it splits off. Measured on
100,000 characters: `[` repeated took over 2 minutes, `# a` lines 11 s, ``` ``a` ``` runs over
15 s (docs/performance.md). Two bounds make the cost linear:

- pieces: the source is rendered in pieces of about PIECE_CHARS characters, cut at a blank line
  before a plain paragraph or heading (invisible in the output), or, in a block longer than
  MAX_PIECE_CHARS, at a line end (a list or paragraph then shows as two);
- scans: the search for what closes a link or a code span reads at most SCAN_WINDOW characters,
  and all such searches in a piece at most SCAN_PER_CHAR per character of it; past that budget,
  the remaining `[` and backticks of the piece stay plain text.

Pieces are rendered independently (link references are shared), so callers may cache them.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.blockprocessors import HashHeaderProcessor, ReferenceProcessor
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    BACKTICK_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)

PIECE_CHARS = 2_000
MAX_PIECE_CHARS = 4_000
SCAN_WINDOW = 2_000
SCAN_PER_CHAR = 4

_FENCE_RE = re.compile(r"(`{3,}|~{3,})")  # what the fenced_code extension opens a block with
_TABLE_RULE_RE = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")  # |---|:--:|
_TICKS_RE = re.compile("`*")
_SEPARATOR_CHARS = frozenset("|:- ")
_QUOTE_RE = re.compile("[\"']")
_PLAIN_START_RE = re.compile(r"[^\s>|*+\-\d]")  # not indented, not a quote, table row or list item


# --------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------


def _normalised(source: str) -> str:
    """Line ends as python-markdown reads them."""
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
    return None if line.rstrip(" ") == fence else fence


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
    """The link reference definitions (`[id]: url "title"`) of the whole source, for every piece."""
    found: dict[str, tuple[str, str | None]] = {}
    for m in ReferenceProcessor.RE.finditer(_normalised(source)):
        found[m.group(1).strip().lower()] = (m.group(2).lstrip("<").rstrip(">"), m.group(5) or m.group(6))
    return frozenset(found.items())


def convert_piece(md: Markdown, piece: str, refs: frozenset) -> str:
    """Render one piece with a converter that has BoundedScans, within the piece's scan budget."""
    md.reset()
    md.references.update(refs)
    md.scan_budget = SCAN_PER_CHAR * len(piece) + SCAN_WINDOW
    return md.convert(piece)


# --------------------------------------------------------------------------
# Scans
# --------------------------------------------------------------------------


def _window(md: Markdown) -> int:
    return max(0, min(SCAN_WINDOW, getattr(md, "scan_budget", SCAN_WINDOW)))


def _charge(md: Markdown, scanned: int) -> None:
    md.scan_budget = getattr(md, "scan_budget", SCAN_WINDOW) - scanned


class _BoundedLinkScans:
    """getText (to the closing `]`) and getLink (to the closing `)`) on a bounded window."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        window = data[index : index + _window(self.md)]
        if not window:
            return "", index, False
        text, end, handled = super().getText(window, 0)
        _charge(self.md, end)
        return text, index + end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        window = data[index : index + _window(self.md)]
        if not window:
            return "", None, index, False
        href, title, end, handled = super().getLink(window, 0)
        if end < 0:  # python-markdown's answer to an unclosed quote: a link ending before it starts
            _charge(self.md, len(window))
            return "", None, index, False
        read = end
        if not window.startswith("("):
            read = 0  # nothing was read
        elif not handled or _QUOTE_RE.search(window, 0, end):
            read = len(window)  # a quote may have sent the scan to the end of the window and back
        _charge(self.md, read + 1)
        return href, title, index + end, handled


class _Link(_BoundedLinkScans, LinkInlineProcessor):
    pass


class _Image(_BoundedLinkScans, ImageInlineProcessor):
    pass


class _Reference(_BoundedLinkScans, ReferenceInlineProcessor):
    pass


class _ImageReference(_BoundedLinkScans, ImageReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedLinkScans, ShortReferenceInlineProcessor):
    pass


class _ShortImageReference(_BoundedLinkScans, ShortImageReferenceInlineProcessor):
    pass


class _CodeSpans(BacktickInlineProcessor):
    """The closing backticks of a code span, looked for on a bounded window."""

    def __init__(self, md: Markdown):
        super().__init__(BACKTICK_RE)
        self.md = md

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        ticks = _TICKS_RE.match(text, start).end() - start
        window = text[start : start + max(ticks, _window(self.md))]  # at least the opening run, to move on
        found, end = super().find_code_spans(0, window)
        _charge(self.md, len(window) if end is None else end)
        return start + found, None if end is None else start + end


# The block parser tests what is left of a block each time it splits off a heading, a rule or a list item.
# Two tests read all of it: a cheaper look first tells most blocks apart.


class _Tables(TableProcessor):
    """The tables extension splits the whole block into rows to test its first two."""

    def test(self, parent, block: str) -> bool:
        first = block.find("\n")
        second = block.find("\n", first + 1) if first >= 0 else -1
        header, rule = block[: max(first, 0)], block[first + 1 : second if second >= 0 else len(block)]
        if first < 0 or "|" not in header or not set(rule) <= _SEPARATOR_CHARS:
            return False  # no header row followed by a |---| row: no table
        return super().test(parent, block)


class _Headings(HashHeaderProcessor):
    """A regular expression looks for a `#` heading anywhere in the block; a substring search is faster."""

    def test(self, parent, block: str) -> bool:
        return (block.startswith("#") or "\n#" in block) and super().test(parent, block)


class BoundedScans(Extension):
    """Replace python-markdown's link, image, reference and code span patterns (and the tables extension's
    test, when it is loaded) by bounded ones."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the bounded processors under the names (and priorities) of the originals."""
        blocks = md.parser.blockprocessors
        blocks.register(_Headings(md.parser), "hashheader", 70)
        if "table" in blocks:
            blocks.register(_Tables(md.parser, blocks["table"].config), "table", 75)
        patterns = md.inlinePatterns
        patterns.register(_CodeSpans(md), "backtick", 190)
        patterns.register(_Reference(REFERENCE_RE, md), "reference", 170)
        patterns.register(_Link(LINK_RE, md), "link", 160)
        patterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(_ImageReference(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        patterns.register(_ShortReference(REFERENCE_RE, md), "short_reference", 130)
        patterns.register(_ShortImageReference(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)
