"""Markdown written into the minutes by the server: the opening template, the vote results, the register.

It is written in the language of whoever's action writes it (the facilitator who creates the workshop or
inserts the results); the attendance line is recognised in every language (`ATTENDANCE_RE`).

Everything that comes from users (titles, names, idea texts) is escaped so it
reads as plain text and can never start a /décision or /action line. Times are
on the workshop's clock (app/lib/timezone.py).
"""

import re
from datetime import UTC, date, datetime

from babel import dates
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from sqlalchemy import func, select

from app import i18n
from app.lib.escape import md_escape
from app.lib.ranks import rank_label
from app.lib.themes import THEMES, resolved
from app.lib.timezone import local, zone_label, zone_name_of
from models import Participant, Workshop, db

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
PHASE_NAMES = {
    "setup": lazy_gettext("Préparation"),
    "brainstorm": lazy_gettext("Idées"),
    "cluster": lazy_gettext("Regroupement"),
    "vote": lazy_gettext("Vote"),
    "discuss": lazy_gettext("Discussion"),
    "closed": lazy_gettext("Clos"),
}
# The header line the attendance is written on (filled again at export and at closing), in French or English.
ATTENDANCE_RE = re.compile(
    r"^(- \*\*Participants\*\* ?: )\d+ (en salle|in the room), \d+ (à distance|remote)[ \t]*$", re.MULTILINE
)


def french_datetime(value: datetime | None, zone_name: str | None = None, labelled: bool = False) -> str:
    """« 12 mars 2026, 15 h 30 » on the zone's clock (in English "March 12, 2026, 3:30 PM"); with `labelled`,
    « … (heure de Paris) »."""
    if value is None:
        return _("à préciser")
    when = local(value, zone_name)
    lang = i18n.current()
    if lang == i18n.DEFAULT:
        text = f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when.hour} h {when.minute:02d}"
    else:  # the naive wall-clock values: Babel must not move them to another zone
        day = dates.format_date(when.date(), "long", locale=lang)
        text = f"{day}, {dates.format_time(when.replace(tzinfo=None).time(), 'short', locale=lang)}"
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
    return _("- **Participants** : %(room)s en salle, %(remote)s à distance", room=room, remote=remote)


def fill_attendance(text: str, workshop: Workshop) -> str:
    """The minutes with the header's attendance figures as they are now (the first such line only)."""
    room, remote = attendance(workshop)
    return ATTENDANCE_RE.sub(lambda m: f"{m.group(1)}{room} {m.group(2)}, {remote} {m.group(3)}", text, count=1)


def opening_template(workshop: Workshop) -> str:
    """The minutes a workshop starts with: header facts, agenda from its theme, empty sections."""
    facilitators = ", ".join(md_escape(f.name) for f in workshop.facilitators) or _("à préciser")
    agenda = resolved(THEMES.get(workshop.theme, THEMES["custom"]))["agenda"]
    lines = [
        _("# Compte rendu — %(title)s", title=md_escape(workshop.title)),
        "",
        _("- **Date** : %(date)s", date=french_datetime(workshop.starts_at, zone_name_of(workshop.settings), labelled=True)),
        _("- **Lieu** : %(place)s", place=md_escape(workshop.location) or _("à préciser")),
        _("- **Animation** : %(names)s", names=facilitators),
        attendance_line(workshop),
        "",
        _("## Ordre du jour"),
        "",
        *(f"{n}. {md_escape(item)}" for n, item in enumerate(agenda, 1)),
        "",
        _("## Notes"),
        "",
        "",
        _("## Décisions et actions"),
        "",
        _(
            "> Commencez une ligne par `/décision` ou par `/action … @responsable due:AAAA-MM-JJ` "
            "pour l'ajouter au relevé."
        ),
        "",
    ]
    return "\n".join(lines)


def results_markdown(
    rows: list[dict], now: datetime | None = None, zone_name: str | None = None, majority: bool | None = None
) -> str:
    """The ranking as a Markdown table, appended after what is already written: ties share a rank ("5 ="); dots
    are « gommettes », majority judgment gives each idea its « mention »."""
    stamp = french_datetime(now or datetime.now(UTC), zone_name, labelled=True)
    lines = ["", "", _("## Résultats du vote — %(stamp)s", stamp=stamp), ""]
    if not rows:
        return "\n".join([*lines, _("Aucune idée n'a encore reçu de vote.")]) + "\n"
    mj = any(row.get("grade_label") for row in rows) if majority is None else majority
    header = _("| Rang | Idée | Mention |") if mj else _("| Rang | Idée | Gommettes |")
    lines += [header, "| ---: | --- | --- |"]
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
    if count == 0:  # « 0 gommette » in French (ngettext's fallback would say « gommettes »)
        return _("0 gommette")
    return ngettext("%(num)d gommette", "%(num)d gommettes", count)


def register_markdown(register: dict) -> str:
    """The decisions and actions register as a closing Markdown section of an export."""
    decisions, actions = register["decisions"], register["actions"]
    if not decisions and not actions:
        return ""
    lines = ["", "", "---", "", _("## Relevé des décisions et des actions"), ""]
    if decisions:
        lines += [_("### Décisions"), ""]
        lines += [f"- {md_escape(d['text'])}" for d in decisions]
        lines.append("")
    if actions:
        lines += [_("### Actions"), "", _("| Action | Responsable | Échéance |"), "| --- | --- | --- |"]
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
    if i18n.current() != i18n.DEFAULT:
        return dates.format_date(date(year, month, day), "long", locale=i18n.current())
    return f"{day} {MONTHS[month - 1]} {year}"
