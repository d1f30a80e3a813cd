"""Text processing for workshop minutes ("compte rendu"): rendering and register (the ODT: minutes_odt.py).

Rendering is CommonMark (markdown-it-py in its "commonmark" preset, the reference implementation's rules) plus
the two extensions people type in minutes, pipe tables (with their column alignment) and ~~strikethrough~~,
and one deliberate difference: a line break typed inside a paragraph shows as a line break, as in HedgeDoc and
Etherpad. Raw HTML is shown as text, images as their alt text, and the result goes through the nh3 allow-list.

Pure module: only the standard library, ``markdown-it-py`` and ``nh3``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html as _html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference

from app.lib.bounded_markdown import references, split_pieces

# --------------------------------------------------------------------------
# Sanitizer allow-list (shared with any browser-side renderer).
# --------------------------------------------------------------------------

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "s",
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href", "title"}), "ol": frozenset({"start"})}
# A table column's alignment, as a class (the pages' Content-Security-Policy refuses style attributes).
ALIGN_CLASSES: frozenset[str] = frozenset({"align-left", "align-center", "align-right"})
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Tags removed together with their content if they ever reach the sanitizer.
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "iframe",
        "svg",
        "math",
        "object",
        "embed",
        "template",
        "noscript",
    }
)
OPTIONS = {"html": False, "breaks": True, "linkify": False, "typographer": False}
EXTENSIONS = ("table", "strikethrough")


# --------------------------------------------------------------------------
# Markdown -> safe HTML
# --------------------------------------------------------------------------


def _image_as_text(self, tokens, idx, options, env) -> str:
    """An image shows as its alt text: no request ever leaves for another site."""
    return _html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env), quote=False)


def _aligned_cell(self, tokens, idx, options, env) -> str:
    """`style="text-align:right"` becomes `class="align-right"`."""
    token = tokens[idx]
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrs["class"] = "align-" + style.removeprefix("text-align:")
    return self.renderToken(tokens, idx, options, env)


def new_renderer() -> MarkdownIt:
    """The minutes' CommonMark renderer (a fresh one; it holds no state between renders)."""
    md = MarkdownIt("commonmark", OPTIONS).enable(list(EXTENSIONS))
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("th_open", _aligned_cell)
    md.add_render_rule("td_open", _aligned_cell)
    return md


_RENDERER = new_renderer()


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment with nh3 using the module allow-list."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={"th": set(ALIGN_CLASSES), "td": set(ALIGN_CLASSES)},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Render Markdown minutes to sanitized HTML (raw HTML is shown as text), in time linear in the
    source (app/lib/bounded_markdown.py); pieces are cached, so an edit re-renders only those it touched."""
    source = source or ""
    refs = references(source)
    return "\n".join(html for piece in split_pieces(source) if (html := _render_piece(piece, refs)))


@functools.lru_cache(maxsize=256)  # ~2.5 long documents; at most ~30 MB with the most inflating shapes
def _render_piece(piece: str, refs: frozenset) -> str:
    env = {"references": _references_env(refs)}
    return sanitize_html(_RENDERER.render(piece, env)).strip("\n")


@functools.lru_cache(maxsize=64)
def _references_env(refs: frozenset) -> dict:
    """The definitions as markdown-it keeps them (label normalised, destination checked and normalised)."""
    out = {}
    for label, (destination, title) in refs:
        href = _RENDERER.normalizeLink(_unescape(destination))
        if _RENDERER.validateLink(href):
            out.setdefault(normalizeReference(label), {"href": href, "title": _unescape(title or "")})
    return out


def _unescape(text: str) -> str:
    return _html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))


# --------------------------------------------------------------------------
# Register of decisions and actions
# --------------------------------------------------------------------------

_TAG_RE = re.compile(
    r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?"
    r"/(?P<tag>d[ée]cision|action)(?=[\s:]|$):?\s*(?P<body>.*)$",
    re.IGNORECASE,
)
_OWNER_RE = re.compile(r"(?<![\w.@])@(?P<owner>[\w-]+(?:\.[\w-]+)*)")
_DUE_RE = re.compile(
    r"(?<!\S)(?:due|[ée]ch[ée]ance)\s?:\s?(?P<date>\d{4}-\d{2}-\d{2})(?![\w-])",
    re.IGNORECASE,
)
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")  # what an editor counts as lines
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_EDGE_PUNCT = " \t,;:\u2013\u2014-"


def _clean_text(text: str) -> str:
    """Collapse whitespace and trim separator punctuation at both ends."""
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def _parse_date(raw: str) -> str | None:
    """Return the ISO date if raw is a real calendar date, else None."""
    try:
        return _dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        return None


def _parse_action(body: str) -> tuple[str, str | None, str | None]:
    """Split an action body into (text, owner, due)."""
    owner = None
    owner_match = _OWNER_RE.search(body)
    if owner_match:
        owner = owner_match.group("owner")
        body = body[: owner_match.start()] + " " + body[owner_match.end() :]
    due = None
    due_match = _DUE_RE.search(body)
    if due_match:
        due = _parse_date(due_match.group("date"))
        if due is not None:
            body = body[: due_match.start()] + " " + body[due_match.end() :]
    return _clean_text(body), owner, due


def _code_fence_flags(lines: list[str]) -> list[bool]:
    """Return, for each line, whether it lies inside (or on) a fenced code block."""
    flags, fence = [], None
    for line in lines:
        match = _FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
            flags.append(True)
        elif fence is not None:
            flags.append(True)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
        else:
            flags.append(False)
    return flags


def extract_register(source: str) -> dict:
    """Extract /décision and /action lines (outside code blocks) from minutes."""
    register: dict[str, list[dict]] = {"decisions": [], "actions": []}
    lines = _LINE_BREAK_RE.split(unicodedata.normalize("NFC", source or ""))
    for number, (line, in_code) in enumerate(zip(lines, _code_fence_flags(lines), strict=True), 1):
        match = None if in_code else _TAG_RE.match(line)
        if not match:
            continue
        if match.group("tag").lower() == "action":
            text, owner, due = _parse_action(match.group("body"))
            item = {"line": number, "text": text, "owner": owner, "due": due}
            if text or owner or due:
                register["actions"].append(item)
        elif text := _clean_text(match.group("body")):
            register["decisions"].append({"line": number, "text": text})
    return register
