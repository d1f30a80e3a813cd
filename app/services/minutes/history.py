"""The minutes' history: versions of the text, and restoring one (docs/protocol.md, "Minutes history").

Versions are taken:
- automatically when someone edits and the last version is more than AUTO_EVERY old (the text as it was
  just before that edit), and before any edit that erases much of the text (BIG_ERASE), whatever the time;
- at each phase change, and when a facilitator closes the workshop (after the attendance is filled in);
- before each restore (the text being replaced);
- on demand, with a label.
A version holds the text. Restoring it is a new edit of the shared document, from the current text to the
version's, made by the server in the unit of work and relayed to every editor after commit: like any other
edit, it can be undone by restoring the version taken just before it.
"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.lib.timezone import local, zone_name_of
from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import owned
from app.services.core.unit_of_work import minutes_edited, run_command
from app.services.minutes import document
from app.services.minutes.access import require_writer
from app.services.minutes.template import PHASE_NAMES, fill_attendance, french_datetime
from app.services.workshop import session
from models import MinutesVersion, Workshop, db, utcnow

AUTO_EVERY = timedelta(minutes=5)
BIG_ERASE = 200  # characters: an edit erasing more than this, or half the text, is preceded by a version
KEEP = 500  # versions per workshop: past that the oldest automatic ones go (a paste-and-erase loop stays bounded)
PRUNABLE = ("auto", "erase")
# Written in the language of whoever's action takes the version (a version's label is stored).
LABELS = {
    "auto": lazy_gettext("Sauvegarde automatique"),
    "erase": lazy_gettext("Avant un effacement important"),
    "restore": lazy_gettext("Avant la restauration de « {label} »"),
    "manual": lazy_gettext("Version enregistrée"),
    "close": lazy_gettext("Clôture de l'atelier"),
}
UNKNOWN = lazy_gettext("Version inconnue pour ce compte rendu.")


def author_of(actor: Actor) -> str:
    """Who a version names: a facilitator's account; never a participant (the minutes are the group's text,
    attached to nobody: docs/privacy.md, and nothing here to scrub at the end of retention)."""
    return actor.name if actor.is_facilitator else ""


def _latest(workshop_id: int) -> MinutesVersion | None:
    stmt = select(MinutesVersion).filter_by(workshop_id=workshop_id).order_by(MinutesVersion.id.desc()).limit(1)
    return db.session.scalars(stmt).first()


def take_version(workshop: Workshop, text: str, kind: str, label: str = "", author: str = "") -> MinutesVersion | None:
    """Add a version of `text` in the current transaction; an automatic one only if the text changed since
    the last version."""
    latest = _latest(workshop.id)
    if kind != "manual" and latest is not None and latest.text == text:
        return None
    version = MinutesVersion(
        workshop_id=workshop.id,
        kind=kind,
        label=(label or LABELS.get(kind, ""))[:120],
        author=author[:80],
        chars=len(text),
        text=text,
        at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    _prune(workshop.id)
    return version


def _prune(workshop_id: int) -> None:
    count = db.session.scalar(select(func.count(MinutesVersion.id)).filter_by(workshop_id=workshop_id))
    if count > KEEP:
        stmt = (
            select(MinutesVersion)
            .filter(MinutesVersion.workshop_id == workshop_id, MinutesVersion.kind.in_(PRUNABLE))
            .order_by(MinutesVersion.id)
            .limit(count - KEEP)
        )
        for old in db.session.scalars(stmt):
            db.session.delete(old)


def before_edit(workshop: Workshop, before: str, after_chars: int, author: str) -> None:
    """Called with each accepted edit: keep the text as it was when it is time, or when the edit erases a lot."""
    erased = len(before) - after_chars
    if erased > BIG_ERASE or (before and erased * 2 > len(before) and erased > 20):
        take_version(workshop, before, "erase", author=author)
        return
    # Only the time of the last version: this runs with every keystroke's update, the text stays in the database.
    stmt = select(MinutesVersion.at).filter_by(workshop_id=workshop.id).order_by(MinutesVersion.id.desc()).limit(1)
    latest_at = db.session.scalar(stmt)
    if latest_at is None or utcnow() - latest_at >= AUTO_EVERY:
        take_version(workshop, before, "auto", author=author)


def _on_phase(workshop: Workshop, previous: str, phase: str) -> None:
    """A version at each phase change; at closing, the header's attendance from who really came."""
    loaded = document.load(workshop.id)
    if not loaded.rows:
        return
    if phase == "closed":
        update = document.edit(workshop.id, loaded, fill_attendance(str(loaded.text), workshop))
        if update is not None:
            minutes_edited(workshop.id, document.b64encode(update))
        take_version(workshop, str(loaded.text), "close")
        return
    label = _("Passage à la phase « %(phase)s »", phase=PHASE_NAMES.get(phase, phase))
    take_version(workshop, str(loaded.text), "phase", label=label)


session.PHASE_HOOKS.append(_on_phase)


def _view(version: MinutesVersion, workshop: Workshop, text: bool = False) -> dict:
    zone = zone_name_of(workshop.settings)
    out = {
        "id": version.id,
        "at": local(version.at, zone).isoformat(),
        "label": version.label,
        "chars": version.chars,
        "kind": version.kind,
        "author": version.author or None,
        "when": french_datetime(version.at, zone, labelled=True),
    }
    if text:
        out["text"] = version.text
    return out


def list_versions(actor: Actor) -> dict:
    """{versions:[{id, at, label, chars, kind, author, when}]} newest first: anyone who reads the minutes."""
    workshop = actor.workshop
    stmt = (
        select(MinutesVersion)
        .filter_by(workshop_id=workshop.id)
        .order_by(MinutesVersion.id.desc())
        .options(db.defer(MinutesVersion.text))
    )
    return {"versions": [_view(version, workshop) for version in db.session.scalars(stmt)]}


def get_version(actor: Actor, version_id: int) -> dict:
    """{id, at, label, chars, kind, author, when, text}. Raises NotFound."""
    version = owned(MinutesVersion, version_id, actor.workshop.id, UNKNOWN)
    return _view(version, actor.workshop, text=True)


def save_version(actor: Actor, data: dict) -> dict:
    """A version of the current text with a label → {version}. Raises Forbidden (who may not write),
    Invalid, PhaseError."""
    v.mapping(data)
    label = v.text(data.get("label"), "label", min_len=0, max_len=120, required=False) or LABELS["manual"]

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        require_writer(workshop, actor)
        text = str(document.load(workshop.id).text)
        return {"version": _view(take_version(workshop, text, "manual", label, author_of(actor)), workshop)}

    return run_command(actor, data.get("client_id"), apply)


def restore_version(actor: Actor, version_id: int, client_id: str | None = None) -> dict:
    """Make the minutes the version's text again, as a new edit relayed to everyone → {restored, version, saved}
    (`saved`: the version taken just before, holding what was replaced; None when nothing changed).
    Raises Forbidden, NotFound, PhaseError."""
    require_facilitator(actor, _("restaurer une version du compte rendu"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        version = owned(MinutesVersion, version_id, workshop.id, UNKNOWN)
        loaded = document.load(workshop.id)
        current = str(loaded.text)
        if current == version.text:
            return {"restored": _view(version, workshop), "saved": None, "changed": False}
        label = LABELS["restore"].format(label=version.label)
        saved = take_version(workshop, current, "restore", label, author_of(actor)) or _latest(workshop.id)
        update = document.edit(workshop.id, loaded, version.text)
        minutes_edited(workshop.id, document.b64encode(update))
        return {"restored": _view(version, workshop), "saved": saved and _view(saved, workshop), "changed": True}

    return run_command(actor, client_id, apply)
