"""The minutes as an OpenDocument Text file, valid against the OASIS ODF 1.2 schema (tests/odf12/).

Built from the sanitized HTML of render_markdown, so the ODT says what the preview shows. What HTML allows and
ODF does not is reshaped: a table inside a list item (ODF lists hold only paragraphs, headings and lists) closes
the lists around it and the item goes on after the table as an unnumbered list header; text never sits directly
in a list item or a cell. The package is written by odfpy, then its manifest gets the `manifest:version="1.2"`
that ODF 1.2 requires and odfpy leaves out.

Pure module: only the standard library and ``odfpy``.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

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
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    A,
    H,
    LineBreak,
    List,
    ListHeader,
    ListItem,
    ListLevelStyleBullet,
    ListLevelStyleNumber,
    ListStyle,
    P,
    Span,
)

from app.lib.minutes_text import render_markdown

_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INLINE_STYLES = {"strong": "Strong", "em": "Emphasis", "code": "Code", "del": "Deleted", "s": "Deleted"}
_BLOCK_TAGS = frozenset({"p", "pre", "hr", "ul", "ol", "li", "blockquote"} | {f"h{n}" for n in range(1, 7)})
_LIST_TAGS = frozenset({"ul", "ol", "li"})
_ALIGNED = {"align-left": "", "align-center": "_Center", "align-right": "_Right"}
_MANIFEST_ROOT = re.compile(rb"<manifest:manifest(?![^>]*manifest:version)")


def _xml_safe(text: str) -> str:
    """Drop characters that cannot appear in an XML document."""
    return _XML_INVALID_RE.sub("", text)


# --------------------------------------------------------------------------
# Styles (paragraph properties before text properties, as the schema orders them)
# --------------------------------------------------------------------------


def _paragraph_style(name: str, display: str, text: dict, para: dict | None = None) -> Style:
    """A named paragraph style with paragraph then text properties."""
    style = Style(name=name, displayname=display, family="paragraph")
    style.addElement(ParagraphProperties(**(para or {})))
    style.addElement(TextProperties(**text))
    return style


def _heading_style(level: int) -> Style:
    """The standard "Heading N" paragraph style."""
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
    style = Style(name=name, family="text")
    style.addElement(TextProperties(**props))
    return style


def _list_style(name: str, ordered: bool) -> ListStyle:
    """A bullet or numbered list style for nesting levels 1..10."""
    style = ListStyle(name=name)
    for level in range(1, 11):
        if ordered:
            item = ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
        else:
            item = ListLevelStyleBullet(level=level, bulletchar="•")
        item.addElement(ListLevelProperties(spacebefore=f"{0.6 * level:.1f}cm", minlabelwidth="0.6cm"))
        style.addElement(item)
    return style


def _cell_styles() -> list[Style]:
    """Table contents and headings, left (default), centred and right aligned."""
    out = []
    for suffix, align in (("", None), ("_Center", "center"), ("_Right", "end")):
        para = {"textalign": align} if align else {}
        out.append(_paragraph_style(f"Table_20_Contents{suffix}", f"Table Contents{suffix}", {}, para))
        out.append(
            _paragraph_style(f"Table_20_Heading{suffix}", f"Table Heading{suffix}", {"fontweight": "bold"}, para)
        )
    return out


def _add_styles(doc: OpenDocumentText) -> None:
    """Register the paragraph, character, list and table styles used by the export."""
    mono = {"fontfamily": "'Liberation Mono', monospace"}
    styles = [
        _paragraph_style("Title", "Title", {"fontsize": "24pt", "fontweight": "bold"}),
        _paragraph_style("Text_20_body", "Text body", {}, {"marginbottom": "0.2cm"}),
        _paragraph_style(
            "Quotations", "Quotations", {"fontstyle": "italic"}, {"marginleft": "1cm", "marginbottom": "0.2cm"}
        ),
        _paragraph_style(
            "Preformatted_20_Text", "Preformatted Text", {**mono, "fontsize": "10pt"}, {"marginbottom": "0.2cm"}
        ),
        *_cell_styles(),
        _paragraph_style("Horizontal_20_Line", "Horizontal Line", {}, {"borderbottom": "0.5pt solid #808080"}),
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


# --------------------------------------------------------------------------
# HTML → ODF elements
# --------------------------------------------------------------------------


class _Open:
    """An open element: the HTML tag it stands for, the ODF element, whether text goes straight into it."""

    __slots__ = ("tag", "element", "holds_text", "attrs")

    def __init__(self, tag: str, element: Element, holds_text: bool = False, attrs: dict | None = None):
        self.tag, self.element, self.holds_text, self.attrs = tag, element, holds_text, attrs or {}


class _OdtBuilder(HTMLParser):
    """Turn the sanitized HTML of render_markdown into ODF text elements."""

    def __init__(self, body: Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = [_Open("body", body)]
        self.quote_depth = 0
        self.pre_depth = 0
        self.tables = 0
        self.line_start = True

    @property
    def top(self) -> Element:
        return self.stack[-1].element

    def _push(self, tag: str, element: Element, holds_text: bool = False, attrs: dict | None = None) -> None:
        self.top.addElement(element)
        self.stack.append(_Open(tag, element, holds_text, attrs))

    def _pop(self, tag: str) -> None:
        """Close the innermost open element named tag and everything inside it."""
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def _paragraph(self, tag: str, style: str | None = None) -> None:
        style = style or ("Quotations" if self.quote_depth else "Text_20_body")
        self.line_start = True
        self._push(tag, P(stylename=style), holds_text=True)

    def _ensure_paragraph(self) -> None:
        if not self.stack[-1].holds_text:
            self._paragraph("implicit")

    def _list(self, tag: str, attrs: dict, continued: bool = False) -> List:
        ordered = tag == "ol"
        kwargs = {"stylename": "Numbering" if ordered else "Bullets"}
        if continued:
            kwargs["continuenumbering"] = "true"
        return List(**kwargs)

    def _open_block(self, tag: str, attrs: dict) -> None:
        self._pop("implicit")
        if tag in {"ul", "ol"}:
            self._push(tag, self._list(tag, attrs), attrs=attrs)
            start = attrs.get("start")
            if tag == "ol" and start and start.isdigit() and int(start) != 1:
                self.stack[-1].attrs["next"] = int(start)
        elif tag == "li":
            self._push(tag, self._list_item())
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

    def _list_item(self) -> ListItem:
        """A list item; the first of an ordered list that starts elsewhere than 1 carries its number."""
        parent = self.stack[-1]
        number = parent.attrs.pop("next", None)
        return ListItem(startvalue=str(number)) if number is not None else ListItem()

    def _open_table(self) -> None:
        """Tables cannot sit in an ODF list: close the lists around it, to open them again after it."""
        self._pop("implicit")
        reopen = []
        while self.stack[-1].tag in _LIST_TAGS | {"implicit"} or self.stack[-1].tag in {"p", "h1", "h2", "h3"}:
            closed = self.stack.pop()
            if closed.tag in _LIST_TAGS:
                reopen.append(closed)
        self.tables += 1
        self._push("table", Table(name=f"Table{self.tables}"), attrs={"reopen": reopen[::-1]})

    def _reopen_lists(self, reopen: list[_Open]) -> None:
        """Go on with the lists a table interrupted: same styles, numbering continued, no new bullet."""
        for closed in reopen:
            if closed.tag in {"ul", "ol"}:
                self._push(closed.tag, self._list(closed.tag, closed.attrs, continued=True), attrs=closed.attrs)
            else:
                self._push("li", ListHeader())

    def _open_table_part(self, tag: str, attrs: dict) -> None:
        if tag == "table":
            self._open_table()
        elif tag == "thead":
            self._push(tag, TableHeaderRows())
        elif tag == "tr":
            self._push(tag, TableRow())
        elif tag in {"th", "td"}:
            self._push(tag, TableCell(stylename="TableCell", valuetype="string"))
            suffix = _ALIGNED.get(attrs.get("class") or "", "")
            base = "Table_20_Heading" if tag == "th" else "Table_20_Contents"
            self._paragraph("cell", base + suffix)

    def _open_inline(self, tag: str, attrs: dict[str, str | None]) -> None:
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
        values = dict(attrs)
        if tag in _BLOCK_TAGS:
            self._open_block(tag, values)
        elif tag in {"table", "thead", "tr", "th", "td"}:
            self._open_table_part(tag, values)
        elif tag in _INLINE_STYLES or tag in {"a", "br"}:
            self._open_inline(tag, values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._pop("implicit")
            self.quote_depth = max(0, self.quote_depth - 1)
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "table":
            self._end_table()
            return
        if tag in {"th", "td"}:
            self._pop("cell")
        self._pop(tag)

    def _end_table(self) -> None:
        index = next((i for i in range(len(self.stack) - 1, 0, -1) if self.stack[i].tag == "table"), None)
        if index is None:
            return
        table = self.stack[index]
        _add_table_columns(table.element)
        del self.stack[index:]
        self._reopen_lists(table.attrs.get("reopen", []))

    def handle_data(self, data: str) -> None:
        data = _xml_safe(data)
        if self.pre_depth:
            self._ensure_paragraph()
            teletype.addTextToElement(self.top, data.removesuffix("\n"))
            return
        text = re.sub(r"\s+", " ", data)
        if self.line_start:
            text = text.lstrip()
        if not text or (not self.stack[-1].holds_text and not text.strip()):
            return
        self._ensure_paragraph()
        self.top.addText(text)
        self.line_start = False


def _add_table_columns(table: Element) -> None:
    """The table:table-column declaration a valid ODF table starts with."""
    rows = []
    for child in table.childNodes:
        if child.qname[1] == "table-row":
            rows.append(child)
        elif child.qname[1] == "table-header-rows":
            rows += [row for row in child.childNodes if row.qname[1] == "table-row"]
    count = max((len(row.childNodes) for row in rows), default=1) or 1
    if not rows:  # a table has at least one row
        row = TableRow()
        row.addElement(TableCell(valuetype="string"))
        table.addElement(row)
    column = TableColumn(stylename="TableColumn", numbercolumnsrepeated=count)
    table.insertBefore(column, table.childNodes[0])


def _odf12_package(data: bytes) -> bytes:
    """The package with `manifest:version="1.2"` on its manifest; the mimetype stays first and stored."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "META-INF/manifest.xml":
                body = _MANIFEST_ROOT.sub(b'<manifest:manifest manifest:version="1.2"', body, count=1)
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, body, compress_type=compress)
    return out.getvalue()


def to_odt(markdown_source: str, title: str) -> bytes:
    """The minutes as an ODT file: the title in its metadata, and as a first heading unless the minutes
    start with a level-1 heading of their own (one title, not two)."""
    doc = OpenDocumentText()
    _add_styles(doc)
    clean_title = _xml_safe(title or "")
    doc.meta.addElement(DcTitle(text=clean_title))
    html = render_markdown(markdown_source)
    if not html.lstrip().startswith("<h1>"):
        heading = H(outlinelevel=1, stylename="Title")
        heading.addText(clean_title)
        doc.text.addElement(heading)
    builder = _OdtBuilder(doc.text)
    builder.feed(html)
    builder.close()
    buffer = io.BytesIO()
    doc.write(buffer)
    return _odf12_package(buffer.getvalue())
