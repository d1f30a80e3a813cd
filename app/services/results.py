"""Vote results: ranking per idea and per group, as this viewer may see them."""

from app.services import majority
from app.services import votes as vote_service
from app.services.actors import Actor
from app.services.board import snapshot


def _mj(actor: Actor) -> bool:
    return actor.workshop.settings.get("vote_method") == "majority_judgment"


def ranking(actor: Actor) -> list[dict]:
    """Visible ideas best first with rank, votes and (majority judgment) grade and profile."""
    ideas = snapshot(actor)["ideas"]
    return _rank(ideas, _mj(actor))


def _rank(items: list[dict], mj: bool) -> list[dict]:
    if mj:
        order = majority.rank({i["id"]: i.get("profile") or [0] * 7 for i in items if i.get("votes") is not None})
        by_id = {i["id"]: i for i in items}
        ranked = [by_id[key] for key, _grade in order]
    else:
        ranked = sorted((i for i in items if i.get("votes") is not None), key=lambda i: (-(i["votes"] or 0), i["id"]))
    rows = []
    for position, item in enumerate(ranked, start=1):
        row = {"idea_id": item["id"], "text": item["text"], "rank": position, "votes": item["votes"]}
        row.update(group_id=item.get("group_id"), proxy=item.get("proxy", False))
        if mj:
            row.update(grade=item.get("grade"), profile=item.get("profile"))
            row["grade_label"] = majority.GRADES[item["grade"]] if item.get("grade") is not None else None
            row["explanation"] = majority.explain(item.get("profile") or [0] * 7)
        rows.append(row)
    return rows


def group_ranking(actor: Actor) -> list[dict]:
    """Groups ranked by their ideas' summed dots (or merged merit profiles)."""
    snap = snapshot(actor)
    labels = {g["id"]: g["label"] for g in snap["groups"]}
    merged: dict[int, dict] = {}
    for idea in snap["ideas"]:
        if idea.get("group_id") not in labels or idea.get("votes") is None:
            continue
        entry = merged.setdefault(
            idea["group_id"], {"id": idea["group_id"], "text": labels[idea["group_id"]], "votes": 0, "profile": [0] * 7}
        )
        entry["votes"] += idea["votes"] or 0
        for g, n in enumerate(idea.get("profile") or []):
            entry["profile"][g] += n
    for entry in merged.values():
        entry["grade"] = majority.majority_grade(entry["profile"])
    rows = _rank(list(merged.values()), _mj(actor))
    return [dict(r, group_id=r.pop("idea_id")) for r in rows]


def participation(actor: Actor) -> dict:
    return vote_service.participation(actor.workshop)
