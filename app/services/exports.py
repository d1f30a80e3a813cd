"""Workshop exports (CONTRACT §2): Markdown report, CSV of ideas with votes, JSON of everything."""

import csv
import io
import json

from app.services import minutes as minutes_service
from app.services.actors import Actor
from app.services.board import snapshot
from app.services.errors import Forbidden, Invalid
from app.services.results import group_ranking, ranking

FORMATS = {"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8", "json": "application/json"}


def export_workshop(actor: Actor, fmt: str) -> tuple[str, str, str]:
    """(body, mimetype, filename). Raises Forbidden, Invalid."""
    if not actor.is_facilitator:
        raise Forbidden("Seuls les animateurs exportent l'atelier.")
    if fmt not in FORMATS:
        raise Invalid("« format » doit valoir md, csv ou json.", field="format")
    data = workshop_report(actor)
    body = {"md": to_markdown, "csv": to_csv, "json": lambda d: json.dumps(d, ensure_ascii=False, indent=2)}[fmt](data)
    return body, FORMATS[fmt], f"atelier-{actor.workshop.code}.{fmt}"


def workshop_report(actor: Actor) -> dict:
    snap = snapshot(actor)
    register = minutes_service.register(actor.workshop)
    return {
        "workshop": snap["workshop"],
        "columns": snap["columns"],
        "groups": snap["groups"],
        "ideas": snap["ideas"],
        "results": ranking(actor),
        "group_results": group_ranking(actor),
        "minutes": minutes_service.current_text(actor.workshop),
        "decisions": register["decisions"],
        "actions": register["actions"],
    }


def to_csv(data: dict) -> str:
    columns = {c["id"]: c["title"] for c in data["columns"]}
    groups = {g["id"]: g["label"] for g in data["groups"]}
    ranks = {r["idea_id"]: r for r in data["results"]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["idea_id", "column", "group", "text", "author", "proxy", "votes", "rank", "grade"])
    for idea in data["ideas"]:
        r = ranks.get(idea["id"], {})
        writer.writerow(
            [
                idea["id"],
                columns.get(idea["column_id"], ""),
                groups.get(idea.get("group_id"), ""),
                _csv_safe(idea["text"]),
                _csv_safe((idea.get("author") or {}).get("name", "")),
                "oui" if idea.get("proxy") else "",
                idea.get("votes") if idea.get("votes") is not None else "",
                r.get("rank", ""),
                r.get("grade_label") or "",
            ]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_markdown(data: dict) -> str:
    w = data["workshop"]
    lines = [f"# {w['title']}", "", f"- Date : {w.get('starts_at') or '—'}", f"- Lieu : {w.get('location') or '—'}", ""]
    lines += ["## Résultats", ""]
    for r in data["results"]:
        detail = r.get("grade_label") or f"{r['votes']} voix"
        lines.append(f"{r['rank']}. {r['text']} — {detail}")
    if data["group_results"]:
        lines += ["", "## Résultats par groupe", ""]
        lines += [
            f"{r['rank']}. {r['text']} — {r.get('grade_label') or str(r['votes']) + ' voix'}"
            for r in data["group_results"]
        ]
    lines += ["", "## Décisions", ""] + [f"- {d['text']}" for d in data["decisions"]]
    lines += ["", "## Actions", ""]
    lines += [
        f"- {a['text']} ({a.get('owner') or 'sans responsable'}, {a.get('due') or 'sans échéance'})"
        for a in data["actions"]
    ]
    lines += ["", "## Compte rendu", "", data["minutes"]]
    return "\n".join(lines) + "\n"
