"""Running the session: phases, the server-side timer and the speaking queue."""

from collections.abc import Callable
from datetime import timedelta

from flask_babel import gettext as _

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden
from app.services.core.guards import require_facilitator, require_open
from app.services.core.unit_of_work import record, run_command
from app.services.core.visibility import phase_change_reveals
from models import PHASES, Workshop, utcnow

# Run inside a phase change's transaction with (workshop, previous, phase): the minutes register theirs (a version
# at each phase change, the attendance filled at closing) without this package importing the one above it.
PHASE_HOOKS: list[Callable[[Workshop, str, str], None]] = []


def set_phase(actor: Actor, phase, client_id=None) -> dict:
    """Move the workshop to a phase. Raises Forbidden, Invalid; emits phase.changed."""
    require_facilitator(actor, _("changer de phase"))
    phase = v.choice(phase, "phase", PHASES)

    def apply(workshop: Workshop) -> dict:
        previous = workshop.phase
        if previous == phase:
            return {"phase": phase}
        workshop.phase = phase
        workshop.closed_at = utcnow() if phase == "closed" else None
        resync = phase_change_reveals(previous, workshop.settings)
        record(workshop, "phase.changed", {"phase": phase, "previous": previous, "resync": resync})
        if workshop.timer_ends_at is not None:
            # A countdown belongs to the phase it was set for: no "Temps écoulé" into the next one.
            workshop.timer_ends_at = workshop.timer_seconds = None
            record(workshop, "timer.stopped", {})
        for hook in PHASE_HOOKS:
            hook(workshop, previous, phase)
        return {"phase": phase}

    return run_command(actor, client_id, apply)


def timer_info(workshop: Workshop) -> dict | None:
    if workshop.timer_ends_at is None:
        return None
    return {"ends_at": workshop.timer_ends_at.isoformat(), "seconds": workshop.timer_seconds}


def start_timer(actor: Actor, seconds, client_id=None) -> dict:
    """Start a countdown of `seconds` (1 s–4 h). Raises Forbidden, Invalid; emits timer.started."""
    require_facilitator(actor, _("lancer le minuteur"))
    seconds = v.integer(seconds, "seconds", lo=1, hi=4 * 3600)

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        workshop.timer_seconds = seconds
        workshop.timer_ends_at = utcnow() + timedelta(seconds=seconds)
        info = timer_info(workshop)
        record(workshop, "timer.started", info)
        return {"timer": info}

    return run_command(actor, client_id, apply)


def stop_timer(actor: Actor, client_id=None) -> dict:
    """Stop the countdown. Raises Forbidden; emits timer.stopped."""
    require_facilitator(actor, _("arrêter le minuteur"))

    def apply(workshop: Workshop) -> dict:
        workshop.timer_ends_at = None
        workshop.timer_seconds = None
        record(workshop, "timer.stopped", {})
        return {"timer": None}

    return run_command(actor, client_id, apply)


def hands_of(workshop: Workshop) -> dict:
    hands = workshop.hands or {}
    return {"queue": list(hands.get("queue", [])), "speaking": hands.get("speaking"), "turns": hands.get("turns", [])}


def leave_queue(workshop: Workshop, participant_id: int) -> None:
    """Take a participant (removed, or whose data is erased) out of the speaking queue and off the floor."""
    hands = hands_of(workshop)
    queue = [h for h in hands["queue"] if h.get("id") != participant_id]
    speaking = hands["speaking"]
    if speaking and speaking.get("id") == participant_id:
        speaking = None
    if queue != hands["queue"] or speaking != hands["speaking"]:
        workshop.hands = dict(workshop.hands or {}, queue=queue, speaking=speaking)
        record(workshop, "hands.changed", {"queue": queue, "speaking": speaking})


def _save_hands(workshop: Workshop, hands: dict) -> dict:
    workshop.hands = hands
    public = {"queue": hands["queue"], "speaking": hands["speaking"]}
    record(workshop, "hands.changed", public)
    return public


def raise_hand(actor: Actor, client_id=None) -> dict:
    """Join the speaking queue. Raises Forbidden, PhaseError; emits hands.changed."""
    if actor.participant is None:
        raise Forbidden(_("Seuls les participants lèvent la main."))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        hands = hands_of(workshop)
        if any(h["id"] == actor.participant_id for h in hands["queue"]):
            return {"hands": {"queue": hands["queue"], "speaking": hands["speaking"]}}
        p = actor.participant
        hands["queue"].append({"id": p.id, "name": p.name, "attendance": p.attendance, "at": utcnow().isoformat()})
        return {"hands": _save_hands(workshop, hands)}

    return run_command(actor, client_id, apply)


def lower_hand(actor: Actor, client_id=None) -> dict:
    """Leave the queue (or give the floor back). Raises Forbidden; emits hands.changed."""
    if actor.participant is None:
        raise Forbidden(_("Seuls les participants baissent la main."))

    def apply(workshop: Workshop) -> dict:
        hands = hands_of(workshop)
        queue = [h for h in hands["queue"] if h["id"] != actor.participant_id]
        speaking = hands["speaking"]
        if speaking and speaking["id"] == actor.participant_id:
            speaking = None
        if queue == hands["queue"] and speaking == hands["speaking"]:
            return {"hands": {"queue": queue, "speaking": speaking}}
        return {"hands": _save_hands(workshop, dict(hands, queue=queue, speaking=speaking))}

    return run_command(actor, client_id, apply)


def next_speaker(actor: Actor, client_id=None) -> dict:
    """Give the floor to the next in queue (alternating room/remote if set). Raises Forbidden, Conflict; emits hands.changed."""
    require_facilitator(actor, _("donner la parole"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        hands = hands_of(workshop)
        queue = hands["queue"]
        if not queue:
            if hands["speaking"] is None:
                raise Conflict(_("Personne n'a demandé la parole."))
            return {"hands": _save_hands(workshop, dict(hands, speaking=None))}
        index = _next_index(queue, hands, workshop.settings.get("hand_order") == "alternate")
        speaker = queue.pop(index)
        turns = hands["turns"] + [{"attendance": speaker["attendance"], "id": speaker["id"]}]
        return {"hands": _save_hands(workshop, dict(hands, queue=queue, speaking=speaker, turns=turns))}

    return run_command(actor, client_id, apply)


def _next_index(queue: list[dict], hands: dict, alternate: bool) -> int:
    """FIFO, or the first person from the other side of the room than the last speaker."""
    if not alternate or not hands["turns"]:
        return 0
    last = hands["turns"][-1]["attendance"]
    return next((i for i, h in enumerate(queue) if h["attendance"] != last), 0)
