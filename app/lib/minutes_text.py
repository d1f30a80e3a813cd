"""Text processing for workshop minutes ("compte rendu"): rendering, register, ODT export.

Pure module: only the standard library, ``markdown``, ``nh3`` and ``odfpy``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import re
import unicodedata
from html.parser import HTMLParser
from xml.etree import ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from odf import teletype
from odf.dc import Title as DcTitle
from odf.element import Element
from odf.opendocument import OpenDocumentText
from odf.style import (
    ListLevelProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import (
    A,
    H,
    LineBreak,
    List,
    ListItem,
    ListLevelStyleBullet,
    ListLevelStyleNumber,
    ListStyle,
    P,
    Span,
)

from app.lib.bounded_markdown import BoundedScans, convert_piece, references, split_pieces

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
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href", "title"})}
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
MARKDOWN_EXTENSIONS: tuple[str, ...] = ("fenced_code", "tables", "sane_lists", "nl2br")


# --------------------------------------------------------------------------
# Markdown -> safe HTML
# --------------------------------------------------------------------------


class _ImagesToAltText(Treeprocessor):
    """Replace every <img> element by its alt text (no third-party requests)."""

    def run(self, root: etree.Element) -> None:
        """Rewrite the tree in place."""
        parents = [p for p in root.iter() if any(c.tag == "img" for c in p)]
        for parent in parents:
            for index in reversed(range(len(parent))):
                if parent[index].tag == "img":
                    _replace_with_text(parent, index)


def _replace_with_text(parent: etree.Element, index: int) -> None:
    """Replace parent[index] by its alt attribute followed by its tail, as text."""
    child = parent[index]
    text = (child.get("alt") or "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(child)


class _SafeMinutesExtension(Extension):
    """Disable raw HTML (shown as text instead) and drop images."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Unregister the raw-HTML processors and register the image rewriter."""
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ImagesToAltText(md), "images_to_alt_text", 15)


def _new_markdown() -> markdown.Markdown:
    """Return a fresh (not thread-shared) Markdown converter."""
    return markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, _SafeMinutesExtension(), BoundedScans()],
        output_format="html",
    )


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment with nh3 using the module allow-list."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Render Markdown minutes to sanitized HTML (raw HTML is shown as text), in time linear in the
    source (app/lib/bounded_markdown.py); pieces are cached, so an edit re-renders only those it touched."""
    source = source or ""
    refs = references(source)
    return "\n".join(_render_piece(piece, refs) for piece in split_pieces(source))


@functools.lru_cache(maxsize=256)  # ~2.5 long documents; at most ~30 MB with the most inflating shapes
def _render_piece(piece: str, refs: frozenset) -> str:
    return sanitize_html(convert_piece(_new_markdown(), piece, refs))


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


# --------------------------------------------------------------------------
# OpenDocument Text export
# --------------------------------------------------------------------------

_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INLINE_STYLES = {
    "strong": "Strong",
    "em": "Emphasis",
    "code": "Code",
    "del": "Deleted",
}
_ODT_BLOCK_TAGS = frozenset({"p", "pre", "hr", "ul", "ol", "li", "blockquote"} | {f"h{n}" for n in range(1, 7)})


def _xml_safe(text: str) -> str:
    """Drop characters that cannot appear in an XML document."""
    return _XML_INVALID_RE.sub("", text)


def _paragraph_style(name: str, display: str, text: dict, para: dict | None = None) -> Style:
    """Build a named paragraph style with text and paragraph properties."""
    style = Style(name=name, displayname=display, family="paragraph")
    style.addElement(TextProperties(**text))
    style.addElement(ParagraphProperties(**(para or {})))
    return style


def _heading_style(level: int) -> Style:
    """Build the standard "Heading N" paragraph style."""
    size = {1: "20pt", 2: "16pt", 3: "14pt"}.get(level, "12pt")
    style = _paragraph_style(
        f"Heading_20_{level}",
        f"Heading {level}",
        {"fontsize": size, "fontweight": "bold"},
        {"margintop": "0.4cm", "marginbottom": "0.2cm", "keepwithnext": "always"},
    )
    style.setAttribute("defaultoutlinelevel", str(level))
    return style


def _text_style(name: str, **props: str) -> Style:
    """Build a named character style."""
    style = Style(name=name, family="text")
    style.addElement(TextProperties(**props))
    return style


def _list_style(name: str, ordered: bool) -> ListStyle:
    """Build a bullet or numbered list style for nesting levels 1..10."""
    style = ListStyle(name=name)
    for level in range(1, 11):
        if ordered:
            item = ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
        else:
            item = ListLevelStyleBullet(level=level, bulletchar="•")
        indent = f"{0.6 * level:.1f}cm"
        item.addElement(ListLevelProperties(spacebefore=indent, minlabelwidth="0.6cm"))
        style.addElement(item)
    return style


def _add_styles(doc: OpenDocumentText) -> None:
    """Register the paragraph, character, list and table styles used by the export."""
    mono = {"fontfamily": "'Liberation Mono', monospace"}
    styles = [
        _paragraph_style("Title", "Title", {"fontsize": "24pt", "fontweight": "bold"}),
        _paragraph_style("Text_20_body", "Text body", {}, {"marginbottom": "0.2cm"}),
        _paragraph_style(
            "Quotations",
            "Quotations",
            {"fontstyle": "italic"},
            {"marginleft": "1cm", "marginbottom": "0.2cm"},
        ),
        _paragraph_style(
            "Preformatted_20_Text",
            "Preformatted Text",
            {**mono, "fontsize": "10pt"},
            {"marginbottom": "0.2cm"},
        ),
        _paragraph_style("Table_20_Contents", "Table Contents", {}),
        _paragraph_style("Table_20_Heading", "Table Heading", {"fontweight": "bold"}),
        _paragraph_style(
            "Horizontal_20_Line",
            "Horizontal Line",
            {},
            {"borderbottom": "0.5pt solid #808080"},
        ),
        *(_heading_style(level) for level in range(1, 7)),
        _text_style("Strong", fontweight="bold"),
        _text_style("Emphasis", fontstyle="italic"),
        _text_style("Code", **mono),
        _text_style("Deleted", textlinethroughstyle="solid"),
        _list_style("Bullets", ordered=False),
        _list_style("Numbering", ordered=True),
    ]
    for style in styles:
        doc.styles.addElement(style)
    column = Style(name="TableColumn", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="4cm"))
    doc.automaticstyles.addElement(column)
    cell = Style(name="TableCell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #808080", padding="0.1cm"))
    doc.automaticstyles.addElement(cell)


class _OdtBuilder(HTMLParser):
    """Turn the sanitized HTML of render_markdown into ODF text elements."""

    def __init__(self, body: Element) -> None:
        """Start building inside the given office:text element."""
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, Element, bool]] = [("body", body, False)]
        self.quote_depth = 0
        self.pre_depth = 0
        self.tables = 0
        self.line_start = True

    @property
    def top(self) -> Element:
        """Return the innermost open ODF element."""
        return self.stack[-1][1]

    def _push(self, tag: str, element: Element, holds_text: bool = False) -> None:
        """Append element to the current container and make it current."""
        self.top.addElement(element)
        self.stack.append((tag, element, holds_text))

    def _pop(self, tag: str) -> None:
        """Close the innermost open element named tag and everything inside it."""
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def _paragraph(self, tag: str, style: str | None = None) -> None:
        """Open a paragraph; its default style depends on the quote context."""
        style = style or ("Quotations" if self.quote_depth else "Text_20_body")
        self.line_start = True
        self._push(tag, P(stylename=style), holds_text=True)

    def _ensure_paragraph(self) -> None:
        """Open an implicit paragraph when inline content arrives outside of one."""
        if not self.stack[-1][2]:
            self._paragraph("implicit")

    def _open_block(self, tag: str) -> None:
        """Open a block element (closing any implicit paragraph first)."""
        self._pop("implicit")
        if tag in {"ul", "ol"}:
            self._push(tag, List(stylename="Numbering" if tag == "ol" else "Bullets"))
        elif tag == "li":
            self._push(tag, ListItem())
        elif tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
            self._paragraph(tag, "Preformatted_20_Text")
        elif tag == "hr":
            self.top.addElement(P(stylename="Horizontal_20_Line"))
        elif tag == "p":
            self._paragraph(tag)
        else:
            level = int(tag[1])
            self.line_start = True
            self._push(tag, H(outlinelevel=level, stylename=f"Heading_20_{level}"), True)

    def _open_table_part(self, tag: str) -> None:
        """Open a table, row or cell."""
        if tag == "table":
            self._pop("implicit")
            self.tables += 1
            self._push(tag, Table(name=f"Table{self.tables}"))
        elif tag == "tr":
            self._push(tag, TableRow())
        else:
            self._push(tag, TableCell(stylename="TableCell", valuetype="string"))
            self._paragraph("cell", "Table_20_Heading" if tag == "th" else "Table_20_Contents")

    def _open_inline(self, tag: str, attrs: dict[str, str | None]) -> None:
        """Open an inline span or link, or add a line break."""
        self._ensure_paragraph()
        if tag == "br":
            self.top.addElement(LineBreak())
            self.line_start = True
        elif tag == "a" and attrs.get("href"):
            self._push(tag, A(type="simple", href=attrs["href"]), True)
        elif tag == "a":
            self._push(tag, Span(), True)
        else:
            self._push(tag, Span(stylename=_INLINE_STYLES[tag]), True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open the ODF element matching an HTML start tag."""
        if tag in _ODT_BLOCK_TAGS:
            self._open_block(tag)
        elif tag in {"table", "tr", "th", "td"}:
            self._open_table_part(tag)
        elif tag in _INLINE_STYLES or tag in {"a", "br"}:
            self._open_inline(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        """Close the ODF element matching an HTML end tag."""
        if tag == "blockquote":
            self._pop("implicit")
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        elif tag == "table":
            self._add_table_columns()
        self._pop(tag)

    def handle_data(self, data: str) -> None:
        """Add text to the current paragraph, creating one if needed."""
        data = _xml_safe(data)
        if self.pre_depth:
            self._ensure_paragraph()
            teletype.addTextToElement(self.top, data.removesuffix("\n"))
            return
        text = re.sub(r"\s+", " ", data)
        if self.line_start:
            text = text.lstrip()
        if not text or (not self.stack[-1][2] and not text.strip()):
            return
        self._ensure_paragraph()
        self.top.addText(text)
        self.line_start = False

    def _add_table_columns(self) -> None:
        """Insert the table:table-column declaration a valid ODF table requires."""
        table = next((el for name, el, _ in reversed(self.stack) if name == "table"), None)
        if table is None:
            return
        rows = [row for row in table.childNodes if row.qname[1] == "table-row"]
        count = max((len(row.childNodes) for row in rows), default=1) or 1
        column = TableColumn(stylename="TableColumn", numbercolumnsrepeated=count)
        if table.childNodes:
            table.insertBefore(column, table.childNodes[0])
        else:
            table.addElement(column)


def to_odt(markdown_source: str, title: str) -> bytes:
    """Export minutes as an OpenDocument Text file, the title as first heading."""
    doc = OpenDocumentText()
    _add_styles(doc)
    clean_title = _xml_safe(title or "")
    doc.meta.addElement(DcTitle(text=clean_title))
    heading = H(outlinelevel=1, stylename="Title")
    heading.addText(clean_title)
    doc.text.addElement(heading)
    builder = _OdtBuilder(doc.text)
    builder.feed(render_markdown(markdown_source))
    builder.close()
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
