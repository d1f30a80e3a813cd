"""Room and remote on equal footing: who contributed, voted and spoke, by side and by organisation.

Only aggregates, for the facilitators: never who voted for what. Device-less
tables count as the room, with their whole size as people; their proxy ideas
are counted separately too so the facilitator sees how much was typed for them.
Also the attendance sheet (CSV) for the organiser's records.
"""


from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.lib.escape import csv_safe
from app.lib.formats import csv_document, csv_separator
from app.lib.timezone import local, zone_name_of
from app.services.core.actors import Actor
from app.services.core.errors import Invalid
from app.services.core.guards import require_facilitator
from models import Idea, Participant, Vote, db

SIDES = ("room", "remote")
NO_ORGANISATION = lazy_gettext("Non renseignée")
TABLES_ORGANISATION = lazy_gettext("Tables sans appareil")


def _blank() -> dict:
    return {"participants": 0, "people": 0, "tables": 0, "ideas": 0, "proxy_ideas": 0, "voters": 0, "votes": 0}


def _side(p: Participant) -> str:
    return "room" if p.is_table or p.attendance == "room" else "remote"


def _org_key(p: Participant) -> tuple[str, str]:
    if p.is_table:
        return "\x00tables", str(TABLES_ORGANISATION)
    name = (p.organisation or "").strip()
    return (name.casefold(), name) if name else ("\x00none", str(NO_ORGANISATION))


def _participants(workshop_id: int) -> list[Participant]:
    stmt = select(Participant).filter_by(workshop_id=workshop_id).order_by(Participant.joined_at, Participant.id)
    return list(db.session.execute(stmt).scalars())


def equity_report(actor: Actor) -> dict:
    """Contributions, votes and speaking turns by side and organisation. Raises Forbidden."""
    require_facilitator(actor, _("voir le tableau d'équité"))
    workshop = actor.workshop
    people = {p.id: p for p in _participants(workshop.id)}
    sides = {s: _blank() | {"turns": 0, "waiting": 0} for s in SIDES}
    orgs: dict[str, dict] = {}

    def org(p: Participant) -> dict:
        key, label = _org_key(p)
        return orgs.setdefault(key, {"name": label, **_blank(), "turns": 0})

    for p in people.values():
        for bucket in (sides[_side(p)], org(p)):
            bucket["participants"] += 1
            bucket["people"] += p.table_size or 1
            bucket["tables"] += 1 if p.is_table else 0
    facilitator_ideas = _count_ideas(workshop.id, people, sides, org)
    _count_votes(workshop.id, people, sides, org)
    _count_turns(workshop.hands or {}, people, sides, org)
    return {
        "sides": _with_shares(sides),
        "organisations": sorted(orgs.values(), key=lambda o: (-o["ideas"], -o["turns"], o["name"].casefold())),
        "facilitator_ideas": facilitator_ideas,
        "vote_method": workshop.settings.get("vote_method", "dots"),
        "phase": workshop.phase,
    }


def _count_ideas(workshop_id: int, people: dict, sides: dict, org) -> int:
    rows = db.session.execute(
        select(Idea.author_id, Idea.author_user_id, Idea.proxy).filter_by(workshop_id=workshop_id)
    )
    by_facilitators = 0
    for author_id, user_id, proxy in rows:
        author = people.get(author_id)
        if author is None:
            by_facilitators += 1 if user_id is not None else 0
            continue
        for bucket in (sides[_side(author)], org(author)):
            bucket["ideas"] += 1
            bucket["proxy_ideas"] += 1 if proxy else 0
    return by_facilitators


def _count_votes(workshop_id: int, people: dict, sides: dict, org) -> None:
    """Dots given (or grades given) and how many people took part in the vote."""
    voted: set[int] = set()
    rows = db.session.execute(select(Vote.participant_id, Vote.count, Vote.grade).filter_by(workshop_id=workshop_id))
    for participant_id, count, grade in rows:
        voter = people.get(participant_id)
        given = count if grade is None else 1
        if voter is None or not given:
            continue
        for bucket in (sides[_side(voter)], org(voter)):
            bucket["votes"] += given
            if participant_id not in voted:
                bucket["voters"] += voter.table_size or 1
        voted.add(participant_id)


def _count_turns(hands: dict, people: dict, sides: dict, org) -> None:
    for turn in hands.get("turns", []):
        speaker = people.get(turn.get("id"))
        side = turn.get("attendance") if turn.get("attendance") in SIDES else None
        side = side or (_side(speaker) if speaker else None)
        if side:
            sides[side]["turns"] += 1
        if speaker is not None:
            org(speaker)["turns"] += 1
    for hand in hands.get("queue", []):
        if hand.get("attendance") in SIDES:
            sides[hand["attendance"]]["waiting"] += 1


def _with_shares(sides: dict) -> dict:
    """Each side's share (0–100) of people, ideas, votes and turns, so imbalance shows at a glance."""
    for key in ("people", "ideas", "votes", "turns"):
        total = sum(s[key] for s in sides.values())
        for s in sides.values():
            s[f"{key}_share"] = round(100 * s[key] / total) if total else 0
    for s in sides.values():
        s["vote_rate"] = round(100 * s["voters"] / s["people"]) if s["people"] else 0
    return sides


ATTENDANCE_HEADER = [
    lazy_gettext("nom"),
    lazy_gettext("organisation"),
    lazy_gettext("presence"),
    lazy_gettext("arrivee"),
    lazy_gettext("type"),
    lazy_gettext("personnes"),
]


def attendance_csv(actor: Actor, sep: str | None = None) -> str:
    """Attendance sheet: name, organisation, room/remote, arrival time, one row per participant or table; `sep`
    is `?sep=` (the CSV exports' format, app/lib/formats.py: `;` by default, or comma). Raises Forbidden, Invalid."""
    require_facilitator(actor, _("exporter la feuille d'émargement"))
    separator = csv_separator(sep)
    if separator is None:
        raise Invalid(_("« sep » doit valoir semicolon ou comma."), field="sep")
    rows = [[str(column) for column in ATTENDANCE_HEADER]]
    for p in _participants(actor.workshop.id):
        rows.append(
            [
                csv_safe(p.name),
                csv_safe(p.organisation or ""),
                _("salle") if _side(p) == "room" else _("à distance"),
                local(p.joined_at, zone_name_of(actor.workshop.settings)).isoformat(timespec="seconds"),
                _("table") if p.is_table else _("participant"),
                p.table_size or 1,
            ]
        )
    return csv_document(rows, separator)
