"""A co-construction process (démarche): workshops and days over months feeding one roadmap. Its read model
says, session after session, who took part (organisations, communes: who has not been heard yet), which themes
were followed, and what changed in the roadmap since the previous session ("depuis la dernière fois").

Its facilitator is its creator: only they (active account) add sessions and read it; a session is added only
by someone who leads that workshop or that day.
"""

from collections import Counter
from datetime import UTC, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from app.lib.themes import theme_label
from app.services.core import validation as v
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.core.guards import leads
from app.services.core.territories import resolve_territory
from app.services.core.unit_of_work import transaction
from app.services.days.membership import day_by_id, require_day_lead, workshops_of
from app.services.roadmaps.views import FIELD_LABELS
from app.services.workshop.workshops import get_workshop
from models import Action, ActionChange, Demarche, DemarcheSession, Participant, Roadmap, User, Workshop, db

MAX_SESSIONS = 200


def _process(process_id, user: User) -> Demarche:
    """Raises NotFound, Forbidden."""
    process = db.session.get(Demarche, process_id) if v.is_id(process_id) else None
    if process is None:
        raise NotFound(_("Aucune démarche ne porte cet identifiant."))
    if not (getattr(user, "is_active", False) and process.created_by_id == user.id):
        raise Forbidden(_("Seule l'équipe qui anime cette démarche peut la consulter ou la compléter."))
    return process


def create_process(user: User, data: dict) -> Demarche:
    """A process led by `user`, optionally feeding a roadmap they lead. Raises Invalid, Forbidden, NotFound."""
    v.mapping(data)
    title = v.text(data.get("title"), "title", max_len=200)
    territory = resolve_territory(data.get("territory"), user)
    roadmap_id = None
    if data.get("roadmap_id") is not None:
        roadmap = db.session.get(Roadmap, v.ident(data["roadmap_id"], "roadmap_id"))
        if roadmap is None:
            raise NotFound(_("Feuille de route introuvable."), field="roadmap_id")
        if not leads(user, roadmap):
            raise Forbidden(_("Vous n'animez pas cette feuille de route."), field="roadmap_id")
        roadmap_id = roadmap.id
    description = v.text(data.get("description", ""), "description", min_len=0, max_len=2000, required=False)
    process = Demarche(title=title, territory=territory, roadmap_id=roadmap_id, description=description)
    process.created_by_id = user.id
    with transaction():
        db.session.add(process)
    return process


def add_session(user: User, process_id, data: dict) -> DemarcheSession:
    """Add a workshop (`workshop_code`) or a day (`day_id`) as the next session. Raises Invalid, NotFound,
    Forbidden, Conflict."""
    process = _process(process_id, user)
    v.mapping(data)
    if (data.get("workshop_code") is None) == (data.get("day_id") is None):
        raise Invalid(_("Donnez exactement l'un de : workshop_code, day_id."), field="workshop_code")
    session = DemarcheSession(position=len(process.sessions) + 1)
    if data.get("day_id") is not None:
        day = day_by_id(v.ident(data["day_id"], "day_id"))
        require_day_lead(user, day, _("l'ajouter à une démarche"))
        session.day_id = day.id
    else:
        if not isinstance(data["workshop_code"], str):
            raise Invalid(_("« workshop_code » doit être un code d'atelier."), field="workshop_code")
        workshop = get_workshop(data["workshop_code"])
        if not leads(user, workshop):
            raise Forbidden(_("Vous n'animez pas cet atelier : seuls ses animateurs peuvent l'ajouter à une démarche."))
        session.workshop_id = workshop.id
    if any((s.workshop_id, s.day_id) == (session.workshop_id, session.day_id) for s in process.sessions):
        raise Conflict(_("Cette séance fait déjà partie de la démarche."))
    if len(process.sessions) >= MAX_SESSIONS:
        raise Conflict(_("Une démarche compte au plus %(max)s séances.", max=MAX_SESSIONS))
    with transaction():
        process.sessions.append(session)
    return session


# --- the read model ----------------------------------------------------------------------------


def _workshops(session: DemarcheSession) -> list[Workshop]:
    if session.workshop_id is not None:
        return [db.session.get(Workshop, session.workshop_id)]
    return workshops_of(day_by_id(session.day_id))


def _moment(session: DemarcheSession, workshops: list[Workshop]) -> datetime:
    """When the session ended, as far as the records say: its last closing, else its start, else its creation."""
    closed = [w.closed_at for w in workshops if w.closed_at]
    if closed:
        return max(closed)
    if session.day_id is not None:
        day = day_by_id(session.day_id)
        return datetime.combine(datetime.fromisoformat(day.date).date(), time(23, 59), tzinfo=UTC)
    w = workshops[0]
    return w.starts_at or w.created_at


def _people(workshops: list[Workshop]) -> list[Participant]:
    """One row per person: a day's participant is counted once for the day, not once per workshop entered."""
    rows = db.session.scalars(
        select(Participant).where(
            Participant.workshop_id.in_([w.id for w in workshops]),
            Participant.removed_at.is_(None),
            Participant.table_size.is_(None),
        )
    ).all()
    seen, out = set(), []
    for p in rows:
        key = ("pass", p.day_pass_id) if p.day_pass_id else ("row", p.id)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _communes(workshops: list[Workshop], cities: list[str], day_location: str = "") -> list[str]:
    """The communes a session took place in: its workshops' territory when it is a commune, or a city of the
    process's territory named in its place."""
    found = []
    for w in workshops:
        if w.territory is not None and w.territory.kind == "commune":
            found.append(w.territory.name)
        found += [c for c in cities if c.lower() in f"{w.location} {day_location}".lower()]
    return sorted(set(found))


def _session_view(process: Demarche, session: DemarcheSession, cities: list[str]) -> dict:
    workshops = _workshops(session)
    people = _people(workshops)
    day = day_by_id(session.day_id) if session.day_id is not None else None
    orgs = Counter(p.organisation.strip() for p in people if p.organisation.strip() and not p.anonymised)
    return {
        "position": session.position,
        "kind": "day" if day else "workshop",
        "id": day.id if day else None,
        "code": day.code if day else workshops[0].code,
        "title": day.title if day else workshops[0].title,
        "date": day.date if day else _moment(session, workshops).date().isoformat(),
        "ended_at": _moment(session, workshops).isoformat(),
        "participants": len(people),
        "room": sum(p.attendance == "room" for p in people),
        "remote": sum(p.attendance == "remote" for p in people),
        "organisations": dict(sorted(orgs.items())),
        "communes": _communes(workshops, cities, day.location if day else ""),
        "themes": sorted({theme_label(w.theme) for w in workshops}),
    }


def _changes(roadmap_id: int, after: datetime | None, until: datetime | None) -> list[dict]:
    """The roadmap's history (its ActionChange rows, creations included) between two moments, oldest first."""
    titles = dict(db.session.execute(select(Action.id, Action.title).filter_by(roadmap_id=roadmap_id)).all())
    if not titles:
        return []
    stmt = (
        select(ActionChange).where(ActionChange.action_id.in_(list(titles))).order_by(ActionChange.at, ActionChange.id)
    )
    return [
        {
            "at": c.at.isoformat(),
            "action": titles[c.action_id],
            "field": c.field,
            "label": FIELD_LABELS.get(c.field, c.field),
            "old": c.old,
            "new": c.new,
        }
        for c in db.session.scalars(stmt)
        if _between(c.at, after, until)
    ]


def _between(moment: datetime, after: datetime | None, until: datetime | None) -> bool:
    return (after is None or moment > after) and (until is None or moment <= until)


def process_view(user: User, process_id) -> dict:
    """The process page's data (GET /api/v1/processes/ID). Raises NotFound, Forbidden."""
    process = _process(process_id, user)
    cities = list(process.territory.cities or []) if process.territory else []
    # In the order they took place (a session may be added after a later one).
    sessions = sorted((_session_view(process, s, cities) for s in process.sessions), key=lambda v: v["ended_at"])
    if process.roadmap_id is not None:
        previous = None
        for view in sessions:
            ended = datetime.fromisoformat(view["ended_at"])
            view["since_previous"] = _changes(process.roadmap_id, previous, ended) if previous else []
            previous = ended
    heard = {c for s in sessions for c in s["communes"]}
    organisations = sorted({o for s in sessions for o in s["organisations"]})
    themes = {}
    for s in sessions:
        for theme in s["themes"]:
            themes.setdefault(theme, []).append(s["position"])
    last = datetime.fromisoformat(sessions[-1]["ended_at"]) if sessions else None
    return {
        "id": process.id,
        "title": process.title,
        "description": process.description,
        "territory": process.territory.name if process.territory else None,
        "roadmap_id": process.roadmap_id,
        "sessions": sessions,
        "organisations": [
            {"name": o, "sessions": [s["organisations"].get(o, 0) for s in sessions]} for o in organisations
        ],
        "communes": [{"name": c, "sessions": [int(c in s["communes"]) for s in sessions]} for c in cities],
        "not_heard": [c for c in cities if c not in heard],
        "themes": [{"label": t, "sessions": p} for t, p in themes.items()],
        "since_last": _changes(process.roadmap_id, last, None) if process.roadmap_id is not None and last else [],
    }


def process_json(process: Demarche) -> dict:
    return {
        "id": process.id,
        "title": process.title,
        "territory": process.territory.name if process.territory else None,
        "roadmap_id": process.roadmap_id,
        "sessions": len(process.sessions),
    }


def processes_of(user: User) -> list[Demarche]:
    """The processes `user` leads (the dashboard)."""
    return list(db.session.scalars(select(Demarche).filter_by(created_by_id=user.id).order_by(Demarche.id.desc())))
