"""Workshop exports (docs/protocol.md §2): Markdown report, CSV of ideas (or groups) with votes, JSON of everything.

Exports carry tallies, never who voted for what; in an `anonymous` workshop
they carry no author names either, since reports travel beyond the room.
"""

import json
from datetime import datetime
from fractions import Fraction

from flask_babel import format_decimal, lazy_gettext, ngettext
from flask_babel import gettext as _

from app.i18n import grade_labels, moment
from app.lib.escape import csv_safe, md_escape
from app.lib.formats import MIMETYPES, csv_document, csv_separator
from app.lib.majority import CONVENTION
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
# The CSVs' headers, in the reader's language (docs/protocol.md § 8 « Exports »).
HEADERS = {
    "id": lazy_gettext("Identifiant"),
    "column": lazy_gettext("Colonne"),
    "group": lazy_gettext("Groupe"),
    "text": lazy_gettext("Texte"),
    "author": lazy_gettext("Auteur·ice"),
    "proxy": lazy_gettext("Pour une table"),
    "votes": lazy_gettext("Votes"),
    "rank": lazy_gettext("Rang"),
    "grade": lazy_gettext("Mention majoritaire"),
    "ideas": lazy_gettext("Idées"),
    "score": lazy_gettext("Score pondéré"),
    "raw_grade": lazy_gettext("Mention sans pondération"),
    "raw_rank": lazy_gettext("Rang sans pondération"),
    "moderation": lazy_gettext("Modération"),
}


def header(key: str) -> str:
    return str(HEADERS[key])


def export_workshop(actor: Actor, fmt: str, scope: str = "ideas", sep: str | None = None) -> tuple[str, str, str]:
    """(body, mimetype, filename); `scope` picks the CSV's rows (ideas or groups), `sep` its separator
    (`?sep=`: semicolon by default, or comma). Raises Forbidden, Invalid."""
    require_facilitator(actor, _("exporter l'atelier"))
    if fmt not in FORMATS:
        raise Invalid(_("« format » doit valoir md, csv ou json."), field="format")
    if scope not in SCOPES:
        raise Invalid(_("« scope » doit valoir ideas ou groups."), field="scope")
    separator = csv_separator(sep)
    if separator is None:
        raise Invalid(_("« sep » doit valoir semicolon ou comma."), field="sep")
    data = workshop_report(actor)
    if fmt == "csv":
        body = to_group_csv(data, separator) if scope == "groups" else to_csv(data, separator)
    elif fmt == "md":
        body = to_markdown(data)
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2)
    stem = _("atelier-%(code)s", code=actor.workshop.code)
    suffix = _("-groupes") if fmt == "csv" and scope == "groups" else ""
    return body, MIMETYPES[fmt], f"{stem}{suffix}.{fmt}"


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


def to_csv(data: dict, sep: str = ";") -> str:
    """One row per idea, in board order, with its votes, rank and (majority judgment) grade and profile."""
    columns = {c["id"]: c["title"] for c in data["columns"]}
    groups = {g["id"]: g["label"] for g in data["groups"]}
    ranks = {r["idea_id"]: r for r in data["results"]}
    mj = vote_service.is_majority(data["workshop"]["settings"])
    grades = grade_labels()
    head = [header(k) for k in ("id", "column", "group", "text", "author", "proxy", "votes", "rank", "grade")]
    rows = [head + _weighted_header(data, mj) + (grades if mj else []) + [header("moderation")]]
    for idea in data["ideas"]:
        r = ranks.get(idea["id"], {})
        row = [
            idea["id"],
            csv_safe(columns.get(idea["column_id"], "")),
            csv_safe(groups.get(idea.get("group_id"), "")),
            csv_safe(idea["text"]),
            csv_safe((idea.get("author") or {}).get("name", "")),
            _("oui") if idea.get("proxy") else "",
            idea.get("votes") if idea.get("votes") is not None else "",
            r.get("rank_label", ""),
            r.get("grade_label") or "",
        ]
        row += _weighted_cells(data, r, mj)
        rows.append(row + (r.get("profile") or [""] * len(grades) if mj else []) + [moderation_label(idea)])
    return csv_document(rows, sep)


def _colleges(data: dict) -> list[dict]:
    return data["workshop"]["settings"].get("colleges") or []


def _weighted_header(data: dict, mj: bool) -> list[str]:
    """With colleges: the weighted result is the rank and grade (or score); the raw rank and each college's own beside it."""
    colleges = _colleges(data)
    if not colleges:
        return []
    first = header("raw_grade" if mj else "score")
    return [first, header("raw_rank")] + [_("Rang %(college)s", college=csv_safe(c["name"])) for c in colleges]


def _weighted_cells(data: dict, r: dict, mj: bool) -> list:
    if not _colleges(data):
        return []
    if not r:
        return [""] * (2 + len(_colleges(data)))
    first = r.get("raw_grade_label") or "" if mj else decimal(r.get("score"))
    cells = [first, r.get("raw_rank_label", "")]
    return cells + [c["rank_label"] for c in r.get("colleges", [])]


def decimal(value) -> str:
    """A score as the reader writes numbers (« 1,5 » / "1.5"), no grouping: a spreadsheet reads it as one."""
    return "" if value is None or value == "" else format_decimal(value, format="0.###")


def moderation_label(idea: dict) -> str:
    """Hidden and pending ideas stay in facilitators' exports, marked (issue 14)."""
    return _("masquée") if idea.get("hidden") else _("en attente") if idea.get("pending") else ""


def to_group_csv(data: dict, sep: str = ";") -> str:
    """One row per group of ideas, best first; with colleges the same columns as the ideas' CSV (issue 17)."""
    mj = vote_service.is_majority(data["workshop"]["settings"])
    head = [header(k) for k in ("id", "group", "ideas", "votes", "rank", "grade")] + _weighted_header(data, mj)
    rows = [head + (grade_labels() if mj else [])]
    for r in data["group_results"]:
        row = [r["group_id"], csv_safe(r["text"]), r["ideas"], r["votes"], r["rank_label"], r.get("grade_label") or ""]
        rows.append(row + _weighted_cells(data, r, mj) + (r["profile"] if mj else []))
    return csv_document(rows, sep)


def _line(label, value) -> str:
    """« Label : valeur » / "Label: value"."""
    return _("%(label)s : %(value)s", label=label, value=value)


def _result_lines(rows: list[dict], mj: bool) -> list[str]:
    """One bullet per result, its rank first ("2 =" when tied: never a numbered list, which would renumber)."""
    lines = []
    for r in rows:
        if mj:
            count = ngettext("%(num)d évaluation", "%(num)d évaluations", r["votes"] or 0)
            grade = r["grade_label"] or _("sans évaluation")
            detail = f"{grade} ({count}) — {r['explanation']}"
        else:
            detail = ngettext("%(num)d gommette", "%(num)d gommettes", r["votes"] or 0)  # the board's word
            detail += _(", score pondéré %(score)s", score=decimal(r["score"])) if "score" in r else ""
        if r.get("colleges"):
            own = ", ".join(f"{md_escape(c['name'])} {c['rank_label'] or '—'}" for c in r["colleges"])
            detail += _(" — rang sans pondération %(rank)s ; rang par collège : %(colleges)s",
                        rank=r["raw_rank_label"], colleges=own)  # fmt: skip
        lines.append(f"- **{r['rank_label']}** {md_escape(r['text'])} — {detail}")
    return lines or [_("Aucun résultat.")]


def _participation_lines(p: dict, mj: bool) -> list[str]:
    """How many voted out of how many were present, room and remote (and per college)."""
    lines = [
        "- "
        + _(
            "Participation : %(voters)d votant·es sur %(participants)d participant·es présent·es "
            "(salle : %(room_voters)d sur %(room)d ; à distance : %(remote_voters)d sur %(remote)d)",
            voters=p["voters"],
            participants=p["participants"],
            room_voters=p["room"]["voters"],
            room=p["room"]["present"],
            remote_voters=p["remote"]["voters"],
            remote=p["remote"]["present"],
        )
    ]
    for c in p.get("colleges", []):
        lines.append("  - " + _("Collège %(name)s : %(voters)d votant·es sur %(present)d", name=md_escape(c["name"]),
                                voters=c["voters"], present=c["present"]))  # fmt: skip
    if p.get("unassigned"):
        u = p["unassigned"]
        lines.append("  - " + _("Sans collège (hors résultat pondéré) : %(voters)d votant·es sur %(present)d",
                                voters=u["voters"], present=u["present"]))  # fmt: skip
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
        "## " + _("Collèges"),
        "",
        _("Chaque collège pèse son poids, quel que soit son nombre de votant·es (docs/votes.md)."),
        "",
    ]
    for c in colleges:
        share = format_decimal(float(Fraction(str(c["weight"])) / total * 100), format="0.0")
        lines.append("- " + _("%(name)s : poids %(weight)s (%(share)s %% du résultat)", name=md_escape(c["name"]),
                              weight=decimal(c["weight"]), share=share))  # fmt: skip
    return lines


def _when(iso: str | None) -> str:
    """A local ISO moment (with its offset) as the reader reads it, on that clock: « 30 novembre 2026 à 15:30 »."""
    return moment(datetime.fromisoformat(iso).replace(tzinfo=None)) if iso else "—"


def to_markdown(data: dict) -> str:
    w = data["workshop"]
    mj = vote_service.is_majority(w["settings"])
    p = data["participation"]
    lines = [
        f"# {md_escape(w['title'])}",
        "",
        "- " + _line(_("Date"), _when(w.get("starts_at"))),
        "- " + _line(_("Lieu"), md_escape(w.get("location") or "—")),
    ]
    method = _("jugement majoritaire") if mj else _("gommettes")
    method += _(", pondéré par collège") if _colleges(data) else ""
    lines += ["- " + _("Vote : %(method)s — %(voters)d votant·es sur %(participants)d participant·es", method=method,
                       voters=p["voters"], participants=p["participants"])]  # fmt: skip
    lines += _participation_lines(p, mj) + _college_lines(data) + [""]
    lines += ["## " + _("Résultats par idée"), ""] + _result_lines(data["results"], mj)
    if data["group_results"]:
        lines += ["", "## " + _("Résultats par groupe"), ""] + _result_lines(data["group_results"], mj)
    moderated = [i for i in data["ideas"] if moderation_label(i)]
    if moderated:
        lines += ["", "## " + _("Idées masquées ou en attente (hors résultats)"), ""]
        lines += [f"- {md_escape(i['text'])} ({moderation_label(i)})" for i in moderated]
    lines += ["", "## " + _("Décisions"), ""] + [f"- {md_escape(d['text'])}" for d in data["decisions"]]
    lines += ["", "## " + _("Actions"), ""]
    nobody, undated = _("sans responsable"), _("sans échéance")
    lines += [
        f"- {md_escape(a['text'])} ({md_escape(a.get('owner')) or nobody}, {md_escape(a.get('due')) or undated})"
        for a in data["actions"]
    ]
    lines += ["", "## " + _("Compte rendu"), "", data["minutes"]]
    return "\n".join(lines) + "\n"
