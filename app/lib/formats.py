"""The file formats the application writes and the one MIME type of each: exports name theirs here.

Every CSV export is written by `csv_document` (docs/protocol.md § 11 « Exports »): by default UTF-8 with a
byte-order mark and `;` between cells, what a French spreadsheet opens by double-click; `?sep=comma` gives
RFC 4180 (commas, no byte-order mark). Both end lines with CRLF and quote a cell holding the separator, a
quote or a line break. A list inside one cell (`join_list`) is its items joined by « ; », an item holding
`;` or `"` (or starting or ending with a space) being itself quoted the same way, so `split_list` gives the
items back exactly.
"""

import csv
import io
from collections.abc import Iterable

MIMETYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "odt": "application/vnd.oasis.opendocument.text",
}

BOM = "\ufeff"
SEPARATORS = {"semicolon": ";", ";": ";", "comma": ",", ",": ","}
DEFAULT_SEPARATOR = ";"


def csv_separator(value) -> str | None:
    """The separator `?sep=` asks for: `;` when absent (or "semicolon"), `,` for "comma"; None if unknown."""
    if value is None or value == "":
        return DEFAULT_SEPARATOR
    return SEPARATORS.get(value.strip().lower()) if isinstance(value, str) else None


def csv_document(rows: Iterable[list], sep: str = DEFAULT_SEPARATOR) -> str:
    """The rows (header first) as one CSV export: with `;`, a byte-order mark first; with `,`, plain RFC 4180."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return (BOM if sep == ";" else "") + out.getvalue()


def sniff_separator(header_line: str) -> str:
    """`;` or `,`, whichever the header line holds more of (outside quotes)."""
    outside = header_line.split('"')[::2]
    semicolons = sum(part.count(";") for part in outside)
    commas = sum(part.count(",") for part in outside)
    return ";" if semicolons > commas else ","


def join_list(items: Iterable[str]) -> str:
    """Items in one cell, e.g. `a; b; "c; d"; "the ""Coop"" SA"` (see the module's docstring)."""
    return "; ".join(_quoted(str(item)) for item in items)


def _quoted(item: str) -> str:
    if not item or any(ch in item for ch in ';"\r\n') or item != item.strip():
        return '"' + item.replace('"', '""') + '"'
    return item


def split_list(cell: str) -> list[str]:
    """The items `join_list` joined, back exactly (an empty cell: no item); spaces around an unquoted item go."""
    if not cell.strip():
        return []
    reader = csv.reader(io.StringIO(cell, newline=""), delimiter=";", skipinitialspace=True)
    return [
        item if item != item.strip() and _was_quoted(cell, item) else item.strip() for row in reader for item in row
    ]


def _was_quoted(cell: str, item: str) -> bool:
    return ('"' + item.replace('"', '""') + '"') in cell
