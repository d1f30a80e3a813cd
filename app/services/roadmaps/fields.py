"""Input rules for roadmaps and actions: each check raises Invalid naming the field."""

import re
from datetime import date

from app.services.core import validation as v
from app.services.core.errors import Invalid
from models.roadmap import ACTION_STATUSES

STATUS_LABELS = {
    "proposed": "Proposée",
    "planned": "Planifiée",
    "in_progress": "En cours",
    "done": "Réalisée",
    "dropped": "Abandonnée",
}
_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*[TQ]([1-4])|[TQ]([1-4])\s*[-/ ]?\s*(\d{4}))$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MILESTONES = 20


def status(value, field: str = "status") -> str:
    """A status code; the French label is accepted too (spreadsheets edited by hand)."""
    if isinstance(value, str):
        key = value.strip().lower()
        for code, label in STATUS_LABELS.items():
            if key in (code, label.lower()):
                return code
    raise Invalid(f"« {field} » doit valoir l'un de : {', '.join(ACTION_STATUSES)}.", field=field)


def progress(value, field: str = "progress") -> int:
    return v.integer(value, field, lo=0, hi=100)


def due(value, field: str = "due") -> str:
    """Normalise a due quarter (« T3 2026 », « 2026-Q3 ») to 2026-T3, or keep an ISO date or month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise Invalid(f"« {field} » doit être un texte (2026-T3, 2026-09 ou 2026-09-30).", field=field)
    text = value.strip()
    match = _QUARTER.match(text)
    if match:
        year, quarter = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        return f"{year}-T{quarter}"
    if due_date(text) is None:
        raise Invalid(
            f"« {field} » : échéance illisible « {text[:40]} » (ex. 2026-T3, 2026-09 ou 2026-09-30).", field=field
        )
    return text


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
    """How a due value reads in French: « T3 2026 », « 09/2026 », « 30/09/2026 »."""
    if not value:
        return ""
    if "T" in value:
        year, quarter = value.split("-T")
        return f"T{quarter} {year}"
    parts = value.split("-")
    return "/".join(reversed(parts))


def milestones(value, field: str = "milestones") -> list[dict]:
    """[{title, date (YYYY-MM-DD), done}] sorted by date."""
    if not isinstance(value, list) or len(value) > MAX_MILESTONES:
        raise Invalid(f"« {field} » doit être une liste d'au plus {MAX_MILESTONES} jalons.", field=field)
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise Invalid(f"« {field} » : chaque jalon est un objet {{title, date}}.", field=field)
        when = item.get("date")
        try:
            day = date.fromisoformat(when) if isinstance(when, str) else None
        except ValueError:
            day = None
        if day is None:
            raise Invalid(f"« {field} » : date de jalon invalide (attendu AAAA-MM-JJ).", field=field)
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
            raise Invalid(f"« {field} » : commune hors du territoire : {', '.join(unknown[:3])}.", field=field)
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
