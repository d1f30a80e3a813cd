"""Workshop exports (docs/protocol.md §2): Markdown report, CSV of ideas (or groups) with votes, JSON of everything.

Exports carry tallies, never who voted for what; in an `anonymous` workshop
they carry no author names either, since reports travel beyond the room.
"""

import csv
import io
import json
from fractions import Fraction

from app.lib.escape import csv_safe, md_escape
from app.lib.formats import MIMETYPES
from app.lib.majority import CONVENTION, GRADES
from app.services.core.actors import Actor
from app.services.core.errors import Invalid
from app.services.core.guards import require_facilitator
from app.services.core.visibility import exported_idea
from app.services.minutes import operations as minutes_service
from app.services.workshop import votes as vote_service
from app.services.workshop.board import snapshot
from app.services.workshop.results import group_ranking, ranking

FORMATS = ("md", "csv", "json")
SCOPES = ("ideas", "groups")


def export_workshop(actor: Actor, fmt: str, scope: str = "ideas") -> tuple[str, str, str]:
    """(body, mimetype, filename); `scope` picks the CSV's rows (ideas or groups). Raises Forbidden, Invalid."""
    require_facilitator(actor, "exporter l'atelier")
    if fmt not in FORMATS:
        raise Invalid("« format » doit valoir md, csv ou json.", field="format")
    if scope not in SCOPES:
        raise Invalid("« scope » doit valoir ideas ou groups.", field="scope")
    data = workshop_report(actor)
    if fmt == "csv":
        body = to_group_csv(data) if scope == "groups" else to_csv(data)
    elif fmt == "md":
        body = to_markdown(data)
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2)
    suffix = "-groupes" if fmt == "csv" and scope == "groups" else ""
    return body, MIMETYPES[fmt], f"atelier-{actor.workshop.code}{suffix}.{fmt}"


def workshop_report(actor: Actor) -> dict:
    snap = snapshot(actor)
    register = minutes_service.register(actor.workshop)
    ideas = [exported_idea(i, actor.workshop.settings) for i in snap["ideas"]]
    return {
        "workshop": snap["workshop"],
        "columns": snap["columns"],
        "groups": snap["groups"],
        "ideas": ideas,
        "results": ranking(actor, snap),
        "group_results": group_ranking(actor, snap),
        "participation": vote_service.participation(actor.workshop),
        "minutes": minutes_service.current_text(actor.workshop),
        "decisions": register["decisions"],
        "actions": register["actions"],
    }


def to_csv(data: dict) -> str:
    """One row per idea, in board order, with its votes, rank and (majority judgment) grade and profile."""
    columns = {c["id"]: c["title"] for c in data["columns"]}
    groups = {g["id"]: g["label"] for g in data["groups"]}
    ranks = {r["idea_id"]: r for r in data["results"]}
    mj = vote_service.is_majority(data["workshop"]["settings"])
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["idea_id", "column", "group", "text", "author", "proxy", "votes", "rank", "grade"]
    writer.writerow(header + _weighted_header(data, mj) + (GRADES if mj else []) + ["moderation"])
    for idea in data["ideas"]:
        r = ranks.get(idea["id"], {})
        row = [
            idea["id"],
            csv_safe(columns.get(idea["column_id"], "")),
            csv_safe(groups.get(idea.get("group_id"), "")),
            csv_safe(idea["text"]),
            csv_safe((idea.get("author") or {}).get("name", "")),
            "oui" if idea.get("proxy") else "",
            idea.get("votes") if idea.get("votes") is not None else "",
            r.get("rank_label", ""),
            r.get("grade_label") or "",
        ]
        row += _weighted_cells(data, r, mj)
        writer.writerow(row + (r.get("profile") or [""] * len(GRADES) if mj else []) + [moderation_label(idea)])
    return out.getvalue()


def _colleges(data: dict) -> list[dict]:
    return data["workshop"]["settings"].get("colleges") or []


def _weighted_header(data: dict, mj: bool) -> list[str]:
    """With colleges: the weighted result is `rank`/`grade` (or `score`); the raw rank and each college's own beside it."""
    colleges = _colleges(data)
    if not colleges:
        return []
    return ["raw_grade" if mj else "score", "raw_rank"] + [f"rank {csv_safe(c['name'])}" for c in colleges]


def _weighted_cells(data: dict, r: dict, mj: bool) -> list:
    if not _colleges(data):
        return []
    if not r:
        return [""] * (2 + len(_colleges(data)))
    first = r.get("raw_grade_label") or "" if mj else r.get("score", "")
    cells = [first, r.get("raw_rank_label", "")]
    return cells + [c["rank_label"] for c in r.get("colleges", [])]


def moderation_label(idea: dict) -> str:
    """Hidden and pending ideas stay in facilitators' exports, marked (issue 14)."""
    return "masquée" if idea.get("hidden") else "en attente" if idea.get("pending") else ""


def to_group_csv(data: dict) -> str:
    """One row per group of ideas, best first; with colleges the same columns as the ideas' CSV (issue 17)."""
    mj = vote_service.is_majority(data["workshop"]["settings"])
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["group_id", "group", "ideas", "votes", "rank", "grade"] + _weighted_header(data, mj)
    writer.writerow(header + (GRADES if mj else []))
    for r in data["group_results"]:
        row = [r["group_id"], csv_safe(r["text"]), r["ideas"], r["votes"], r["rank_label"], r.get("grade_label") or ""]
        writer.writerow(row + _weighted_cells(data, r, mj) + (r["profile"] if mj else []))
    return out.getvalue()


def _result_lines(rows: list[dict], mj: bool) -> list[str]:
    """One bullet per result, its rank first ("2 =" when tied: never a numbered list, which would renumber)."""
    lines = []
    for r in rows:
        if mj:
            detail = f"{r['grade_label'] or 'sans évaluation'} ({r['votes']} évaluations) — {r['explanation']}"
        else:
            dots = f"{r['votes']} gommette" + ("s" if (r["votes"] or 0) > 1 else "")  # the board's word, never "voix"
            detail = dots + (f", score pondéré {r['score']:g}" if "score" in r else "")
        if r.get("colleges"):
            own = ", ".join(f"{md_escape(c['name'])} {c['rank_label'] or '—'}" for c in r["colleges"])
            detail += f" — rang sans pondération {r['raw_rank_label']} ; rang par collège : {own}"
        lines.append(f"- **{r['rank_label']}** {md_escape(r['text'])} — {detail}")
    return lines or ["Aucun résultat."]


def _participation_lines(p: dict, mj: bool) -> list[str]:
    """How many voted out of how many were present, room and remote (and per college)."""
    lines = [
        f"- Participation : {p['voters']} votant·es sur {p['participants']} participant·es présent·es "
        f"(salle : {p['room']['voters']} sur {p['room']['present']} ; "
        f"à distance : {p['remote']['voters']} sur {p['remote']['present']})"
    ]
    for c in p.get("colleges", []):
        lines.append(f"  - Collège {md_escape(c['name'])} : {c['voters']} votant·es sur {c['present']}")
    if p.get("unassigned"):
        u = p["unassigned"]
        lines.append(f"  - Sans collège (hors résultat pondéré) : {u['voters']} votant·es sur {u['present']}")
    if mj:
        lines.append(f"- {CONVENTION}")
    return lines


def _college_lines(data: dict) -> list[str]:
    colleges = _colleges(data)
    if not colleges:
        return []
    total = sum(Fraction(str(c["weight"])) for c in colleges)
    lines = [
        "",
        "## Collèges",
        "",
        "Chaque collège pèse son poids, quel que soit son nombre de votant·es (docs/votes.md).",
        "",
    ]
    for c in colleges:
        share = float(Fraction(str(c["weight"])) / total * 100)
        lines.append(f"- {md_escape(c['name'])} : poids {c['weight']:g} ({share:.1f} % du résultat)")
    return lines


def to_markdown(data: dict) -> str:
    w = data["workshop"]
    mj = vote_service.is_majority(w["settings"])
    p = data["participation"]
    lines = [
        f"# {md_escape(w['title'])}",
        "",
        f"- Date : {w.get('starts_at') or '—'}",
        f"- Lieu : {md_escape(w.get('location') or '—')}",
    ]
    method = "jugement majoritaire" if mj else "gommettes"
    weighted = ", pondéré par collège" if _colleges(data) else ""
    lines += [f"- Vote : {method}{weighted} — {p['voters']} votant·es sur {p['participants']} participant·es"]
    lines += _participation_lines(p, mj) + _college_lines(data) + [""]
    lines += ["## Résultats par idée", ""] + _result_lines(data["results"], mj)
    if data["group_results"]:
        lines += ["", "## Résultats par groupe", ""] + _result_lines(data["group_results"], mj)
    moderated = [i for i in data["ideas"] if moderation_label(i)]
    if moderated:
        lines += ["", "## Idées masquées ou en attente (hors résultats)", ""]
        lines += [f"- {md_escape(i['text'])} ({moderation_label(i)})" for i in moderated]
    lines += ["", "## Décisions", ""] + [f"- {md_escape(d['text'])}" for d in data["decisions"]]
    lines += ["", "## Actions", ""]
    lines += [
        f"- {md_escape(a['text'])} ({md_escape(a.get('owner')) or 'sans responsable'}, {md_escape(a.get('due')) or 'sans échéance'})"
        for a in data["actions"]
    ]
    lines += ["", "## Compte rendu", "", data["minutes"]]
    return "\n".join(lines) + "\n"
