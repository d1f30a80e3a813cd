"""The day's report (Markdown or ODT): programme, attendance per atelier, each atelier's results and minutes,
the plenary's results, the actions created. The ODT is the minutes' ODT writer (app/lib/minutes_odt.py) on
this Markdown, so it validates against ODF 1.2 the same way."""

from collections import Counter
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from sqlalchemy import select

from app.i18n import day as long_day
from app.lib.escape import md_escape
from app.lib.formats import MIMETYPES
from app.services.core.actors import Actor
from app.services.core.errors import Invalid
from app.services.days.membership import day_by_id, require_day_lead, workshops_of
from app.services.minutes.operations import current_text
from app.services.minutes.rendering import export_html, export_odt
from app.services.workshop.results import ranking
from models import Action, ActionSource, Participant, Roadmap, User, Workshop, db

FORMATS = ("md", "html", "odt")
ROLE = {"atelier": lazy_gettext("Atelier"), "plenary": lazy_gettext("Plénière")}


def export_day(user: User, day_id, fmt: str) -> tuple[str | bytes, str, str]:
    """(body, mimetype, filename). Raises NotFound, Forbidden, Invalid."""
    day = day_by_id(day_id)
    require_day_lead(user, day, _("exporter le compte rendu de la journée"))
    if fmt not in FORMATS:
        raise Invalid(_("« format » doit valoir md, html ou odt."), field="format")
    source = day_markdown(day)
    title = day_title(day)
    # `html` is the sanitised body; the API wraps it in the minutes' printable page.
    body = {"md": lambda: source, "html": lambda: export_html(source), "odt": lambda: export_odt(source, title)}[fmt]()
    return body, MIMETYPES[fmt], _("journee-%(code)s", code=day.code) + f".{fmt}"


def day_title(day) -> str:
    """« Journée — TITRE » / "Day — TITLE": the ODT's and the printable page's title."""
    return _("Journée — %(title)s", title=day.title)


def _date(value: str) -> str:
    """The day's ISO date in the reader's long form (« 21 novembre 2026 »), as it is if unreadable."""
    try:
        return long_day(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


def day_markdown(day) -> str:
    workshops = workshops_of(day)
    lines = [
        f"# {md_escape(day.title)}",
        "",
        f"{_date(day.date)}{' — ' + md_escape(day.location) if day.location else ''}",
        "",
    ]
    if day.programme:
        lines += ["## " + _("Programme"), ""]
        lines += [f"- {md_escape(p['time'])} {md_escape(p['title'])}".replace("-  ", "- ") for p in day.programme]
        lines.append("")
    lines += ["## " + _("Participation"), ""] + _attendance(workshops) + [""]
    for workshop in workshops:
        lines += _workshop_section(workshop)
    nothing = [_("Aucune action pour l'instant.")]
    lines += ["## " + _("Actions créées"), ""] + (_actions([w.id for w in workshops]) or nothing)
    return "\n".join(lines) + "\n"


def _attendance(workshops: list[Workshop]) -> list[str]:
    head = (_("Atelier"), _("En salle"), _("À distance"), _("Structures"))
    out = ["| " + " | ".join(head) + " |", "| --- | --- | --- | --- |"]
    for w in workshops:
        people = db.session.scalars(select(Participant).filter_by(workshop_id=w.id, removed_at=None)).all()
        modes = Counter(p.attendance for p in people)
        orgs = sorted({p.organisation for p in people if p.organisation and not p.anonymised})
        cells = [
            md_escape(w.title),
            str(modes.get("room", 0)),
            str(modes.get("remote", 0)),
            md_escape(", ".join(orgs)) or "—",
        ]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return out


def _workshop_section(workshop: Workshop) -> list[str]:
    role = ROLE.get(workshop.day_role or "", ROLE["atelier"])
    names = ", ".join(f.name for f in workshop.facilitators)
    lines = ["## " + _("%(label)s : %(value)s", label=role, value=md_escape(workshop.title)), ""]
    if names:
        lines += [_("Animation : %(names)s", names=md_escape(names)), ""]
    rows = ranking(Actor(workshop))  # the public view: what was revealed, never a private idea
    lines += ["### " + _("Résultats"), ""]
    for row in rows[:10]:
        dots = row.get("votes") or 0
        figure = row.get("grade_label") or ngettext("%(num)d gommette", "%(num)d gommettes", dots)  # the board's word
        lines.append(f"- **{md_escape(row['rank_label'])}** {md_escape(row['text'])} ({md_escape(str(figure))})")
    if not rows:
        lines.append(_("Aucun résultat de vote."))
    minutes = current_text(workshop).strip()
    lines += ["", "### " + _("Compte rendu"), ""]
    lines += [_demoted(line) for line in minutes.splitlines()] if minutes else [_("(vide)")]
    return lines + [""]


def _demoted(line: str) -> str:
    """A minutes heading nests under the atelier's own (## → ####)."""
    return "##" + line if line.startswith("#") else line


def _actions(workshop_ids: list[int]) -> list[str]:
    stmt = (
        select(Action.id, Action.title, Roadmap.title)
        .join(ActionSource, ActionSource.action_id == Action.id)
        .join(Roadmap, Roadmap.id == Action.roadmap_id)
        .where(ActionSource.workshop_id.in_(workshop_ids), Action.deleted_at.is_(None))
        .distinct()
        .order_by(Action.id)
    )
    return [
        "- " + _("%(action)s (feuille de route « %(roadmap)s »)", action=md_escape(a), roadmap=md_escape(t))
        for _id, a, t in db.session.execute(stmt).all()
    ]
