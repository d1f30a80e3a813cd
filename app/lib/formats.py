"""The file formats the application writes and the one MIME type of each: exports name theirs here."""

MIMETYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "odt": "application/vnd.oasis.opendocument.text",
}
