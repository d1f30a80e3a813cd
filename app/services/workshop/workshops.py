"""Workshops: creation, settings, join codes, guest participants."""

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app.lib.themes import THEMES, resolved
from app.lib.timezone import local, to_utc, valid_zone, zone_name_of
from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid, NotFound, Unauthorized
from app.services.core.guards import require_facilitator, require_open
from app.services.core.territories import resolve_territory
from app.services.core.titled import retitle
from app.services.core.unit_of_work import participation_changed, record, run_command, transaction
from app.services.days.membership import attach_new_workshop
from app.services.workshop import colleges
from app.services.workshop import votes as vote_service
from models import MODES, Column, Idea, Participant, User, Workshop, db
from models import workshop_facilitators as wf

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

DEFAULT_SETTINGS = {
    "votes_per_participant": 5,
    "max_votes_per_idea": 3,
    "vote_method": "dots",
    "private_brainstorm": True,
    "anonymous": False,
    "reveal_votes": "live",
    "hand_order": "fifo",
    "minutes_editors": "everyone",  # or "facilitators": they and the participants named scribes
    "minutes_locked": False,  # the facilitators' lock: no participant (scribes included) writes the minutes
    "moderation": "off",  # or "pre": participants' ideas wait for a facilitator's approval (issue 14)
}
# "timezone" (an IANA zone) is unset by default: FABRIQUE_TIMEZONE, else Europe/Paris (app/lib/timezone.py).


def _zone_setting(value, field: str) -> str:
    if not valid_zone(value):
        raise Invalid(_("« %(field)s » doit être un fuseau horaire connu, par exemple « Europe/Paris ».", field=field), field=field)
    return value


_SETTING_RULES = {
    "votes_per_participant": lambda x, f: v.integer(x, f, lo=1, hi=100),
    "max_votes_per_idea": lambda x, f: v.integer(x, f, lo=1, hi=100),
    "vote_method": lambda x, f: v.choice(x, f, ("dots", "majority_judgment")),
    "private_brainstorm": v.boolean,
    "moderation": lambda x, f: v.choice(x, f, ("off", "pre")),
    "anonymous": v.boolean,
    "reveal_votes": lambda x, f: v.choice(x, f, ("live", "end")),
    "hand_order": lambda x, f: v.choice(x, f, ("fifo", "alternate")),
    "minutes_editors": lambda x, f: v.choice(x, f, ("everyone", "facilitators")),
    "minutes_locked": v.boolean,
    "timezone": _zone_setting,
    "colleges": colleges.clean_colleges,  # [{id, name, weight}], none by default (docs/votes.md)
}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def hash_token(token: str) -> str:
    # "surrogatepass": a token with a lone surrogate (socket auth is any JSON) is merely unknown.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def clean_settings(raw, current: dict | None = None) -> dict:
    """Validate a settings patch; unknown keys are refused so typos do not pass silently."""
    if not isinstance(raw, dict):
        raise Invalid(_("« settings » doit être un objet."), field="settings")
    settings = dict(current or DEFAULT_SETTINGS)
    for key, value in raw.items():
        if key not in _SETTING_RULES:
            raise Invalid(_("Réglage inconnu : « %(key)s ».", key=key), field="settings")
        settings[key] = _SETTING_RULES[key](value, key)
    return settings


def get_workshop(code: str) -> Workshop:
    """Raises NotFound."""
    workshop = db.session.execute(select(Workshop).filter_by(code=normalize_code(code))).scalar_one_or_none()
    if workshop is None:
        raise NotFound(_("Aucun atelier ne correspond à ce code."))
    return workshop


def _fields(data: dict, creating: bool, user: User | None = None) -> dict:
    """Validate the creation/patch fields of docs/protocol.md §2; only keys present are returned."""
    out = {}
    if creating or "title" in data:
        out["title"] = v.text(data.get("title"), "title", max_len=200)
    if creating or "theme" in data:
        out["theme"] = v.choice(data.get("theme"), "theme", tuple(THEMES))
    if "mode" in data:
        out["mode"] = v.choice(data["mode"], "mode", MODES)
    if "location" in data:
        out["location"] = v.text(data["location"], "location", min_len=0, max_len=200, required=False)
    if "organiser" in data:
        out["organiser"] = v.text(data["organiser"], "organiser", min_len=0, max_len=200, required=False)
    if "prompt" in data:
        out["prompt"] = v.text(data["prompt"], "prompt", min_len=0, max_len=1000, required=False)
    if "starts_at" in data:
        out["starts_at"] = v.timestamp(data["starts_at"], "starts_at")
    if "retention_months" in data:
        out["retention_months"] = v.integer(data["retention_months"], "retention_months", lo=1, hi=60)
    if "territory" in data and data["territory"] not in (None, ""):
        out["territory"] = resolve_territory(data["territory"], user)  # an admin may name a new one
    return out


def _columns(value) -> list[str]:
    titles = v.string_list(value, "columns", max_items=12, max_len=120)
    if not titles:
        raise Invalid(_("Il faut au moins une colonne."), field="columns")
    return titles


def create_workshop(user: User, data: dict) -> Workshop:
    """Create a workshop led by `user`, columns from the theme unless given. Raises Invalid."""
    v.mapping(data)
    fields = _fields(data, creating=True, user=user)
    theme = resolved(THEMES[fields["theme"]])
    fields.setdefault("prompt", theme["prompt"])
    settings = clean_settings({} if data.get("settings") is None else data["settings"])
    if fields.get("starts_at") is not None:  # typed on the workshop's clock
        fields["starts_at"] = to_utc(fields["starts_at"], zone_name_of(settings))
    titles = _columns(data["columns"]) if data.get("columns") is not None else theme["columns"]
    workshop = Workshop(code=_unused_code(), settings=settings, created_by_id=user.id, hands={}, **fields)
    workshop.facilitators.append(user)
    workshop.columns = [Column(title=t, position=i) for i, t in enumerate(titles)]
    attach_new_workshop(user, workshop, data)  # issue 21: day_id, role, capacity
    with transaction():
        db.session.add(workshop)
    return workshop


def _unused_code() -> str:
    while True:
        code = new_code()
        if db.session.execute(select(Workshop.id).filter_by(code=code)).first() is None:
            return code


def update_workshop(actor: Actor, data: dict) -> dict:
    """Patch fields, settings or columns. Raises Forbidden, Invalid; emits workshop.updated."""
    require_facilitator(actor, _("modifier l'atelier"))
    v.mapping(data)

    def apply(workshop: Workshop) -> dict:
        for key, value in _fields(data, creating=False, user=actor.user).items():
            setattr(workshop, key, value)
        if "settings" in data:
            settings = clean_settings(data["settings"], workshop.settings)
            vote_service.check_ballot_change(workshop, settings)
            workshop.settings = settings
        if data.get("starts_at") and workshop.starts_at is not None:  # typed on the workshop's clock
            workshop.starts_at = to_utc(workshop.starts_at, zone_name_of(workshop.settings))
        if data.get("columns") is not None:
            _replace_columns(workshop, _columns(data["columns"]))
        db.session.flush()
        info = workshop_info(workshop)
        record(workshop, "workshop.updated", {"workshop": info, "columns": columns_of(workshop)})
        return {"workshop": info}

    return run_command(actor, data.get("client_id"), apply)


def _replace_columns(workshop: Workshop, titles: list[str]) -> None:
    """Rename columns in place, add new ones; trailing columns go only if empty."""

    def busy(column: Column) -> str | None:
        if db.session.execute(select(Idea.id).filter_by(column_id=column.id).limit(1)).first():
            return _("La colonne « %(title)s » contient des idées : déplacez-les d'abord.", title=column.title)
        return None

    retitle(workshop.columns, titles, lambda title, i: Column(title=title, position=i), busy)


def columns_of(workshop: Workshop) -> list[dict]:
    return [c.to_dict() for c in workshop.columns]


def _iso_local(moment, settings: dict) -> str | None:
    """ISO 8601 with the offset of the workshop's clock: "2026-03-12T15:30:00+01:00"."""
    return local(moment, zone_name_of(settings)).isoformat() if moment else None


def workshop_info(workshop: Workshop) -> dict:
    timer = None
    if workshop.timer_ends_at:
        timer = {"ends_at": workshop.timer_ends_at.isoformat(), "seconds": workshop.timer_seconds}
    return {
        "code": workshop.code,
        "title": workshop.title,
        "theme": workshop.theme,
        "prompt": workshop.prompt,
        "mode": workshop.mode,
        "starts_at": _iso_local(workshop.starts_at, workshop.settings),
        "location": workshop.location,
        "organiser": workshop.organiser,
        "territory": workshop.territory.name if workshop.territory else None,
        "retention_months": workshop.retention_months,
        "settings": workshop.settings,
        "phase": workshop.phase,
        "timer": timer,
        "focus": workshop.present_focus,  # what the projector zooms on (services/workshop/presenter.py)
        "day_id": workshop.day_id,  # issue 21: a day's "atelier" or "plenary" (app/services/days)
        "role": workshop.day_role,
        "capacity": workshop.capacity,
    }


def join_workshop(code: str, data: dict) -> tuple[Participant, str]:
    """Add a guest; returns the participant and its bearer token (shown once). Raises NotFound, Invalid, PhaseError."""
    workshop = get_workshop(code)
    v.mapping(data)
    require_open(workshop)
    name = v.text(data.get("name"), "name", max_len=80)
    organisation = v.text(data.get("organisation"), "organisation", min_len=0, max_len=120, required=False)
    attendance = v.choice(data.get("attendance", "remote"), "attendance", ("room", "remote"))
    college = colleges.find_college(workshop.settings, data.get("college"))  # issue 17: optional
    token = secrets.token_urlsafe(32)
    participant = Participant(
        workshop_id=workshop.id,
        name=name,
        organisation=organisation,
        attendance=attendance,
        token_hash=hash_token(token),
        college=college,
    )
    with transaction():
        db.session.add(participant)
        if workshop.phase == "vote":  # "27 / 40 ont voté": one more present
            participation_changed(workshop.id)
    return participant, token


def participant_for_token(token: str | None, workshop: Workshop | None = None) -> Participant:
    """Raises Unauthorized; Forbidden for a day token in a workshop its holder has not entered."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise Unauthorized(_("Jeton manquant ou invalide."))
    digest = hash_token(token)
    day_token = workshop is not None and token.startswith("d.")
    if day_token:  # a day token (app/services/days/days.py): one row per workshop entered, hash bound to its code
        digest = hash_token(f"{token}@{workshop.code}")
    participant = db.session.execute(select(Participant).filter_by(token_hash=digest)).scalar_one_or_none()
    if participant is None and day_token:
        raise Forbidden(
            _("Ce jeton de journée ne donne pas accès à cet atelier : rejoignez-le depuis la page de la journée.")
        )
    if participant is None:
        raise Unauthorized(_("Jeton inconnu : rejoignez l'atelier à nouveau."))
    return participant


def workshops_of(user: User) -> list[Workshop]:
    stmt = (
        select(Workshop)
        .join(wf, wf.c.workshop_id == Workshop.id)
        .where(wf.c.user_id == user.id)
        .order_by(Workshop.starts_at.desc().nulls_last(), Workshop.id.desc())
    )
    return list(db.session.execute(stmt).scalars())


# What a duplicate takes from its model (issue 14): the setup, never the session's content.
DUPLICATED = ("theme", "prompt", "territory_id", "location", "organiser", "mode", "retention_months")


def duplicate_workshop(actor: Actor, title=None) -> Workshop:
    """A new workshop with this one's settings, columns, question and theme, led by the caller alone; no
    ideas, participants, votes, minutes or date. Raises Forbidden, Invalid."""
    require_facilitator(actor, _("dupliquer l'atelier"))
    source = actor.workshop
    if title is None:
        title = f"{source.title} (copie)"[:200]
    fields = {key: getattr(source, key) for key in DUPLICATED}
    fields["title"] = v.text(title, "title", max_len=200)
    workshop = Workshop(code=_unused_code(), settings=dict(source.settings), created_by_id=actor.user.id, hands={}, **fields)
    workshop.facilitators.append(actor.user)
    workshop.columns = [Column(title=c.title, position=c.position) for c in source.columns]
    with transaction():
        db.session.add(workshop)
    return workshop
