"""Vote results: ranking per idea and per group, as this viewer may see them.

Rows are best first. Equal results share a rank (1, 2, 2, 4): equal dot
counts, or identical majority values under majority judgment. Ideas whose
tallies the viewer may not see (reveal_votes: end) are left out entirely.
"""

from app.lib import majority
from app.services.core.actors import Actor
from app.services.core.visibility import tallies_hidden
from app.services.workshop import votes as vote_service
from app.services.workshop.board import snapshot

EMPTY = [0] * len(majority.GRADES)


def ranking(actor: Actor, snap: dict | None = None) -> list[dict]:
    """Visible ideas best first: {idea_id, text, rank, votes, group_id, proxy} (+ grade, profile, explanation)."""
    snap = snap or snapshot(actor)
    labels = {g["id"]: g["label"] for g in snap["groups"]}
    items = [dict(i, group=labels.get(i.get("group_id"))) for i in snap["ideas"] if i.get("votes") is not None]
    mj = vote_service.is_majority(actor.workshop.settings)
    return [_row(item, rank, mj, key="idea_id") for item, rank in _ordered(items, mj)]


def group_ranking(actor: Actor, snap: dict | None = None) -> list[dict]:
    """Groups best first, by their ideas' summed dots or merged merit profiles: {group_id, text, rank, votes, ideas}."""
    snap = snap or snapshot(actor)
    merged = {
        g["id"]: {"id": g["id"], "text": g["label"], "votes": 0, "ideas": 0, "profile": list(EMPTY)}
        for g in snap["groups"]
    }
    for idea in snap["ideas"]:
        entry = merged.get(idea.get("group_id"))
        if entry is None or idea.get("votes") is None:
            continue
        entry["ideas"] += 1
        entry["votes"] += idea["votes"] or 0
        entry["profile"] = [a + b for a, b in zip(entry["profile"], idea.get("profile") or EMPTY, strict=True)]
    items = [e for e in merged.values() if e["ideas"]]
    mj = vote_service.is_majority(actor.workshop.settings)
    return [dict(_row(item, rank, mj, key="group_id"), ideas=item["ideas"]) for item, rank in _ordered(items, mj)]


def _ordered(items: list[dict], mj: bool) -> list[tuple[dict, int]]:
    """(item, rank) best first; ties share the rank of the first of them."""
    if mj:
        keyed = [(majority.majority_value(i.get("profile") or EMPTY), i) for i in items]
        keyed.sort(key=lambda pair: (bool(pair[0]), pair[0]), reverse=True)
    else:
        keyed = [(i["votes"] or 0, i) for i in items]
        keyed.sort(key=lambda pair: pair[0], reverse=True)
    out, previous, rank = [], object(), 0
    for position, (key, item) in enumerate(keyed, start=1):
        if key != previous:
            rank, previous = position, key
        out.append((item, rank))
    return out


def _row(item: dict, rank: int, mj: bool, key: str) -> dict:
    row = {key: item["id"], "text": item["text"], "rank": rank, "votes": item["votes"]}
    if key == "idea_id":
        row.update(group_id=item.get("group_id"), group=item.get("group"), proxy=item.get("proxy", False))
    if mj:
        profile = list(item.get("profile") or EMPTY)
        grade = majority.majority_grade(profile)
        row.update(grade=grade, profile=profile, explanation=majority.explain(profile))
        row["grade_label"] = majority.GRADES[grade] if grade is not None else None
    return row


def results_view(actor: Actor) -> dict:
    """Everything the results page shows: {method, hidden, ideas, groups, participation?, grades}."""
    workshop = actor.workshop
    snap = snapshot(actor)
    view = {
        "method": workshop.settings.get("vote_method", "dots"),
        "hidden": tallies_hidden(workshop.phase, workshop.settings, actor.viewer()),
        "ideas": ranking(actor, snap),
        "groups": group_ranking(actor, snap),
        "grades": majority.GRADES,
    }
    if actor.is_facilitator:
        view["participation"] = vote_service.participation(workshop)
    return view
