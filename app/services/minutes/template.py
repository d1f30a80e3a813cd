"""Markdown written into the minutes by the server: the opening template and the vote results.

Everything that comes from users (titles, names, idea texts) is escaped so it
reads as plain text and can never start a /décision or /action line.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.lib.escape import md_escape
from app.lib.themes import THEMES
from app.lib.timezone import local
from models import Participant, Workshop, db

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


def french_datetime(value: datetime | None) -> str:
    if value is None:
        return "à préciser"
    when = local(value)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when.hour} h {when.minute:02d}"


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
