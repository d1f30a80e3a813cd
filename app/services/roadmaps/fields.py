"""Input rules for roadmaps and actions: each check raises Invalid naming the field by its label.

Labels (statuses, fields) are defined once here, in French with their translations (app/i18n.py picks the
reader's language). A status is read in any language Fabrique speaks, by its code or its label. A due value
is kept as `2026-T3`, `2026-09` or `2026-09-30` and shown in one form per language (`due_label`): French
« T3 2026 », « 09/2026 », « 30/09/2026 » ; English "Q3 2026", "2026-09", "2026-09-30"; every one of these
forms is read back (also « 2026-Q3 », "Q3-2026"…).
"""

import re
from datetime import date

from flask import has_app_context
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _

from app.i18n import LANGUAGES, current
from app.services.core import validation as v
from app.services.core.errors import Invalid

STATUS_LABELS = {
    "proposed": lazy_gettext("Proposée"),
    "planned": lazy_gettext("Planifiée"),
    "in_progress": lazy_gettext("En cours"),
    "done": lazy_gettext("Réalisée"),
    "dropped": lazy_gettext("Abandonnée"),
}
# An action's fields (and its history's other rows) as pages, exports and error messages name them.
FIELD_LABELS = {
    "created": lazy_gettext("Création"),
    "source": lazy_gettext("Source ajoutée"),
    "title": lazy_gettext("Titre"),
    "axis": lazy_gettext("Axe"),
    "axis_id": lazy_gettext("Axe"),
    "description": lazy_gettext("Description"),
    "lead": lazy_gettext("Pilote"),
    "partners": lazy_gettext("Partenaires"),
    "cities": lazy_gettext("Communes"),
    "due": lazy_gettext("Échéance"),
    "status": lazy_gettext("Statut"),
    "progress": lazy_gettext("Avancement"),
    "milestones": lazy_gettext("Jalons"),
    "deleted": lazy_gettext("Suppression"),
    "merged": lazy_gettext("Fusion d'une autre action"),
    "merged_into": lazy_gettext("Fusionnée dans"),
}
_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*[TQ]([1-4])|[TQ]([1-4])\s*[-/ ]?\s*(\d{4}))$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SLASHED = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$")  # the French forms 09/2026 and 30/09/2026
MAX_MILESTONES = 20


def label(field: str) -> str:
    """The field's label in the reader's language (its key when it has none)."""
    return str(FIELD_LABELS.get(field, field))


def status_label(code: str | None) -> str:
    """A status in the reader's language; anything else as it is."""
    return str(STATUS_LABELS[code]) if code in STATUS_LABELS else (code or "")


def in_every_language(text) -> list[str]:
    """A lazy label as each language Fabrique speaks writes it (French first)."""
    if not has_app_context():
        return [str(text)]
    names = []
    for lang in LANGUAGES:
        with force_locale(lang):
            names.append(str(text))
    return names


def status_names() -> dict[str, str]:
    """Every way to write a status (code or label, any language, casefolded) → its code."""
    names = {}
    for code, text in STATUS_LABELS.items():
        names[code.casefold()] = code
        names[code.replace("_", " ").casefold()] = code
        for name in in_every_language(text):
            names[name.casefold()] = code
    return names


def status_code(value: str) -> str | None:
    """The code of a status written any way `status_names` knows (a history row keeps a label), else None."""
    return status_names().get(value.strip().casefold()) if isinstance(value, str) else None


def status(value, field: str = "status", names: dict[str, str] | None = None) -> str:
    """A status code from its code or its label in any language (spreadsheets edited by hand)."""
    if isinstance(value, str):
        code = (names or status_names()).get(value.strip().casefold())
        if code:
            return code
    raise Invalid(
        _("« %(field)s » doit valoir l'un de : %(values)s.", field=label(field),
          values=", ".join(status_label(code) for code in STATUS_LABELS)),
        field=field,
    )  # fmt: skip


def progress(value, field: str = "progress") -> int:
    return v.integer(value, field, lo=0, hi=100)


def due(value, field: str = "due") -> str:
    """Normalise a due value: a quarter (« T3 2026 », "Q3 2026", « 2026-T3 »…) to 2026-T3, a month
    (2026-09, 09/2026) to 2026-09, a day (2026-09-30, 30/09/2026) to 2026-09-30."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise Invalid(_("« %(field)s » doit être un texte (%(forms)s).", field=label(field), forms=due_forms()),
                      field=field)  # fmt: skip
    text = " ".join(value.split())
    match = _QUARTER.match(text)
    if match:
        year, quarter = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        return f"{year}-T{quarter}"
    slashed = _SLASHED.match(text)
    if slashed:
        day, month, year = slashed.groups()
        text = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if due_date(text) is None:
        raise Invalid(
            _("« %(field)s » : échéance illisible « %(value)s » (attendu : %(forms)s).",
              field=label(field), value=value.strip()[:40], forms=due_forms()),
            field=field,
        )  # fmt: skip
    return text


def due_forms() -> str:
    """The forms a due value is written in, in the reader's language: « T3 2026, 09/2026 ou 30/09/2026 »."""
    return _("%(quarter)s, %(month)s ou %(day)s", quarter=due_label("2026-T3"), month=due_label("2026-09"),
             day=due_label("2026-09-30"))  # fmt: skip


def due_date(value: str) -> date | None:
    """The last day a due value stands for (end of quarter or month), None if unreadable."""
    if not value:
        return None
    quarter = _QUARTER.match(value)
    month = _MONTH.match(value)
    try:
        if quarter:
            year, q = (quarter.group(1), quarter.group(2)) if quarter.group(1) else (quarter.group(4), quarter.group(3))
            return _month_end(int(year), int(q) * 3)
        if month:
            return _month_end(int(month.group(1)), int(month.group(2)))
        return date.fromisoformat(value)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(month)
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def due_label(value: str) -> str:
    """A due value in the reader's language: « T3 2026 », « 09/2026 », « 30/09/2026 » in French,
    "Q3 2026", "2026-09", "2026-09-30" in English (never ambiguous)."""
    if not value:
        return ""
    if "-T" in value:
        year, quarter = value.split("-T")
        return quarter_label(int(year), int(quarter))
    if current() != "fr":
        return value
    return "/".join(reversed(value.split("-")))


def quarter_label(year: int, quarter: int) -> str:
    """« T3 2026 » / "Q3 2026"."""
    return _("T%(quarter)d %(year)d", quarter=quarter, year=year)


def milestones(value, field: str = "milestones") -> list[dict]:
    """[{title, date (YYYY-MM-DD), done}] sorted by date."""
    if not isinstance(value, list) or len(value) > MAX_MILESTONES:
        raise Invalid(_("« %(field)s » doit être une liste d'au plus %(max)d jalons.", field=label(field),
                        max=MAX_MILESTONES), field=field)  # fmt: skip
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise Invalid(_("« %(field)s » : chaque jalon est un objet {title, date}.", field=label(field)),
                          field=field)  # fmt: skip
        when = item.get("date")
        try:
            day = date.fromisoformat(when) if isinstance(when, str) else None
        except ValueError:
            day = None
        if day is None:
            raise Invalid(_("« %(field)s » : date de jalon invalide (attendu AAAA-MM-JJ).", field=label(field)),
                          field=field)  # fmt: skip
        done = item.get("done", False)
        out.append(
            {"title": v.text(item.get("title"), field, max_len=200), "date": day.isoformat(), "done": done is True}
        )
    return sorted(out, key=lambda m: m["date"])


def cities(value, allowed: list[str], field: str = "cities") -> list[str]:
    """Cities of the roadmap's territory (any names when the territory lists none)."""
    names = v.string_list(value, field, max_items=200, max_len=120)
    if allowed:
        known = {c.casefold(): c for c in allowed}
        unknown = [n for n in names if n.casefold() not in known]
        if unknown:
            raise Invalid(_("« %(field)s » : commune hors du territoire : %(names)s.", field=label(field),
                            names=", ".join(unknown[:3])), field=field)  # fmt: skip
        names = [known[n.casefold()] for n in names]
    return list(dict.fromkeys(names))


def year(value, field: str = "year") -> int | None:
    return None if value in (None, "") else v.integer(value, field, lo=2000, hi=2100)


def action_fields(data: dict, allowed_cities: list[str], creating: bool) -> dict:
    """The plain action fields present in `data` (axis and sources are resolved by the caller)."""
    out = {}
    if creating or "title" in data:
        out["title"] = v.text(data.get("title"), "title", max_len=200)
    rules = {
        "description": lambda x: v.text(x, "description", min_len=0, max_len=5000, required=False),
        "lead": lambda x: v.text(x, "lead", min_len=0, max_len=200, required=False),
        "partners": lambda x: list(dict.fromkeys(v.string_list(x, "partners", max_items=30, max_len=120))),
        "cities": lambda x: cities(x, allowed_cities),
        "due": due,
        "status": status,
        "progress": progress,
        "milestones": milestones,
    }
    for key, rule in rules.items():
        if key in data:
            out[key] = rule(data[key])
    return out
