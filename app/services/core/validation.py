"""Small input checks shared by services; each raises Invalid with a message naming the field.

`payload` is the check at the edge: every JSON body and every socket command
goes through it before any service sees it (app/api/errors.py `json_body`,
realtime/state.py `command`).
"""

import math
from datetime import datetime

from flask_babel import gettext as _

from app.services.core.errors import Conflict, Invalid

MAX_ID = 2**31 - 1  # ids are INTEGER columns (int4 on PostgreSQL)
MAX_DEPTH = 16  # a command's fields are 3 levels deep at most (settings, milestones)
CLIENT_ID_MAX = 64


def clean_chars(value: str, field: str) -> str:
    """A text the database can store: no NUL byte, no unpaired UTF-16 surrogate. Raises Invalid."""
    if "\x00" in value:
        raise Invalid(_("« %(field)s » contient un caractère nul (U+0000), refusé.", field=field), field=field)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(
                _("« %(field)s » contient un caractère Unicode invalide (surrogate isolé).", field=field), field=field
            ) from None
    return value


def text(value, field: str, *, min_len: int = 1, max_len: int = 200, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("« %(field)s » doit être du texte.", field=field), field=field)
    value = clean_chars(value, field).strip()
    if len(value) < min_len:
        raise Invalid(_("« %(field)s » est obligatoire.", field=field), field=field)
    if len(value) > max_len:
        raise Invalid(_("« %(field)s » dépasse %(max_len)s caractères.", field=field, max_len=max_len), field=field)
    return value


def mapping(value) -> dict:
    """A command's or request's fields: a JSON object. Raises Invalid."""
    if not isinstance(value, dict):
        raise Invalid(_("Les données envoyées doivent être un objet JSON ({…})."))
    return value


def payload(value) -> dict:
    """A JSON body or a socket command's fields, checked at the edge: an object nested at most
    MAX_DEPTH deep, every number finite, every text (keys too) storable, and `client_id`, if any,
    as `client_id` wants it. Raises Invalid naming the field."""
    stack = [(mapping(value), "", 1)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Invalid(_("Données trop imbriquées (au plus %(max)s niveaux).", max=MAX_DEPTH))
        if isinstance(item, dict):
            for key, sub in item.items():
                clean_chars(str(key), where or _("nom de champ"))
                name = f"{where}.{key}" if where else str(key)
                stack.append((sub, name[:80], depth + 1))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}[{i}]", depth + 1) for i, sub in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise Invalid(_("« %(where)s » doit être un nombre fini.", where=where), field=where)
        elif isinstance(item, str):
            clean_chars(item, where)
    client_id(value.get("client_id"))
    return value


def client_id(value) -> str | None:
    """The optional idempotency key of a command or request, the same rule for REST and socket. Raises Invalid."""
    if value is not None and (not isinstance(value, str) or not 0 < len(value) <= CLIENT_ID_MAX):
        raise Invalid(_("« client_id » doit être un texte de 1 à %(max)s caractères.", max=CLIENT_ID_MAX), field="client_id")
    return value if value is None else clean_chars(value, "client_id")


def answer_of(result: dict, key: str):
    """`result[key]`, from a command whose `client_id` may repeat an earlier command's: that one's
    answer, without `key`, when the client spent the id on another command. Raises Conflict."""
    if key not in result:
        raise Conflict(_("Ce « client_id » a déjà servi à une autre commande : prenez-en un nouveau."), field="client_id")
    return result[key]


def is_int(value) -> bool:
    """An integer as JSON gives it; a bool is not one, although Python says True == 1."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value) -> bool:
    """A value that may be a row id: an integer the id columns can hold (any other names no row)."""
    return is_int(value) and 1 <= value <= MAX_ID


def ident(value, field: str) -> int:
    """A row id. Raises Invalid naming the field."""
    if not is_int(value):
        raise Invalid(_("« %(field)s » doit être un identifiant.", field=field), field=field)
    if not is_id(value):
        raise Invalid(_("« %(field)s » doit être un identifiant entre 1 et %(max)s.", field=field, max=MAX_ID), field=field)
    return value


def integer(value, field: str, *, lo: int, hi: int) -> int:
    if not is_int(value):
        raise Invalid(_("« %(field)s » doit être un nombre entier.", field=field), field=field)
    if not lo <= value <= hi:
        raise Invalid(_("« %(field)s » doit être entre %(lo)s et %(hi)s.", field=field, lo=lo, hi=hi), field=field)
    return value


def number(value, field: str, *, lo: float, hi: float) -> float:
    """A finite number (integer or decimal) between lo and hi. Raises Invalid."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("« %(field)s » doit être un nombre.", field=field), field=field)
    if not (isinstance(value, int) or math.isfinite(value)) or not lo <= value <= hi:
        bounds = {"lo": format(lo, ".0f"), "hi": format(hi, ".0f")}
        raise Invalid(_("« %(field)s » doit être un nombre fini entre %(lo)s et %(hi)s.", field=field, **bounds), field=field)
    return float(value)


def query_int(value: str | None, field: str, *, default: int, lo: int = 0, hi: int = MAX_ID) -> int:
    """An integer from a query string (ASCII digits only: « ² » is a digit to Python). Raises Invalid."""
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 18) or not lo <= int(value) <= hi:
        raise Invalid(_("« %(field)s » doit être un entier entre %(lo)s et %(hi)s.", field=field, lo=lo, hi=hi), field=field)
    return int(value)


def choice(value, field: str, options) -> str:
    if value not in options:
        raise Invalid(_("« %(field)s » doit valoir l'une de : %(options)s.", field=field, options=', '.join(options)), field=field)
    return value


def boolean(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(_("« %(field)s » doit être true ou false.", field=field), field=field)
    return value


def timestamp(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(_("« %(field)s » doit être une date ISO 8601.", field=field), field=field)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(_("« %(field)s » n'est pas une date ISO 8601 valide.", field=field), field=field) from None


def string_list(value, field: str, *, max_items: int = 30, max_len: int = 120) -> list[str]:
    if not isinstance(value, list) or len(value) > max_items:
        raise Invalid(_("« %(field)s » doit être une liste d'au plus %(max_items)s textes.", field=field, max_items=max_items), field=field)
    return [text(v, field, max_len=max_len) for v in value]
