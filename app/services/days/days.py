"""A day: one code and one QR for several ateliers and a plenary. A person joins the day once (a DayPass,
name typed once, one day token) and gets a Participant row in each workshop of the day they enter: in one
atelier (chosen, within its capacity, or assigned), later in the plenary, without joining again.

Each row's token hash is derived from the day token and the workshop's code, so the day token opens exactly
the workshops its holder entered, through every existing path (REST, socket, snapshot): a participant of
atelier A holds no row in atelier B, and the day token is refused there.
"""

import secrets
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.services.core import validation as v
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from app.services.core.guards import require_open
from app.services.core.territories import resolve_territory
from app.services.core.unit_of_work import locked_row, participation_changed, transaction
from app.services.days.membership import (
    day_by_id,
    people_in,
    places_left,
    plenary_of,
    require_day_lead,
    workshops_of,
)
from app.services.workshop.workshops import CODE_ALPHABET, CODE_LENGTH, hash_token, normalize_code
from models import Day, DayPass, Idea, Participant, User, Vote, Workshop, db

DAY_PREFIX = "d."
FULL = lazy_gettext("L'atelier « {title} » est complet : choisissez-en un autre.")
NO_PLACE = lazy_gettext("Tous les ateliers de la journée sont complets ou clos : adressez-vous à l'accueil.")


def workshop_token_hash(day_token: str, workshop_code: str) -> str:
    """The hash stored on a day participant's row in one workshop."""
    return hash_token(f"{day_token}@{workshop_code}")


def is_day_token(token) -> bool:
    return isinstance(token, str) and token.startswith(DAY_PREFIX)


# --- the day itself ------------------------------------------------------------------------------


def _programme(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 40:
        raise Invalid(_("« programme » doit être une liste d'au plus 40 lignes."), field="programme")
    out = []
    for item in value:
        item = {"title": item} if isinstance(item, str) else item
        if not isinstance(item, dict):
            raise Invalid(_("Chaque ligne du programme est un texte ou {time, title}."), field="programme")
        time = v.text(item.get("time", ""), "programme.time", min_len=0, max_len=20, required=False)
        out.append({"time": time, "title": v.text(item.get("title"), "programme.title", max_len=200)})
    return out


def _date(value) -> str:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else ""
    except ValueError:
        return ""


def create_day(user: User, data: dict) -> Day:
    """A day led by `user`. Raises Invalid."""
    v.mapping(data)
    title = v.text(data.get("title"), "title", max_len=200)
    day_date = _date(data.get("date"))
    if not day_date:
        raise Invalid(_("« date » doit être une date AAAA-MM-JJ, par exemple « 2026-11-21 »."), field="date")
    location = v.text(data.get("location", ""), "location", min_len=0, max_len=200, required=False)
    territory = resolve_territory(data["territory"], user) if data.get("territory") not in (None, "") else None
    day = Day(code=_unused_code(), title=title, date=day_date, location=location, created_by_id=user.id)
    day.territory, day.programme = territory, _programme(data.get("programme"))
    day.facilitators.append(user)
    with transaction():
        db.session.add(day)
    return day


def _unused_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.execute(select(Day.id).filter_by(code=code)).first()
        if not taken and not db.session.execute(select(Workshop.id).filter_by(code=code)).first():
            return code


def day_by_code(code) -> Day:
    """Raises NotFound."""
    day = db.session.execute(select(Day).filter_by(code=normalize_code(code or ""))).scalar_one_or_none()
    if day is None:
        raise NotFound(_("Aucune journée ne correspond à ce code."))
    return day


def day_info(day: Day) -> dict:
    return {
        "id": day.id,
        "code": day.code,
        "title": day.title,
        "date": day.date,
        "location": day.location,
        "territory": day.territory.name if day.territory else None,
        "programme": day.programme or [],
    }


def public_day(day: Day) -> dict:
    """What the day's join page shows anyone with the code: the ateliers, their places, the plenary."""
    workshops = workshops_of(day)
    people = people_in([w.id for w in workshops])
    return dict(day_info(day), workshops=[_choice(w, people.get(w.id, 0)) for w in workshops])


def _choice(workshop: Workshop, people: int) -> dict:
    return {
        "code": workshop.code,
        "title": workshop.title,
        "role": workshop.day_role,
        "phase": workshop.phase,
        "capacity": workshop.capacity,
        "places_left": places_left(workshop, people),
        "open": workshop.phase != "closed" and places_left(workshop, people) != 0,
    }


def day_overview(user: User, day_id) -> dict:
    """Every workshop's state for the day's facilitators: phase, people, ideas, votes, facilitators,
    restitution sent. Counts only: no idea text crosses from one atelier to the day. Raises NotFound, Forbidden."""
    day = day_by_id(day_id)
    require_day_lead(user, day, _("voir l'état des ateliers"))
    workshops = workshops_of(day)
    ids = [w.id for w in workshops]
    people = people_in(ids)
    ideas = _count(select(Idea.workshop_id, func.count()).where(Idea.workshop_id.in_(ids)))
    votes = _count(select(Vote.workshop_id, func.coalesce(func.sum(Vote.count), 0)).where(Vote.workshop_id.in_(ids)))
    voters = _count(
        select(Vote.workshop_id, func.count(func.distinct(Vote.participant_id))).where(Vote.workshop_id.in_(ids))
    )
    from app.services.days.restitution import sent_workshops  # noqa: PLC0415 (restitution imports this module)

    sent = sent_workshops(day)
    rows = []
    for w in workshops:
        row = _choice(w, people.get(w.id, 0))
        row.update(
            people=people.get(w.id, 0),
            ideas=ideas.get(w.id, 0),
            votes=votes.get(w.id, 0),
            voters=voters.get(w.id, 0),
            facilitators=[f.name for f in w.facilitators],
            restituted=w.id in sent,
            url=None,
        )
        rows.append(row)
    passes = db.session.execute(select(func.count()).select_from(DayPass).filter_by(day_id=day.id)).scalar_one()
    return dict(day_info(day), workshops=rows, people=passes)


def _count(stmt) -> dict[int, int]:
    return {k: int(n) for k, n in db.session.execute(stmt.group_by(stmt.selected_columns[0])).all()}


# --- joining and moving -----------------------------------------------------------------------------


def join_day(code, data: dict) -> tuple[Participant, str, Workshop]:
    """A person joins the day once: the chosen atelier (`workshop`, a code of the day) if it has places,
    else the open atelier with the most room. Raises NotFound, Invalid, Conflict, PhaseError."""
    day = day_by_code(code)
    v.mapping(data)
    name = v.text(data.get("name"), "name", max_len=80)
    organisation = v.text(data.get("organisation", ""), "organisation", min_len=0, max_len=120, required=False)
    attendance = v.choice(data.get("attendance", "room"), "attendance", ("room", "remote"))
    token = DAY_PREFIX + secrets.token_urlsafe(32)
    with transaction():
        workshop = _target(day, data.get("workshop"))
        person = DayPass(day_id=day.id, name=name, organisation=organisation, attendance=attendance)
        person.token_hash = hash_token(token)
        db.session.add(person)
        db.session.flush()
        participant = _enter(person, token, workshop)
    return participant, token, workshop


def _target(day: Day, wanted) -> Workshop:
    workshops = [w for w in workshops_of(day) if w.day_role == "atelier"]
    if wanted not in (None, ""):
        if not isinstance(wanted, str):
            raise Invalid(_("« workshop » doit être le code d'un atelier de la journée."), field="workshop")
        chosen = next((w for w in workshops_of(day) if w.code == normalize_code(wanted)), None)
        if chosen is None:
            raise NotFound(_("Cet atelier ne fait pas partie de la journée."), field="workshop")
        return _with_place(chosen)
    people = people_in([w.id for w in workshops])
    candidates = [w for w in workshops if w.phase != "closed" and places_left(w, people.get(w.id, 0)) != 0]
    if not candidates:
        raise Conflict(NO_PLACE)
    roomiest = min(candidates, key=lambda w: (people.get(w.id, 0), w.id))
    return _with_place(roomiest)


def _with_place(workshop: Workshop) -> Workshop:
    workshop = locked_row(workshop.id)
    require_open(workshop)
    if places_left(workshop, people_in([workshop.id]).get(workshop.id, 0)) == 0:
        raise Conflict(FULL.format(title=workshop.title), field="workshop")
    return workshop


def _enter(person: DayPass, token: str, workshop: Workshop) -> Participant:
    participant = Participant(
        workshop_id=workshop.id,
        name=person.name,
        organisation=person.organisation,
        attendance=person.attendance,
        token_hash=workshop_token_hash(token, workshop.code),
        day_pass_id=person.id,
    )
    db.session.add(participant)
    db.session.flush()
    if workshop.phase == "vote":  # "27 / 40 ont voté": one more present
        participation_changed(workshop.id)
    return participant


def pass_for_token(token) -> DayPass:
    """Raises Unauthorized."""
    if not is_day_token(token) or len(token) > 200:
        raise Unauthorized(_("Jeton de journée manquant ou invalide : rejoignez la journée avec son code."))
    person = db.session.execute(select(DayPass).filter_by(token_hash=hash_token(token))).scalar_one_or_none()
    if person is None:
        raise Unauthorized(_("Jeton de journée inconnu : rejoignez la journée à nouveau."))
    return person


def move(code, token, data: dict) -> tuple[Participant, Workshop]:
    """Enter another workshop of the day with the day token, name not typed again: the plenary (while it is
    not closed), or an atelier for someone who has none yet. Entering one already entered answers the same
    row. Raises Unauthorized, NotFound, Invalid, Forbidden, Conflict, PhaseError."""
    day = day_by_code(code)
    person = pass_for_token(token)
    if person.day_id != day.id:
        raise Forbidden(_("Ce jeton vient d'une autre journée."))
    v.mapping(data)
    wanted = data.get("workshop") or ""
    with transaction():
        plenary = plenary_of(day)
        target = plenary if wanted in ("", "plenary") else _target(day, wanted)
        if target is None:
            raise NotFound(_("Cette journée n'a pas de plénière."))
        mine = _rows_of(person)
        here = next((p for p, w in mine if w.id == target.id), None)
        if here is not None:
            return here, target
        if target.day_role == "atelier" and any(w.day_role == "atelier" for _p, w in mine):
            raise Forbidden(_("Vous participez déjà à un atelier de la journée : seule la plénière reste à rejoindre."))
        if target.day_role == "plenary":
            target = locked_row(target.id)
            require_open(target)
        participant = _enter(person, token, target)
    return participant, target


def _rows_of(person: DayPass) -> list[tuple[Participant, Workshop]]:
    """The rows of a day pass, each with its workshop, in the order entered."""
    stmt = (
        select(Participant, Workshop)
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .where(Participant.day_pass_id == person.id)
        .order_by(Participant.id)
    )
    return [(p, w) for p, w in db.session.execute(stmt).all()]


def my_day(code, token) -> dict:
    """The day as its holder sees it: the day, the workshops entered, and whether the plenary is open to them."""
    day = day_by_code(code)
    person = pass_for_token(token)
    if person.day_id != day.id:
        raise Forbidden(_("Ce jeton vient d'une autre journée."))
    entered = [{"code": w.code, "title": w.title, "role": w.day_role} for _p, w in _rows_of(person)]
    return dict(public_day(day), me={"name": person.name, "workshops": entered})


def days_of(user: User) -> list[Day]:
    """The days `user` leads, latest first (the dashboard)."""
    stmt = select(Day).join(Day.facilitators).where(User.id == user.id).order_by(Day.date.desc(), Day.id.desc())
    return list(db.session.execute(stmt).scalars())
