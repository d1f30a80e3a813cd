"""Small input checks shared by services; each raises Invalid with a message naming the field."""

from datetime import datetime

from app.services.core.errors import Invalid


def text(value, field: str, *, min_len: int = 1, max_len: int = 200, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"« {field} » doit être du texte.", field=field)
    value = value.strip()
    if len(value) < min_len:
        raise Invalid(f"« {field} » est obligatoire.", field=field)
    if len(value) > max_len:
        raise Invalid(f"« {field} » dépasse {max_len} caractères.", field=field)
    return value


def mapping(value) -> dict:
    """A command's or request's fields: a JSON object. Raises Invalid."""
    if not isinstance(value, dict):
        raise Invalid("Le corps doit être un objet JSON.")
    return value


def is_int(value) -> bool:
    """An integer as JSON gives it; a bool is not one, although Python says True == 1."""
    return isinstance(value, int) and not isinstance(value, bool)


def ident(value, field: str) -> int:
    """A row id. Raises Invalid naming the field."""
    if not is_int(value):
        raise Invalid(f"« {field} » doit être un identifiant.", field=field)
    return value


def integer(value, field: str, *, lo: int, hi: int) -> int:
    if not is_int(value):
        raise Invalid(f"« {field} » doit être un nombre entier.", field=field)
    if not lo <= value <= hi:
        raise Invalid(f"« {field} » doit être entre {lo} et {hi}.", field=field)
    return value


def choice(value, field: str, options) -> str:
    if value not in options:
        raise Invalid(f"« {field} » doit valoir l'une de : {', '.join(options)}.", field=field)
    return value


def boolean(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"« {field} » doit être true ou false.", field=field)
    return value


def timestamp(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(f"« {field} » doit être une date ISO 8601.", field=field)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"« {field} » n'est pas une date ISO 8601 valide.", field=field) from None


def string_list(value, field: str, *, max_items: int = 30, max_len: int = 120) -> list[str]:
    if not isinstance(value, list) or len(value) > max_items:
        raise Invalid(f"« {field} » doit être une liste d'au plus {max_items} textes.", field=field)
    return [text(v, field, max_len=max_len) for v in value]
