"""User text made inert in the plain formats we write: a Markdown line, a spreadsheet cell."""

import re

# Only what can start markup mid-line: user text never begins a line in what we write.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_escape(text: str | None) -> str:
    """One line of user text as literal Markdown (no markup, no tags, no line breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
