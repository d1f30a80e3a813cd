"""Markdown written into the minutes by the server: the opening template, the vote results, the register.

Everything that comes from users (titles, names, idea texts) is escaped so it
reads as plain text and can never start a /décision or /action line. Times are
on the workshop's clock (app/lib/timezone.py).
"""

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.lib.escape import md_escape
from app.lib.ranks import rank_label
from app.lib.themes import THEMES
from app.lib.timezone import local, zone_label, zone_name_of
from models import Participant, Workshop, db

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
PHASE_NAMES = {
    "setup": "Préparation",
    "brainstorm": "Idées",
    "cluster": "Regroupement",
    "vote": "Vote",
    "discuss": "Discussion",
    "closed": "Clos",
}
# The header line the attendance is written on (filled again at export and at closing).
ATTENDANCE_RE = re.compile(r"^(- \*\*Participants\*\* : )\d+ en salle, \d+ à distance[ \t]*$", re.MULTILINE)


def french_datetime(value: datetime | None, zone_name: str | None = None, labelled: bool = False) -> str:
    """« 12 mars 2026, 15 h 30 » on the zone's clock; with `labelled`, « … (heure de Paris) »."""
    if value is None:
        return "à préciser"
    when = local(value, zone_name)
    text = f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when.hour} h {when.minute:02d}"
    return f"{text} ({zone_label(zone_name)})" if labelled else text


def attendance(workshop: Workshop) -> tuple[int, int]:
    """People who joined, in the room and remote: a device-less table counts for its size."""
    rows = db.session.execute(
        select(Participant.attendance, func.sum(func.coalesce(Participant.table_size, 1)))
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.attendance)
    ).all()
    counts = {attendance: int(total or 0) for attendance, total in rows}
    return counts.get("room", 0), counts.get("remote", 0)


def attendance_line(workshop: Workshop) -> str:
    room, remote = attendance(workshop)
    return f"- **Participants** : {room} en salle, {remote} à distance"


def fill_attendance(text: str, workshop: Workshop) -> str:
    """The minutes with the header's attendance figures as they are now (the first such line only)."""
    room, remote = attendance(workshop)
    return ATTENDANCE_RE.sub(lambda m: f"{m.group(1)}{room} en salle, {remote} à distance", text, count=1)


def opening_template(workshop: Workshop) -> str:
    """The minutes a workshop starts with: header facts, agenda from its theme, empty sections."""
    facilitators = ", ".join(md_escape(f.name) for f in workshop.facilitators) or "à préciser"
    agenda = THEMES.get(workshop.theme, THEMES["custom"])["agenda"]
    lines = [
        f"# Compte rendu — {md_escape(workshop.title)}",
        "",
        f"- **Date** : {french_datetime(workshop.starts_at, zone_name_of(workshop.settings), labelled=True)}",
        f"- **Lieu** : {md_escape(workshop.location) or 'à préciser'}",
        f"- **Animation** : {facilitators}",
        attendance_line(workshop),
        "",
        "## Ordre du jour",
        "",
        *(f"{n}. {md_escape(item)}" for n, item in enumerate(agenda, 1)),
        "",
        "## Notes",
        "",
        "",
        "## Décisions et actions",
        "",
        "> Commencez une ligne par `/décision` ou par `/action … @responsable due:AAAA-MM-JJ` "
        "pour l'ajouter au relevé.",
        "",
    ]
    return "\n".join(lines)


def results_markdown(
    rows: list[dict], now: datetime | None = None, zone_name: str | None = None, majority: bool | None = None
) -> str:
    """The ranking as a Markdown table, appended after what is already written: ties share a rank ("5 ="); dots
    are « gommettes », majority judgment gives each idea its « mention »."""
    stamp = french_datetime(now or datetime.now(UTC), zone_name, labelled=True)
    lines = ["", "", f"## Résultats du vote — {stamp}", ""]
    if not rows:
        return "\n".join([*lines, "Aucune idée n'a encore reçu de vote."]) + "\n"
    mj = any(row.get("grade_label") for row in rows) if majority is None else majority
    lines += [f"| Rang | Idée | {'Mention' if mj else 'Gommettes'} |", "| ---: | --- | --- |"]
    ties = _shared_ranks(rows)
    for row in rows:
        label = row.get("rank_label") or rank_label(row.get("rank"), row.get("rank") in ties)
        detail = row.get("grade_label") if mj else gommettes(row.get("votes"))
        lines.append(f"| {label} | {md_escape(row['text'])} | {md_escape(detail or '—')} |")
    return "\n".join(lines) + "\n"


def _shared_ranks(rows: list[dict]) -> set:
    seen, shared = set(), set()
    for row in rows:
        rank = row.get("rank")
        (shared if rank in seen else seen).add(rank)
    return shared


def gommettes(count) -> str:
    """« 1 gommette », « 3 gommettes »: the word the board uses for dots."""
    count = count or 0
    return f"{count} gommette" if count in (0, 1) else f"{count} gommettes"


def register_markdown(register: dict) -> str:
    """The decisions and actions register as a closing Markdown section of an export."""
    decisions, actions = register["decisions"], register["actions"]
    if not decisions and not actions:
        return ""
    lines = ["", "", "---", "", "## Relevé des décisions et des actions", ""]
    if decisions:
        lines += ["### Décisions", ""]
        lines += [f"- {md_escape(d['text'])}" for d in decisions]
        lines.append("")
    if actions:
        lines += ["### Actions", "", "| Action | Responsable | Échéance |", "| --- | --- | --- |"]
        for a in actions:
            cells = [md_escape(a["text"]), md_escape(a["owner"] or "—"), _due(a["due"])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _due(iso: str | None) -> str:
    """« 30 juin 2026 » from an ISO date (a day: no time zone involved)."""
    if not iso:
        return "—"
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"
