"""Roadmap exports (Markdown, CSV, JSON, each with provenance) and the CSV import of status and progress.

Exports speak the reader's language (headers, statuses, due dates, history lines); the CSV follows the one
CSV format of app/lib/formats.py. The import reads exactly the export's columns, headed in any language
Fabrique speaks (or by their keys), `;` or `,`, with or without a byte-order mark, and applies all rows or none.
"""

import csv
import io
import json
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext

from app.i18n import day as long_day
from app.lib.escape import csv_safe, md_escape
from app.lib.formats import MIMETYPES, csv_document, csv_separator, join_list, sniff_separator
from app.services.core.errors import Invalid
from app.services.core.unit_of_work import transaction
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import apply_changes, history, led_roadmap, roadmap_dict
from app.services.roadmaps.views import percent_text, readable_change
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
# The CSV's headers: the fields' labels (app/services/roadmaps/fields.py), and these two.
COLUMN_LABELS = {"id": lazy_gettext("Identifiant"), "sources": lazy_gettext("Sources")}
MAX_ROWS = 5000


def column_label(key: str) -> str:
    return str(COLUMN_LABELS[key]) if key in COLUMN_LABELS else rf.label(key)


def export_roadmap(roadmap: Roadmap, user: User | None, fmt: str, sep: str | None = None) -> tuple[str, str, str]:
    """(body, mimetype, filename); `sep` is the CSV's `?sep=` (semicolon by default, or comma). Raises Invalid."""
    if fmt not in FORMATS:
        raise Invalid(_("« format » doit valoir md, csv ou json."), field="format")
    separator = csv_separator(sep)
    if separator is None:
        raise Invalid(_("« sep » doit valoir semicolon ou comma."), field="sep")
    data = export_data(roadmap, user)
    writers = {
        "md": to_markdown,
        "csv": lambda d: to_csv(d, separator),
        "json": lambda d: json.dumps(d, ensure_ascii=False, indent=2),
    }
    return writers[fmt](data), MIMETYPES[fmt], _("feuille-de-route-%(id)s", id=roadmap.id) + f".{fmt}"


def export_data(roadmap: Roadmap, user: User | None) -> dict:
    data = roadmap_dict(roadmap, user)
    for item, action in zip(data["actions"], roadmap.actions, strict=True):
        item["history"] = history(action, item["sources"])
    return data


def source_label(source: dict) -> str:
    w = source["workshop"]
    where = w["code"] or w["title"]  # the code only for who may join (issue 19: null for visitors)
    if source["kind"] == "minutes":
        return _(
            "%(where)s compte rendu l.%(line)s « %(text)s »", where=where, line=source["line"], text=source["text"]
        )
    votes = ""
    if source.get("grade_label"):
        votes = f" ({source['grade_label']})"
    elif source.get("votes") is not None:
        votes = " (" + ngettext("%(num)d gommette", "%(num)d gommettes", source["votes"] or 0) + ")"
    text = source["text"] or _("idée non révélée")
    return _("%(where)s #%(id)s « %(text)s »", where=where, id=source["idea_id"] or "—", text=text) + votes


def milestone_label(milestone: dict) -> str:
    """« 01/05/2026 Lancement (fait) » / "2026-05-01 Launch (done)"."""
    when = rf.due_label(milestone["date"])
    return _("%(date)s %(title)s (fait)", date=when, title=milestone["title"]) if milestone.get("done") else (
        f"{when} {milestone['title']}")  # fmt: skip


def to_csv(data: dict, sep: str = ";") -> str:
    """One row per action; lists (partners, cities, milestones, sources) joined in their cell by `join_list`."""
    rows = [[column_label(key) for key in EXPORT_COLUMNS]]
    for a in data["actions"]:
        cells = [
            a["axis"] or "",
            a["title"],
            a["description"],
            a["lead"],
            join_list(a["partners"]),
            join_list(a["cities"]),
            rf.due_label(a["due"]),
            rf.status_label(a["status"]),
        ]
        milestones = join_list(milestone_label(m) for m in a["milestones"])
        sources = join_list(source_label(s) for s in a["sources"])
        rows.append([a["id"], *map(csv_safe, cells), a["progress"], csv_safe(milestones), csv_safe(sources)])
    return csv_document(rows, sep)


def _line(label, value) -> str:
    """« Label : valeur » / "Label: value"."""
    return _("%(label)s : %(value)s", label=label, value=value)


def to_markdown(data: dict) -> str:
    """Every user text through md_escape, after a fixed prefix: no markup, tag or link survives."""
    territory = md_escape((data.get("territory") or {}).get("name", "—"))
    lines = [f"# {md_escape(data['title'])}", ""]
    lines += ["- " + _line(_("Territoire"), territory), "- " + _line(_("Année"), data.get("year") or "—")]
    if data.get("description"):
        lines.append("- " + _line(_("Présentation"), md_escape(data["description"])))
    lines.append("")
    for axis in data["axes"]:
        lines += [f"## {md_escape(axis['title'])}", ""]
        for action in (a for a in data["actions"] if a["axis_id"] == axis["id"]):
            lines += _markdown_action(action)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_action(a: dict) -> list[str]:
    state = f"{rf.status_label(a['status'])} — {percent_text(a['progress'])}"
    lines = [f"### {md_escape(a['title'])}", "", f"- {_line(rf.label('status'), state)}"]
    for key, value in (
        ("lead", a["lead"]),
        ("partners", ", ".join(a["partners"])),
        ("cities", ", ".join(a["cities"])),
        ("due", rf.due_label(a["due"])),
        ("description", a["description"]),
    ):
        if value:
            lines.append(f"- {_line(rf.label(key), md_escape(value))}")
    milestone = _("Jalon")
    lines += ["- " + _line(milestone, md_escape(milestone_label(m))) for m in a["milestones"]]
    if a["sources"]:
        lines += ["", _("Pourquoi cette action ?"), ""]
        lines += [f"- {md_escape(_source_line(s))}" for s in a["sources"]]
    changes = [h for h in a.get("history", []) if h["field"] in ("status", "progress")]
    if changes:
        lines += ["", _("Historique :"), ""]
        lines += [f"- {md_escape(change_line(h))}" for h in changes]
    return [*lines, ""]


def change_line(change: dict) -> str:
    """« 1 mai 2026 — Camille : Statut : Proposée → Planifiée » in the reader's language."""
    row = readable_change(change)
    when = long_day(datetime.fromisoformat(change["at"])) if change.get("at") else "—"
    return _("%(when)s — %(who)s : %(field)s : %(old)s → %(new)s", when=when, who=change["user"] or "—",
             field=row["label"], old=row["old"] or "—", new=row["new"] or "—")  # fmt: skip


def _source_line(source: dict) -> str:
    w = source["workshop"]
    when = long_day(datetime.fromisoformat(w["starts_at"])) if w.get("starts_at") else ""
    where = ", ".join(part for part in (when, w.get("location") or "") if part)
    return f"{source_label(source)} — {w['title']}" + (f" ({where})" if where else "")


# --- import -------------------------------------------------------------------


def import_csv(user: User | None, roadmap_id, body: bytes | str) -> dict:
    """Bulk-update status and progress from an export's CSV: all rows or none.

    Raises Unauthorized, NotFound, Invalid (with `row` and `field` naming the bad cell).
    """
    roadmap = led_roadmap(roadmap_id, user, _("importer ses actions"))
    rows = _rows(_decode(body))
    actions = {a.id: a for a in roadmap.actions}
    statuses = rf.status_names()
    updates = [_parse_row(number, row, actions, statuses) for number, row in rows]
    seen = set()
    for number, action_id, _fields in updates:
        if action_id in seen:
            raise Invalid(_("Ligne %(row)d : l'action %(id)d apparaît deux fois.", row=number, id=action_id),
                          row=number, field="id")  # fmt: skip
        seen.add(action_id)
    with transaction():
        changed = sum(apply_changes(actions[aid], user, fields) > 0 for _row, aid, fields in updates)
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
    """(1-based record number, {column key: cell}) per non-empty data row. Raises Invalid."""
    if not text.strip():
        raise Invalid(_("Le fichier CSV est vide."), row=1, field="header")
    # The export writes `;` (French spreadsheets too) or, asked, `,`: the header line tells which.
    delimiter = sniff_separator(text.lstrip().split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise Invalid(_("CSV illisible : %(error)s.", error=exc), row=1, field="header") from None
    header = _header_keys(records[0])
    out = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise Invalid(_("Ligne %(row)d : %(found)d colonnes au lieu de %(expected)d.", row=number,
                            found=len(record), expected=len(header)), row=number, field="columns")  # fmt: skip
        out.append((number, dict(zip(header, record, strict=True))))
    if len(out) > MAX_ROWS:
        raise Invalid(_("Au plus %(max)d lignes par import.", max=MAX_ROWS), row=MAX_ROWS + 2, field="rows")
    return out


def header_names() -> dict[str, str]:
    """Every way a column may be headed (its key, its label in any language; casefolded) → its key."""
    names = {}
    for key in EXPORT_COLUMNS:
        names[key] = key
        text = COLUMN_LABELS.get(key) or rf.FIELD_LABELS[key]
        for name in rf.in_every_language(text):
            names[name.casefold()] = key
    return names


def _header_keys(cells: list[str]) -> list[str]:
    """The header's column keys; Invalid unless they are exactly the export's columns, in any order."""
    names = header_names()
    keys = [names.get(cell.strip().casefold()) for cell in cells]
    missing = [column_label(c) for c in EXPORT_COLUMNS if c not in keys]
    extra = [cell.strip() for cell, key in zip(cells, keys, strict=True) if key is None]
    if missing or extra or len(keys) != len(EXPORT_COLUMNS):
        detail = []
        if missing:
            detail.append(_("manquantes : %(names)s", names=", ".join(missing)))
        if extra:
            detail.append(_("inconnues : %(names)s", names=", ".join(extra)))
        detail = detail or [_("colonnes en double")]
        raise Invalid(
            _("Ligne 1 : les colonnes doivent être exactement celles de l'export (%(detail)s).",
              detail=" ; ".join(detail)),
            row=1,
            field="header",
        )  # fmt: skip
    return keys


def _parse_row(number: int, row: dict, actions: dict, statuses: dict[str, str]) -> tuple[int, int, dict]:
    raw_id = row["id"].strip()
    if not raw_id.isdigit() or int(raw_id) not in actions:
        raise Invalid(_("Ligne %(row)d : l'identifiant « %(id)s » n'est pas une action de cette feuille de route.",
                        row=number, id=raw_id[:20]), row=number, field="id")  # fmt: skip
    try:
        status = rf.status(row["status"], names=statuses)
    except Invalid:
        values = ", ".join(rf.status_label(code) for code in rf.STATUS_LABELS)
        raise Invalid(_("Ligne %(row)d : « %(field)s » doit valoir l'un de : %(values)s.", row=number,
                        field=column_label("status"), values=values), row=number, field="status") from None  # fmt: skip
    raw = row["progress"].strip().rstrip("%").strip()
    digits = raw[1:] if raw.startswith("-") else raw
    if not digits.isdigit():
        raise Invalid(_("Ligne %(row)d : « %(field)s » doit être un nombre entier.", row=number,
                        field=column_label("progress")), row=number, field="progress")  # fmt: skip
    if not 0 <= int(raw) <= 100:
        raise Invalid(_("Ligne %(row)d : « %(field)s » doit être entre 0 et 100.", row=number,
                        field=column_label("progress")), row=number, field="progress")  # fmt: skip
    return number, int(raw_id), {"status": status, "progress": int(raw)}
