"""Roadmap exports (Markdown, CSV, JSON, each with provenance) and the CSV import of status and progress.

The import reads exactly the export's columns and applies all rows or none.
"""

import csv
import io
import json

from app.lib.escape import csv_safe, md_escape
from app.lib.formats import MIMETYPES
from app.services.core.errors import Invalid
from app.services.core.unit_of_work import transaction
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import apply_changes, history, led_roadmap, roadmap_dict
from models import Roadmap, User

FORMATS = ("md", "csv", "json")
EXPORT_COLUMNS = [
    "id",
    "axis",
    "title",
    "description",
    "lead",
    "partners",
    "cities",
    "due",
    "status",
    "progress",
    "milestones",
    "sources",
]
MAX_ROWS = 5000


def export_roadmap(roadmap: Roadmap, user: User | None, fmt: str) -> tuple[str, str, str]:
    """(body, mimetype, filename). Raises Invalid."""
    if fmt not in FORMATS:
        raise Invalid("« format » doit valoir md, csv ou json.", field="format")
    data = export_data(roadmap, user)
    writers = {"md": to_markdown, "csv": to_csv, "json": lambda d: json.dumps(d, ensure_ascii=False, indent=2)}
    return writers[fmt](data), MIMETYPES[fmt], f"feuille-de-route-{roadmap.id}.{fmt}"


def export_data(roadmap: Roadmap, user: User | None) -> dict:
    data = roadmap_dict(roadmap, user)
    for item, action in zip(data["actions"], roadmap.actions, strict=True):
        item["history"] = history(action, item["sources"])
    return data


def source_label(source: dict) -> str:
    w = source["workshop"]
    where = w["code"] or w["title"]  # the code only for who may join (issue 19: null for visitors)
    if source["kind"] == "minutes":
        return f"{where} compte rendu l.{source['line']} « {source['text']} »"
    votes = ""
    if source.get("grade_label"):
        votes = f" ({source['grade_label']})"
    elif source.get("votes") is not None:
        votes = f" ({source['votes']} gommette{'s' if (source['votes'] or 0) > 1 else ''})"
    return f"{where} #{source['idea_id'] or '—'} « {source['text'] or 'idée non révélée'} »{votes}"


def milestone_label(milestone: dict) -> str:
    return f"{milestone['date']} {milestone['title']}" + (" (fait)" if milestone.get("done") else "")


def to_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for a in data["actions"]:
        cells = [
            a["axis"] or "",
            a["title"],
            a["description"],
            a["lead"],
            "; ".join(a["partners"]),
            "; ".join(a["cities"]),
            a["due"],
            a["status"],
        ]
        milestones = "; ".join(milestone_label(m) for m in a["milestones"])
        sources = " | ".join(source_label(s) for s in a["sources"])
        writer.writerow([a["id"], *map(csv_safe, cells), a["progress"], csv_safe(milestones), csv_safe(sources)])
    return out.getvalue()


def to_markdown(data: dict) -> str:
    """Every user text through md_escape, after a fixed prefix: no markup, tag or link survives."""
    territory = md_escape((data.get("territory") or {}).get("name", "—"))
    lines = [f"# {md_escape(data['title'])}", "", f"- Territoire : {territory}", f"- Année : {data.get('year') or '—'}"]
    lines += [f"- Présentation : {md_escape(data['description'])}"] if data.get("description") else []
    lines.append("")
    for axis in data["axes"]:
        lines += [f"## {md_escape(axis['title'])}", ""]
        for action in (a for a in data["actions"] if a["axis_id"] == axis["id"]):
            lines += _markdown_action(action)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_action(a: dict) -> list[str]:
    lines = [f"### {md_escape(a['title'])}", "", f"- Statut : {a['status_label']} — {a['progress']} %"]
    for label, value in (
        ("Pilote", a["lead"]),
        ("Partenaires", ", ".join(a["partners"])),
        ("Communes", ", ".join(a["cities"])),
        ("Échéance", a["due_label"]),
        ("Description", a["description"]),
    ):
        if value:
            lines.append(f"- {label} : {md_escape(value)}")
    lines += [f"- Jalon : {md_escape(milestone_label(m))}" for m in a["milestones"]]
    if a["sources"]:
        lines += ["", "Pourquoi cette action ?", ""]
        lines += [f"- {md_escape(_source_line(s))}" for s in a["sources"]]
    changes = [h for h in a.get("history", []) if h["field"] in ("status", "progress")]
    if changes:
        lines += ["", "Historique :", ""]
        lines += [f"- {md_escape(_change_line(h))}" for h in changes]
    return [*lines, ""]


def _change_line(change: dict) -> str:
    return f"{change['at'][:10]} — {change['user'] or '—'} : {change['field']} {change['old']} → {change['new']}"


def _source_line(source: dict) -> str:
    w = source["workshop"]
    where = f"{w['title']} ({(w['starts_at'] or '')[:10]}{', ' + w['location'] if w.get('location') else ''})"
    return f"{source_label(source)} — {where}"


def import_csv(user: User | None, roadmap_id, body: bytes | str) -> dict:
    """Bulk-update status and progress from an export's CSV: all rows or none.

    Raises Unauthorized, NotFound, Invalid (with `row` and `field` naming the bad cell).
    """
    roadmap = led_roadmap(roadmap_id, user, "importer ses actions")
    rows = _rows(_decode(body))
    actions = {a.id: a for a in roadmap.actions}
    updates = [_parse_row(number, row, actions) for number, row in rows]
    seen = set()
    for number, action_id, _ in updates:
        if action_id in seen:
            raise Invalid(f"Ligne {number} : l'action {action_id} apparaît deux fois.", row=number, field="id")
        seen.add(action_id)
    with transaction():
        changed = sum(apply_changes(actions[aid], user, fields) > 0 for _, aid, fields in updates)
    return {"rows": len(updates), "updated": changed}


def _decode(body: bytes | str) -> str:
    if isinstance(body, str):
        return body.lstrip("\ufeff")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French spreadsheets often save CSV in Windows-1252.
        return body.decode("cp1252", errors="replace")


def _rows(text: str) -> list[tuple[int, dict]]:
    """(1-based record number, {column: cell}) per non-empty data row. Raises Invalid."""
    if not text.strip():
        raise Invalid("Le fichier CSV est vide.", row=1, field="header")
    first = text.split("\n", 1)[0]
    # Spreadsheets set to French save with « ; ».
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise Invalid(f"CSV illisible : {exc}.", row=1, field="header") from None
    header = [h.strip() for h in records[0]]
    _check_header(header)
    out = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise Invalid(
                f"Ligne {number} : {len(record)} colonnes au lieu de {len(header)}.", row=number, field="columns"
            )
        out.append((number, dict(zip(header, record, strict=True))))
    if len(out) > MAX_ROWS:
        raise Invalid(f"Au plus {MAX_ROWS} lignes par import.", row=MAX_ROWS + 2, field="rows")
    return out


def _check_header(header: list[str]) -> None:
    missing = [c for c in EXPORT_COLUMNS if c not in header]
    extra = [c for c in header if c not in EXPORT_COLUMNS]
    if missing or extra or len(header) != len(EXPORT_COLUMNS):
        detail = []
        if missing:
            detail.append("manquantes : " + ", ".join(missing))
        if extra:
            detail.append("inconnues : " + ", ".join(extra))
        detail = detail or ["colonnes en double"]
        raise Invalid(
            "Ligne 1 : les colonnes doivent être exactement celles de l'export (" + " ; ".join(detail) + ").",
            row=1,
            field="header",
        )


def _parse_row(number: int, row: dict, actions: dict) -> tuple[int, int, dict]:
    raw_id = row["id"].strip()
    if not raw_id.isdigit() or int(raw_id) not in actions:
        raise Invalid(f"Ligne {number} : id « {raw_id[:20]} » n'est pas une action de cette feuille de route.",
                      row=number, field="id")  # fmt: skip
    try:
        status = rf.status(row["status"])
    except Invalid:
        raise Invalid(
            f"Ligne {number} : status doit valoir l'un de : {', '.join(rf.STATUS_LABELS)}.", row=number, field="status"
        ) from None
    raw = row["progress"].strip().rstrip("%").strip()
    digits = raw[1:] if raw.startswith("-") else raw
    if not digits.isdigit():
        raise Invalid(f"Ligne {number} : progress doit être un nombre entier.", row=number, field="progress")
    if not 0 <= int(raw) <= 100:
        raise Invalid(f"Ligne {number} : progress doit être entre 0 et 100", row=number, field="progress")
    return number, int(raw_id), {"status": status, "progress": int(raw)}
