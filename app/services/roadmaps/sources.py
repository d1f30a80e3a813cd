"""Provenance of roadmap actions: the sticky notes and minutes lines they came from.

A source keeps a copy of the idea's text and tally, so an action still tells
where it came from after the idea is edited or deleted.
"""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.i18n import grade_label
from app.lib.themes import theme_label
from app.lib.timezone import local, zone_name_of
from app.services.core import validation as v
from app.services.core.actors import Viewer
from app.services.core.errors import Forbidden, Invalid
from app.services.core.guards import leads
from app.services.core.visibility import view_source
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from models import Action, ActionChange, ActionSource, Idea, User, Workshop, db

MAX_SOURCE_IDEAS = 200


def resolve_ideas(user: User, idea_ids, field: str = "source_ideas") -> list[Idea]:
    """The ideas behind a list of ids, each from a workshop `user` leads. Raises Invalid, Forbidden."""
    if not isinstance(idea_ids, list) or len(idea_ids) > MAX_SOURCE_IDEAS:
        raise Invalid(
            _("« %(field)s » doit être une liste d'au plus %(max)s identifiants d'idées.", field=field, max=MAX_SOURCE_IDEAS), field=field
        )
    for position, idea_id in enumerate(idea_ids, 1):  # before dict.fromkeys: a list is no key
        if not v.is_int(idea_id):
            raise Invalid(_("« %(field)s » : l'élément %(position)s n'est pas un identifiant d'idée.", field=field, position=position), field=field)
    ideas = []
    for idea_id in dict.fromkeys(idea_ids):
        idea = db.session.get(Idea, idea_id) if v.is_id(idea_id) else None
        if idea is None:
            raise Invalid(_("« %(field)s » : idée %(idea_id)s inconnue.", field=field, idea_id=idea_id), field=field, idea_id=idea_id)
        if not leads(user, db.session.get(Workshop, idea.workshop_id)):
            raise Forbidden(
                _("« %(field)s » : l'idée %(idea_id)s vient d'un atelier que vous n'animez pas.", field=field, idea_id=idea_id),
                field=field,
                idea_id=idea_id,
            )
        ideas.append(idea)
    return ideas


def add_idea_source(action: Action, idea: Idea, user: User | None) -> ActionSource | None:
    """Attach `idea` to `action` with a copy of its text and tally; None if it is already a source."""
    if any(s.idea_id == idea.id for s in action.sources):
        return None
    workshop = db.session.get(Workshop, idea.workshop_id)
    tally = vote_service.tallies(workshop, [idea.id]).get(idea.id, vote_service.empty_tally(workshop))
    source = ActionSource(
        workshop_id=idea.workshop_id,
        idea_id=idea.id,
        kind="idea",
        text=idea.text,
        tally=tally,
        added_by_id=user.id if user else None,
    )
    action.sources.append(source)
    # The log names the idea, never copies its text: history is read through the source (change_label).
    log_change(action, user, "source", "", f"{workshop.code} : " + _("idée n° %(id)s", id=idea.id))
    origin = db.session.get(Idea, idea.source_idea_id) if idea.source_idea_id is not None else None
    if origin is not None:  # a plenary's copy (issue 21): the trace goes on to the atelier where it was written
        add_idea_source(action, origin, user)
    return source


def add_minutes_source(action: Action, workshop: Workshop, item: dict, user: User | None) -> ActionSource | None:
    """Attach a minutes register action line {line, text, owner, due}; None if already there."""
    if any(s.kind == "minutes" and s.workshop_id == workshop.id and s.line == item["line"] for s in action.sources):
        return None
    text = item["text"] or item.get("owner") or ""
    source = ActionSource(
        workshop_id=workshop.id, kind="minutes", line=item["line"], text=text, added_by_id=user.id if user else None
    )
    action.sources.append(source)
    log_change(action, user, "source", "", f"{workshop.code} : compte rendu, ligne {item['line']}")
    return source


def log_change(action: Action, user: User | None, field: str, old, new) -> None:
    """One history row; values are kept as short texts (the history is for reading, not replaying)."""
    action.changes.append(
        ActionChange(user_id=user.id if user else None, field=field, old=_short(old), new=_short(new))
    )


def change_label(source: dict | None, logged: str) -> str:
    """A « source » history row as this viewer reads it: its source as the viewer sees it (`source_dicts`).

    Rows logged before issue 20 copied the idea's text: the stored value stands in only for a row whose source
    is unknown, which `history` never leaves.
    """
    if source is None:
        return logged
    # Named by its title, never its join code: the history is on public pages (issue 19).
    where = source["workshop"]["title"]
    if source["kind"] == "minutes":
        return _short(f"{where} : " + _("compte rendu, ligne %(line)s", line=source["line"]))
    return _short(f"{where} : {source['text'] if source.get('text') is not None else _('idée non révélée')}")


def _short(value) -> str:
    if isinstance(value, list):
        value = ", ".join(str(x.get("title", x)) if isinstance(x, dict) else str(x) for x in value)
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _local(workshop: Workshop):
    """When the workshop starts, on its own clock."""
    return local(workshop.starts_at, zone_name_of(workshop.settings))


def shows_code(workshop: Workshop, user: User | None, roadmap_lead: bool = False) -> bool:
    """Whether this viewer may read the workshop's join code on a roadmap (issue 19): its facilitators and
    the roadmap's do; anyone once it is closed (a closed workshop cannot be joined, `require_open`)."""
    return roadmap_lead or workshop.phase == "closed" or leads(user, workshop)


def workshop_ref(workshop: Workshop, show_code: bool = True) -> dict:
    """The workshop a source comes from; `code` is null for a viewer who may not join it (`shows_code`)."""
    return {
        "code": workshop.code if show_code else None,
        "title": workshop.title,
        "starts_at": _local(workshop).isoformat() if workshop.starts_at else None,
        "date_label": _local(workshop).strftime("%d/%m/%Y") if workshop.starts_at else "",
        "location": workshop.location,
        "theme": workshop.theme,
        "theme_label": theme_label(workshop.theme),
    }


def source_dicts(sources: list[ActionSource], user: User | None, roadmap_lead: bool = False) -> dict[int, dict]:
    """Serialise sources by id, with live tallies where the idea still exists (one query per workshop).
    `roadmap_lead`: the viewer facilitates the roadmap (sees the join codes, `shows_code`)."""
    by_workshop: dict[int, list[ActionSource]] = defaultdict(list)
    for source in sources:
        by_workshop[source.workshop_id].append(source)
    out = {}
    for items in by_workshop.values():
        workshop = items[0].workshop
        ids = [s.idea_id for s in items if s.idea_id is not None]
        live = vote_service.tallies(workshop, ids) if ids else {}
        facilitator = leads(user, workshop)
        moderated = _moderated(ids) if ids and not facilitator else set()
        for source in items:
            out[source.id] = _source_dict(
                source,
                workshop,
                live,
                facilitator,
                source.idea_id in moderated,
                shows_code(workshop, user, roadmap_lead),
            )
    return out


def _moderated(ids: list[int]) -> set[int]:
    """Those of these ideas hidden or pending moderation (issue 14)."""
    stmt = select(Idea.id).where(Idea.id.in_(ids), or_(Idea.hidden.is_(True), Idea.pending.is_(True)))
    return set(db.session.scalars(stmt))


def _source_dict(
    source: ActionSource, workshop: Workshop, live: dict, facilitator: bool, moderated=False, show_code=False
) -> dict:
    tally = source.tally or {}
    if source.idea_id is not None:
        tally = live.get(source.idea_id, vote_service.empty_tally(workshop))
    out = {
        "idea_id": source.idea_id,
        "kind": source.kind,
        "line": source.line,
        "text": source.text,
        "votes": tally.get("votes") if source.kind == "idea" else None,
        "workshop": workshop_ref(workshop, show_code),
        "added_at": source.added_at.isoformat(),
    }
    if "profile" in tally and source.kind == "idea":
        grade = tally.get("grade")
        out.update(
            profile=tally["profile"], grade=grade, grade_label=grade_label(grade)
        )
    return view_source(
        out, workshop.phase, workshop.settings, Viewer(facilitator), lambda: _board_idea(source), moderated
    )


def _board_idea(source: ActionSource) -> dict | None:
    idea = db.session.get(Idea, source.idea_id) if source.idea_id is not None else None
    return idea_dict(idea) if idea is not None else None
