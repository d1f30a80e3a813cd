"""Markdown written into the minutes by the server: the opening template and the vote results.

Everything that comes from users (titles, names, idea texts) is escaped so it
reads as plain text and can never start a /décision or /action line.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.lib.themes import THEMES
from models import Participant, Workshop, db

PARIS = ZoneInfo("Europe/Paris")
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
# Only what can start markup mid-line: user text never begins a line in what we write.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_escape(text: str) -> str:
    """One line of user text as literal Markdown (no markup, no tags, no line breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def french_datetime(value: datetime | None) -> str:
    if value is None:
        return "à préciser"
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(PARIS)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local.hour} h {local.minute:02d}"


def _attendance(workshop: Workshop) -> tuple[int, int]:
    """People registered so far: a device-less table counts for its size."""
    rows = db.session.execute(
        select(Participant.attendance, func.sum(func.coalesce(Participant.table_size, 1)))
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.attendance)
    ).all()
    counts = {attendance: int(total or 0) for attendance, total in rows}
    return counts.get("room", 0), counts.get("remote", 0)


def opening_template(workshop: Workshop) -> str:
    """The minutes a workshop starts with: header facts, agenda from its theme, empty sections."""
    room, remote = _attendance(workshop)
    facilitators = ", ".join(md_escape(f.name) for f in workshop.facilitators) or "à préciser"
    agenda = THEMES.get(workshop.theme, THEMES["custom"])["agenda"]
    lines = [
        f"# Compte rendu — {md_escape(workshop.title)}",
        "",
        f"- **Date** : {french_datetime(workshop.starts_at)}",
        f"- **Lieu** : {md_escape(workshop.location) or 'à préciser'}",
        f"- **Animation** : {facilitators}",
        f"- **Participants** : {room} en salle, {remote} à distance",
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


def results_markdown(rows: list[dict], now: datetime | None = None) -> str:
    """The ranking as a Markdown section, appended after what is already written."""
    stamp = french_datetime(now or datetime.now(UTC))
    lines = ["", "", f"## Résultats du vote ({stamp})", ""]
    if not rows:
        lines.append("Aucune idée n'a encore reçu de vote.")
    for row in rows:
        detail = row.get("grade_label") or _votes(row.get("votes"))
        lines.append(f"{row['rank']}. **{md_escape(detail)}** — {md_escape(row['text'])}")
    return "\n".join(lines) + "\n"


def _votes(count) -> str:
    count = count or 0
    return f"{count} voix"


def register_markdown(register: dict) -> str:
    """The decisions and actions register as a closing Markdown section of an export."""
    decisions, actions = register["decisions"], register["actions"]
    if not decisions and not actions:
        return ""
    lines = ["", "", "---", "", "## Relevé des décisions et des actions", ""]
    if decisions:
        lines += ["### Décisions", ""]
        lines += [f"- {md_escape(d['text'])} _(ligne {d['line']})_" for d in decisions]
        lines.append("")
    if actions:
        lines += ["### Actions", "", "| Action | Responsable | Échéance | Ligne |", "| --- | --- | --- | --- |"]
        for a in actions:
            cells = [md_escape(a["text"]), md_escape(a["owner"] or "—"), a["due"] or "—", str(a["line"])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
