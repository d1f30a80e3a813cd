"""Read models for the roadmap pages: by axis, city and status, the timeline, and « Pourquoi cette action ? »."""

import re
import unicodedata
from datetime import date

from app.lib.minutes_text import extract_register
from app.services.minutes.operations import current_text
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import action_dict, history
from app.services.roadmaps.sources import source_dicts, workshop_ref
from models import Action, User, Workshop, db
from models.roadmap import ACTION_STATUSES

WHOLE_TERRITORY = "Tout le territoire"


def by_axis(data: dict) -> list[dict]:
    return [{**axis, "actions": [a for a in data["actions"] if a["axis_id"] == axis["id"]]} for axis in data["axes"]]


def by_city(data: dict) -> list[dict]:
    """One entry per city of the territory (then any other named city), plus actions for the whole territory."""
    names = list(data.get("cities") or [])
    names += [c for a in data["actions"] for c in a["cities"] if c not in names]
    out = [{"city": c, "actions": [a for a in data["actions"] if c in a["cities"]]} for c in names]
    out.append({"city": WHOLE_TERRITORY, "actions": [a for a in data["actions"] if not a["cities"]]})
    return out


def by_status(data: dict) -> list[dict]:
    return [
        {"status": s, "label": rf.STATUS_LABELS[s], "actions": [a for a in data["actions"] if a["status"] == s]}
        for s in ACTION_STATUSES
    ]


def totals(data: dict) -> dict:
    actions = data["actions"]
    active = [a for a in actions if a["status"] != "dropped"]
    mean = round(sum(a["progress"] for a in active) / len(active)) if active else 0
    return {"actions": len(actions), "done": sum(a["status"] == "done" for a in actions), "progress": mean}


# --- timeline (server-rendered SVG) -----------------------------------------

WIDTH, LABEL_W, PAD, ROW_H, TOP = 960, 330, 16, 30, 44


def timeline(data: dict, today: date | None = None) -> dict:
    """Geometry for the SVG: quarter ticks, one row per dated action (due marker, milestones)."""
    today = today or date.today()
    dated = [a for a in data["actions"] if rf.due_date(a["due"]) or a["milestones"]]
    years = [data.get("year") or today.year]
    for a in dated:
        years += [d.year for d in _dates(a)]
    start, end = date(min(years), 1, 1), date(max(years), 12, 31)
    span = (end - start).days or 1

    def x(day: date) -> float:
        return round(LABEL_W + (day - start).days / span * (WIDTH - LABEL_W - PAD), 1)

    ticks = []
    for year in range(start.year, end.year + 1):
        for q in range(4):
            begin, finish = date(year, 3 * q + 1, 1), rf.due_date(f"{year}-T{q + 1}")
            ticks.append({"x": x(begin), "mid": round((x(begin) + x(finish)) / 2, 1), "label": f"T{q + 1} {year}"})
    rows = [_row(a, i, x) for i, a in enumerate(dated)]
    height = TOP + ROW_H * max(len(rows), 1) + PAD
    today_x = x(today) if start <= today <= end else None
    undated = [a for a in data["actions"] if a not in dated]
    return {"width": WIDTH, "height": height, "label_w": LABEL_W, "top": TOP, "ticks": ticks, "rows": rows,
            "today_x": today_x, "undated": undated, "right": WIDTH - PAD}  # fmt: skip


def _dates(action: dict) -> list[date]:
    days = [date.fromisoformat(m["date"]) for m in action["milestones"]]
    due = rf.due_date(action["due"])
    return days + ([due] if due else [])


def _row(action: dict, index: int, x) -> dict:
    y = TOP + ROW_H * index + ROW_H / 2
    days = _dates(action)
    due = rf.due_date(action["due"])
    title = action["title"]
    return {
        "action": action,
        "y": y,
        "label": title if len(title) <= 44 else title[:43] + "…",
        "x1": x(min(days)),
        "x2": x(max(days)),
        "due_x": x(due) if due else None,
        "milestones": [
            {**m, "x": x(date.fromisoformat(m["date"])), "points": _diamond(x(date.fromisoformat(m["date"])), y)}
            for m in action["milestones"]
        ],
    }


def _diamond(cx: float, cy: float, r: float = 6) -> str:
    return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"


# --- « Pourquoi cette action ? » ------------------------------------------

FIELD_LABELS = {
    "created": "Création",
    "source": "Source ajoutée",
    "title": "Titre",
    "axis": "Axe",
    "description": "Description",
    "lead": "Pilote",
    "partners": "Partenaires",
    "cities": "Communes",
    "due": "Échéance",
    "status": "Statut",
    "progress": "Avancement",
    "milestones": "Jalons",
}


def trace(action: Action, user: User | None) -> dict:
    """The action, its sources grouped by workshop with the minutes lines that mention it, and its history."""
    data = action_dict(action, user, source_dicts(action.sources, user))
    workshops: dict[int, dict] = {}
    for source, item in zip(action.sources, data["sources"], strict=True):
        entry = workshops.setdefault(source.workshop_id, {"workshop": item["workshop"], "ideas": [], "lines": []})
        (entry["lines"] if source.kind == "minutes" else entry["ideas"]).append(item)
    for workshop_id, entry in workshops.items():
        workshop = db.session.get(Workshop, workshop_id)
        entry["workshop"] = workshop_ref(workshop)
        entry["minutes"] = minutes_mentions(workshop, data, entry)
    return {"action": data, "workshops": list(workshops.values()), "history": readable_history(action)}


def readable_history(action: Action) -> list[dict]:
    out = []
    for h in history(action):
        old, new = h["old"], h["new"]
        if h["field"] in ("status", "created"):
            old, new = rf.STATUS_LABELS.get(old, old), rf.STATUS_LABELS.get(new, new)
        elif h["field"] == "progress":
            old, new = f"{old} %", f"{new} %"
        out.append({**h, "label": FIELD_LABELS.get(h["field"], h["field"]), "old": old, "new": new})
    return out


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
