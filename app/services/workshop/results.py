"""Vote results: ranking per idea and per group, as this viewer may see them.

Rows are best first. Equal results share a rank (1, 2, 2, 4) and are never
renumbered: equal dot counts or scores, or equal majority values under
majority judgment (app/lib/majority.py, where an idea a voter did not grade
counts as « À rejeter »). Each row carries `rank_label` ("2 =" when tied,
app/lib/ranks.py) for every human-readable output. With colleges the rank is
the weighted one; each row also says its raw rank and its rank within each
college (docs/votes.md). Ideas whose tallies the viewer may not see
(reveal_votes: end) are left out entirely.
"""

from fractions import Fraction

from flask_babel import lazy_gettext

from app import i18n
from app.lib import majority
from app.lib.ranks import label_ranks, rank_label, shared
from app.services.core.actors import Actor
from app.services.core.visibility import tallies_hidden
from app.services.workshop import count as counting
from app.services.workshop import votes as vote_service
from app.services.workshop.board import snapshot
from app.services.workshop.colleges import colleges_of, weight_of

EMPTY = [0] * len(majority.GRADES)
WEIGHTED = lazy_gettext("des mentions pondérées par collège")


def counted_idea(idea: dict) -> bool:
    """In the results: its tally is visible and it is on the board (not hidden or pending moderation, issue 14)."""
    return idea.get("votes") is not None and not idea.get("hidden") and not idea.get("pending")


def ranking(actor: Actor, snap: dict | None = None) -> list[dict]:
    """Visible ideas best first: {idea_id, text, rank, rank_label, tied, votes, group_id, proxy}
    (+ grade, grade_label, profile, graded, explanation; with colleges score or weighted_profile,
    raw_rank and colleges: [{id, name, rank, rank_label, tied}])."""
    snap = snap or snapshot(actor)
    labels = {g["id"]: g["label"] for g in snap["groups"]}
    items = {i["id"]: dict(i, group=labels.get(i.get("group_id"))) for i in snap["ideas"] if counted_idea(i)}
    counted = counting.count(actor.workshop, items)
    order = _ordered({i: counted.result(i) for i in items}, counted.mj)
    rows = [_row(items[i], rank, counted, i) for i, rank in order]
    if counted.is_weighted:
        _raw_and_college_ranks(rows, counted)
    return label_ranks(rows)


def _raw_and_college_ranks(
    rows: list[dict], counted: counting.Count, key: str = "idea_id", members: dict | None = None
) -> None:
    """With colleges: each row's raw rank and each college's own. Rows are ideas, or groups
    (key "group_id") whose value is the sum of their `members` ideas' (dots or merit profiles)."""
    ids = [r[key] for r in rows]

    def value(table: dict, k: int):
        if members is None:
            return table[k]
        parts = [table[i] for i in members[k]]
        return [sum(c) for c in zip(*parts, strict=True)] if counted.mj else sum(parts)

    raw = dict(_ordered({i: value(counted.raw, i) for i in ids}, counted.mj))
    per_college = {}
    for college in counted.colleges:
        cid = str(college["id"])
        own = counted.by_college[cid]
        ranks = _ordered({i: value(own, i) for i in ids}, counted.mj) if college["voters"] else []
        per_college[cid] = label_ranks([{"id": i, "rank": r} for i, r in ranks])
    raw_ties = shared(raw.values())
    for row in rows:
        row["raw_rank"] = raw[row[key]]
        row["raw_rank_label"] = rank_label(row["raw_rank"], row["raw_rank"] in raw_ties)
        row["colleges"] = []
        for college in counted.colleges:
            mine = next((c for c in per_college[str(college["id"])] if c["id"] == row[key]), {})
            entry = {"id": college["id"], "name": college["name"], "rank": mine.get("rank")}
            entry.update(rank_label=mine.get("rank_label", ""), tied=mine.get("tied", False))
            row["colleges"].append(entry)


def group_ranking(actor: Actor, snap: dict | None = None) -> list[dict]:
    """Groups best first, by their ideas' summed dots (or scores) or merged merit profiles:
    {group_id, text, rank, rank_label, tied, votes, ideas} (+ with colleges raw_rank, colleges: [...])."""
    snap = snap or snapshot(actor)
    members: dict[int, list[int]] = {}
    for idea in snap["ideas"]:
        if idea.get("group_id") in {g["id"] for g in snap["groups"]} and counted_idea(idea):
            members.setdefault(idea["group_id"], []).append(idea["id"])
    counted = counting.count(actor.workshop, [i for ids in members.values() for i in ids])
    merged = {g: _merge(counted, ids) for g, ids in members.items()}
    order = _ordered({g: m["result"] for g, m in merged.items()}, counted.mj)
    labels = {g["id"]: g["label"] for g in snap["groups"]}
    rows = []
    for group_id, rank in order:
        m = merged[group_id]
        item = {"id": group_id, "text": labels[group_id], "votes": m["votes"]}
        row = _present(item, rank, counted, m["raw"], m["result"], key="group_id")
        rows.append(dict(row, ideas=len(members[group_id])))
    if counted.is_weighted:  # issue 17: raw rank and each college's own, as for ideas
        _raw_and_college_ranks(rows, counted, key="group_id", members=members)
    return label_ranks(rows)


def _merge(counted: counting.Count, ids: list[int]) -> dict:
    if counted.mj:
        raw = [sum(c) for c in zip(*(counted.raw[i] for i in ids), strict=True)]
        result = [sum(c, Fraction(0)) for c in zip(*(counted.result(i) for i in ids), strict=True)]
        return {"raw": raw, "result": result, "votes": sum(raw)}
    raw = sum(counted.raw[i] for i in ids)
    return {"raw": raw, "result": sum((counted.result(i) for i in ids), Fraction(0)), "votes": raw}


def _ordered(values: dict, mj: bool) -> list[tuple[int, int]]:
    """(key, rank) best first; ties share the rank of the first of them."""
    if mj:
        return majority.ordered(values)
    keys = sorted(values, key=lambda k: values[k], reverse=True)
    out: list[tuple[int, int]] = []
    for position, key in enumerate(keys, start=1):
        tied = out and values[out[-1][0]] == values[key]
        out.append((key, out[-1][1] if tied else position))
    return out


def _row(item: dict, rank: int, counted: counting.Count, idea_id: int) -> dict:
    row = _present(item, rank, counted, counted.raw[idea_id], counted.result(idea_id), key="idea_id")
    row.update(group_id=item.get("group_id"), group=item.get("group"), proxy=item.get("proxy", False))
    if counted.mj:
        row["graded"] = counted.graded[idea_id]
    return row


def _present(item: dict, rank: int, counted: counting.Count, raw, result, key: str) -> dict:
    """The row's figures: raw ones always, the weighted result beside them with colleges."""
    row = {key: item["id"], "text": item["text"], "rank": rank, "votes": item["votes"]}
    if not counted.mj:
        if counted.is_weighted:
            row["score"] = round(float(result), 4)
        return row
    profile = list(raw)
    grade = majority.majority_grade(result)
    row.update(grade=grade, profile=profile, grade_label=i18n.grade_label(grade))
    if counted.is_weighted:
        raw_grade = majority.majority_grade(profile)
        row.update(raw_grade=raw_grade, raw_grade_label=i18n.grade_label(raw_grade))
        row["weighted_profile"] = [round(float(s), 4) for s in majority.shares(result)]
        row["explanation"] = majority.explain(result, str(WEIGHTED))
    else:
        row["explanation"] = majority.explain(profile)
    return row


def results_view(actor: Actor) -> dict:
    """Everything the results page shows: {method, hidden, ideas, groups, participation, grades,
    convention, colleges}."""
    workshop = actor.workshop
    snap = snapshot(actor)
    participation = vote_service.participation(workshop)
    return {
        "method": workshop.settings.get("vote_method", "dots"),
        "hidden": tallies_hidden(workshop.phase, workshop.settings, actor.viewer()),
        "ideas": ranking(actor, snap),
        "groups": group_ranking(actor, snap),
        "grades": i18n.grade_labels(),
        "convention": str(majority.CONVENTION),
        "participation": participation,
        "colleges": participation.get("colleges", []),
        "colleges_detail": _colleges_detail(workshop, participation),
    }


def _colleges_detail(workshop, participation: dict) -> list[dict]:
    """Each college with its weight and its share of the weighted result: a college nobody of which
    has voted weighs nothing (share None); before any vote, the shares the weights promise."""
    colleges = colleges_of(workshop.settings)
    voted = {str(c["id"]): c["voters"] > 0 for c in participation.get("colleges", [])}
    counted = [c for c in colleges if voted.get(str(c["id"]))] or colleges
    total = sum((weight_of(c) for c in counted), Fraction(0))
    return [
        {**c, "share": round(float(weight_of(c) / total) * 100, 1) if c in counted and total else None}
        for c in colleges
    ]
