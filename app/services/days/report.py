"""The day's report (Markdown or ODT): programme, attendance per atelier, each atelier's results and minutes,
the plenary's results, the actions created. The ODT is the minutes' ODT writer (app/lib/minutes_odt.py) on
this Markdown, so it validates against ODF 1.2 the same way."""

from collections import Counter

from sqlalchemy import select

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
ROLE = {"atelier": "Atelier", "plenary": "Plénière"}


def export_day(user: User, day_id, fmt: str) -> tuple[str | bytes, str, str]:
    """(body, mimetype, filename). Raises NotFound, Forbidden, Invalid."""
    day = day_by_id(day_id)
    require_day_lead(user, day, "exporter le compte rendu de la journée")
    if fmt not in FORMATS:
        raise Invalid("« format » doit valoir md, html ou odt.", field="format")
    source = day_markdown(day)
    title = f"Journée — {day.title}"
    # `html` is the sanitised body; the API wraps it in the minutes' printable page.
    body = {"md": lambda: source, "html": lambda: export_html(source), "odt": lambda: export_odt(source, title)}[fmt]()
    return body, MIMETYPES[fmt], f"journee-{day.code}.{fmt}"


def day_markdown(day) -> str:
    workshops = workshops_of(day)
    lines = [
        f"# {md_escape(day.title)}",
        "",
        f"{day.date}{' — ' + md_escape(day.location) if day.location else ''}",
        "",
    ]
    if day.programme:
        lines += ["## Programme", ""]
        lines += [f"- {md_escape(p['time'])} {md_escape(p['title'])}".replace("-  ", "- ") for p in day.programme]
        lines.append("")
    lines += ["## Participation", ""] + _attendance(workshops) + [""]
    for workshop in workshops:
        lines += _workshop_section(workshop)
    lines += ["## Actions créées", ""] + (_actions([w.id for w in workshops]) or ["Aucune action pour l'instant."])
    return "\n".join(lines) + "\n"


def _attendance(workshops: list[Workshop]) -> list[str]:
    out = ["| Atelier | En salle | À distance | Structures |", "| --- | --- | --- | --- |"]
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
    role = ROLE.get(workshop.day_role or "", "Atelier")
    names = ", ".join(f.name for f in workshop.facilitators)
    lines = [f"## {role} : {md_escape(workshop.title)}", ""]
    if names:
        lines += [f"Animation : {md_escape(names)}", ""]
    rows = ranking(Actor(workshop))  # the public view: what was revealed, never a private idea
    lines += ["### Résultats", ""]
    for row in rows[:10]:
        dots = row.get("votes") or 0
        figure = row.get("grade_label") or f"{dots} gommette{'s' if dots > 1 else ''}"  # the board's word
        lines.append(f"- **{md_escape(row['rank_label'])}** {md_escape(row['text'])} ({md_escape(str(figure))})")
    if not rows:
        lines.append("Aucun résultat de vote.")
    minutes = current_text(workshop).strip()
    lines += ["", "### Compte rendu", ""]
    lines += [_demoted(line) for line in minutes.splitlines()] if minutes else ["(vide)"]
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
    return [f"- {md_escape(a)} (feuille de route « {md_escape(t)} »)" for _id, a, t in db.session.execute(stmt).all()]
