"""Read models for the roadmap pages: by axis, city and status, the timeline, and « Pourquoi cette action ? »."""

import re
import unicodedata
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.lib.minutes_text import extract_register
from app.services.core.guards import leads
from app.services.minutes.operations import current_text
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import action_dict, history, leads_roadmap_of
from app.services.roadmaps.sources import shows_code, source_dicts, workshop_ref
from models import Action, User, Workshop, db
from models.roadmap import ACTION_STATUSES

WHOLE_TERRITORY = lazy_gettext("Tout le territoire")


def _active(data: dict) -> list[dict]:
    """Dropped actions are listed apart (`dropped`) and leave the average progress."""
    return [a for a in data["actions"] if a["status"] != "dropped"]


def dropped(data: dict) -> list[dict]:
    return [a for a in data["actions"] if a["status"] == "dropped"]


def by_axis(data: dict) -> list[dict]:
    active = _active(data)
    return [{**axis, "actions": [a for a in active if a["axis_id"] == axis["id"]]} for axis in data["axes"]]


def by_city(data: dict) -> list[dict]:
    """One entry per city of the territory (then any other named city), plus actions for the whole territory.
    The page folds away the entries without actions."""
    active = _active(data)
    names = list(data.get("cities") or [])
    names += [c for a in active for c in a["cities"] if c not in names]
    out = [{"city": c, "actions": [a for a in active if c in a["cities"]]} for c in names]
    out.append({"city": str(WHOLE_TERRITORY), "actions": [a for a in active if not a["cities"]], "whole": True})
    return out


def by_status(data: dict) -> list[dict]:
    return [
        {"status": s, "label": rf.status_label(s), "actions": [a for a in data["actions"] if a["status"] == s]}
        for s in ACTION_STATUSES
    ]


def totals(data: dict) -> dict:
    """Counts and the average progress of the actions still pursued; dropped ones are counted apart."""
    active = _active(data)
    mean = round(sum(a["progress"] for a in active) / len(active)) if active else 0
    done = sum(a["status"] == "done" for a in active)
    return {"actions": len(active), "done": done, "progress": mean, "dropped": len(data["actions"]) - len(active)}


# --- timeline ----------------------------------------------------------------


def timeline(data: dict, today: date | None = None) -> dict:
    """Dated actions on a scale of whole years: each position is a fraction (0 to 1) of that span.

    Quarters {label, start, end}, one row per dated action {action, start, end, due, milestones},
    today (None outside the span) and the undated actions.
    """
    today = today or date.today()
    dated = [a for a in data["actions"] if rf.due_date(a["due"]) or a["milestones"]]
    years = [data.get("year") or today.year]
    for a in dated:
        years += [d.year for d in _dates(a)]
    start, end = date(min(years), 1, 1), date(max(years), 12, 31)
    span = (end - start).days or 1

    def at(day: date) -> float:
        return (day - start).days / span

    quarters = [
        {
            "label": rf.quarter_label(year, q + 1),
            "start": at(date(year, 3 * q + 1, 1)),
            "end": at(rf.due_date(f"{year}-T{q + 1}")),
        }
        for year in range(start.year, end.year + 1)
        for q in range(4)
    ]
    return {
        "quarters": quarters,
        "rows": [_row(a, at) for a in dated],
        "today": at(today) if start <= today <= end else None,
        "undated": [a for a in data["actions"] if a not in dated],
    }


def _dates(action: dict) -> list[date]:
    days = [date.fromisoformat(m["date"]) for m in action["milestones"]]
    due = rf.due_date(action["due"])
    return days + ([due] if due else [])


def _row(action: dict, at) -> dict:
    days = _dates(action)
    due = rf.due_date(action["due"])
    return {
        "action": action,
        "start": at(min(days)),
        "end": at(max(days)),
        "due": at(due) if due else None,
        "milestones": [{**m, "at": at(date.fromisoformat(m["date"]))} for m in action["milestones"]],
    }


# --- « Pourquoi cette action ? » ------------------------------------------

FIELD_LABELS = rf.FIELD_LABELS  # defined once, with the statuses (app/services/roadmaps/fields.py)


def trace(action: Action, user: User | None) -> dict:
    """The action, its sources grouped by workshop with the minutes lines that mention it, and its history."""
    roadmap_lead = leads_roadmap_of(user, action)
    data = action_dict(action, user, source_dicts(action.sources, user, roadmap_lead))
    workshops: dict[int, dict] = {}
    for source, item in zip(action.sources, data["sources"], strict=True):
        entry = workshops.setdefault(source.workshop_id, {"workshop": item["workshop"], "ideas": [], "lines": []})
        (entry["lines"] if source.kind == "minutes" else entry["ideas"]).append(item)
    for workshop_id, entry in workshops.items():
        workshop = db.session.get(Workshop, workshop_id)
        entry["workshop"] = workshop_ref(workshop, shows_code(workshop, user, roadmap_lead))  # issue 19
        entry["facilitated"] = leads(user, workshop)  # only its facilitators see its join code on this page
        entry["minutes"] = minutes_mentions(workshop, data, entry)
    history_rows = readable_history(action, data["sources"])
    return {"action": data, "workshops": list(workshops.values()), "history": history_rows}


def readable_history(action: Action, sources: list[dict]) -> list[dict]:
    """The history with each row's field `label` and values as the reader reads them (statuses, per cent)."""
    return [readable_change(h) for h in history(action, sources)]


def readable_change(change: dict) -> dict:
    old, new = change["old"], change["new"]
    if change["field"] in ("status", "created"):
        # A status row keeps a code; a creation row the label of its day, in any language: both read alike.
        old, new = (rf.status_label(rf.status_code(x) or x) for x in (old, new))
    elif change["field"] == "progress":
        old, new = (percent_text(x) for x in (old, new))
    return {**change, "label": rf.label(change["field"]), "old": old, "new": new}


def percent_text(value) -> str:
    """« 30 % » / "30%" (a history value is a text; an empty one stays empty)."""
    return _("%(value)s %%", value=value) if value not in (None, "") else ""


def minutes_mentions(workshop: Workshop, action: dict, entry: dict) -> list[dict]:
    """Decisions and action lines of the minutes that mention the action's title or a source's text."""
    text = current_text(workshop)
    if not text.strip():
        return []
    register = extract_register(text)
    needles = [action["title"]] + [i["text"] for i in entry["ideas"] if i.get("text")]
    promoted = {s["line"] for s in entry["lines"]}
    found = []
    for kind, items in (("decision", register["decisions"]), ("action", register["actions"])):
        for item in items:
            if item["line"] in promoted or _mentions(item["text"], needles):
                found.append({**item, "kind": kind, "promoted": item["line"] in promoted})
    typed = {item["line"] for item in found} | {i["line"] for i in register["decisions"] + register["actions"]}
    title = _norm(action["title"])
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        if number not in typed and len(title) >= 6 and title in _norm(line):
            found.append({"line": number, "text": line.strip(" #>*-\t"), "kind": "mention", "promoted": False})
    return sorted(found, key=lambda item: item["line"])


def _norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _words(text: str) -> set[str]:
    return {w for w in _norm(text).split() if len(w) >= 4}


def _mentions(line: str, needles: list[str]) -> bool:
    """Same words, not same wording: a substring either way, or most significant words shared."""
    norm_line, line_words = _norm(line), _words(line)
    for needle in needles:
        norm = _norm(needle)
        if len(norm) >= 6 and (norm in norm_line or (len(norm_line) >= 12 and norm_line in norm)):
            return True
        common = line_words & _words(needle)
        if len(common) >= 3 and len(common) >= 0.6 * min(len(line_words), len(_words(needle))):
            return True
    return False
