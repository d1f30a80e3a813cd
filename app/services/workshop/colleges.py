"""Colleges: groups of participants whose votes weigh as agreed (setting `colleges`, docs/votes.md).

A workshop's setting `colleges: [{id, name, weight}]` (none by default) splits
the voters; each participant (or device-less table) belongs to at most one,
chosen on joining or assigned by a facilitator. Votes are then normalised by
each college's number of voters and multiplied by its weight
(services/workshop/count.py). The list is fixed once votes exist: changing it
would silently change results already shown.
"""

from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.errors import Conflict, Invalid
from app.services.core.unit_of_work import participation_changed
from models import Participant, Vote, Workshop, db

MAX_COLLEGES = 50
MAX_WEIGHT = 1_000_000
FIELDS = {"id", "name", "weight"}
FIELD = "colleges"


def clean_colleges(value, field: str = FIELD) -> list[dict]:
    """Validate the `colleges` setting: at most 50, unique ids and names, weights > 0. Raises Invalid."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(_("« %(field)s » doit être une liste de collèges {id, name, weight}.", field=field), field=field)
    if len(value) > MAX_COLLEGES:
        raise Invalid(_("Au plus %(max)s collèges par atelier.", max=MAX_COLLEGES), field=field)
    out = [_college(item, field) for item in value]
    for key, refusal in (("id", _("Deux collèges ont le même identifiant.")), ("name", _("Deux collèges ont le même nom."))):
        seen = [str(c[key]).casefold() for c in out]
        if len(set(seen)) != len(seen):
            raise Invalid(refusal, field=field)
    return out


def _college(item, field: str) -> dict:
    if not isinstance(item, dict) or not set(item) <= FIELDS or "id" not in item or "name" not in item:
        raise Invalid(_("Chaque collège est un objet {id, name, weight} (« weight » vaut 1 par défaut)."), field=field)
    ident = item["id"]
    if isinstance(ident, str):
        ident = v.text(ident, f"{field}.id", max_len=40)
    elif not (v.is_int(ident) and 0 <= ident < 10**12):
        raise Invalid(_("L'identifiant d'un collège est un texte (40 caractères au plus) ou un entier."), field=field)
    name = v.text(item["name"], f"{field}.name", max_len=80)
    weight = item.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_WEIGHT:
        raise Invalid(
            _("Le poids du collège « %(name)s » doit être un nombre strictement positif (au plus %(max)s).", name=name, max=MAX_WEIGHT),
            field=field,
        )
    v.number(weight, f"{field}.weight", lo=0, hi=MAX_WEIGHT)  # finite
    return {"id": ident, "name": name, "weight": weight}


def colleges_of(settings: dict) -> list[dict]:
    return list(settings.get(FIELD) or [])


def weight_of(college: dict) -> Fraction:
    """The weight as an exact fraction: 0.1 is one tenth, so equal weighted results stay equal."""
    return Fraction(str(college["weight"]))


def find_college(settings: dict, value, field: str = "college") -> str | None:
    """The stored id (text) of the college named by `value` (its id), None for none. Raises Invalid."""
    if value is None or value == "":
        return None
    colleges = colleges_of(settings)
    if not colleges:
        raise Invalid(_("Cet atelier n'a pas de collèges."), field=field)
    if isinstance(value, str | int) and not isinstance(value, bool):
        for college in colleges:
            if str(college["id"]) == str(value):
                return str(college["id"])
    names = ", ".join(f"{c['id']} ({c['name']})" for c in colleges[:10])
    raise Invalid(_("Collège inconnu dans cet atelier ; collèges possibles : %(names)s.", names=names), field=field)


def check_colleges_change(workshop: Workshop, settings: dict) -> None:
    """Ids and weights are fixed once votes exist (names may still be corrected). Raises Conflict."""
    before = [(str(c["id"]), weight_of(c)) for c in colleges_of(workshop.settings)]
    after = [(str(c["id"]), weight_of(c)) for c in colleges_of(settings)]
    if before == after or not _any_vote(workshop):
        return
    raise Conflict(
        _("Des votes ont déjà été exprimés : les collèges et leurs poids ne peuvent plus changer, "
        "car les résultats déjà affichés en dépendent. Retirez d'abord tous les votes, ou créez un autre atelier.")
    )


def _any_vote(workshop: Workshop) -> bool:
    stmt = select(Vote.id).where(Vote.workshop_id == workshop.id, (Vote.count > 0) | Vote.grade.is_not(None))
    return db.session.execute(stmt.limit(1)).first() is not None


def _has_voted(participant: Participant) -> bool:
    stmt = select(Vote.id).where(Vote.participant_id == participant.id, (Vote.count > 0) | Vote.grade.is_not(None))
    return db.session.execute(stmt.limit(1)).first() is not None


def set_college(workshop: Workshop, person: Participant, value) -> None:
    """A facilitator puts a participant or a table in a college (null: none); a rule of
    PATCH …/participants/PID (services/workshop/participants.py).

    Someone without a college may be given one at any time; moving someone who has
    voted would move their votes between colleges, so it is refused.
    Raises Invalid, Conflict; notes that the participation changed.
    """
    chosen = find_college(workshop.settings, value)
    if person.college not in (None, chosen) and _has_voted(person):
        raise Conflict(
            _("%(name)s a déjà voté : changer son collège déplacerait ses votes d'un collège à l'autre. "
            "Retirez d'abord ses votes pour le changer de collège.", name=person.name)
        )
    person.college = chosen
    participation_changed(workshop.id)
