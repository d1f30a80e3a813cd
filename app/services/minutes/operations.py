"""Shared minutes: a CRDT (pycrdt on the server, Yjs in browsers) kept as an append-only update log
(app/services/minutes/document.py), its history (history.py) and who may write it (access.py).
"""

import base64
import binascii

from flask_babel import format_decimal, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.lib.formats import MIMETYPES
from app.lib.minutes_text import extract_register
from app.lib.timezone import zone_name_of
from app.services.core.actors import Actor
from app.services.core.errors import Invalid, NotFound, PhaseError, TooLarge
from app.services.core.guards import require_facilitator, require_open
from app.services.core.unit_of_work import lock_workshop, minutes_edited, run_command, transaction
from app.services.core.visibility import tallies_hidden
from app.services.minutes import document, history
from app.services.minutes.access import permissions_for, require_writer
from app.services.minutes.document import ROOT, Loaded, b64encode
from app.services.minutes.rendering import export_html, export_odt, minutes_html
from app.services.minutes.template import fill_attendance, opening_template, register_markdown, results_markdown
from app.services.workshop.results import ranking
from models import MinutesUpdate, Workshop, db

MAX_UPDATE_BYTES = 64 * 1024
MAX_CHARS = 200_000
# The whole document, encoded (its text, what was deleted, who wrote what): a 200,000-character text typed
# word by word at scattered places measured ~6.6 bytes per character, sequential typing ~2.2.
MAX_STATE_BYTES = 2 * 1024 * 1024
TALLIES_HIDDEN = lazy_gettext(
    "Les résultats restent cachés aux participants jusqu'à la fin du vote (réglage « révéler à la fin ») : "
    "insérez-les dans le compte rendu une fois le vote terminé."
)


def current_text(workshop: Workshop) -> str:
    return str(document.load(workshop.id).text)


def register(workshop: Workshop) -> dict:
    """{decisions:[{line,text}], actions:[{line,text,owner,due}]}; `line` is 1-based in the current text."""
    return extract_register(current_text(workshop))


def action_at(workshop: Workshop, line: int) -> dict:
    """The register action on that line of the current minutes (e.g. to promote it). Raises NotFound."""
    for action in register(workshop)["actions"]:
        if action["line"] == line:
            return action
    raise NotFound(_("Aucune action à la ligne %(line)s du compte rendu.", line=line))


def minutes_markdown_html(actor: Actor) -> dict:
    """{markdown, html (sanitized), decisions, actions, phase}; the html is rendered once per version."""
    workshop = actor.workshop
    text, phase = current_text(workshop), workshop.phase
    return {"markdown": text, "html": minutes_html(workshop.id, text), **extract_register(text), "phase": phase}


def compact_minutes(workshop: Workshop) -> int:
    """Fold every row of the workshop's minutes into one; returns how many rows were replaced."""
    with transaction():
        locked = lock_workshop(workshop.id)
        loaded = document.load(locked.id)
        if loaded.rows > 1:
            document.fold(locked.id, loaded)
    return loaded.rows if loaded.rows > 1 else 0


def ensure_template(workshop: Workshop) -> None:
    """Write the opening template once, as a normal update, under the workshop lock."""
    if workshop.phase == "closed" or _has_rows(workshop.id):
        return
    with transaction():
        locked = lock_workshop(workshop.id)
        if not _has_rows(locked.id):
            doc = document.new_doc()
            doc[ROOT] += opening_template(locked)
            db.session.add(MinutesUpdate(workshop_id=locked.id, data=doc.get_update()))


def _has_rows(workshop_id: int) -> bool:
    return bool(db.session.scalar(select(func.count(MinutesUpdate.id)).filter_by(workshop_id=workshop_id)))


def sync_minutes(actor: Actor) -> dict:
    """{state: base64 update of the whole document, phase, editable, editors, locked, scribes}; pre-fills an
    empty document once. `editable`: whether this actor may write now (access.py)."""
    ensure_template(actor.workshop)
    workshop = db.session.get(Workshop, actor.workshop.id)
    state = document.load(workshop.id).doc.get_update()
    return {"state": b64encode(state), "phase": workshop.phase, **permissions_for(workshop, actor)}


def decode_update(value) -> bytes:
    """The raw bytes of a base64 update. Raises Invalid, TooLarge."""
    if not isinstance(value, str) or not value:
        raise Invalid(_("« update » doit être une mise à jour Yjs encodée en base64."), field="update")
    if len(value) > (MAX_UPDATE_BYTES * 4) // 3 + 4:
        raise TooLarge(_("Modification trop volumineuse (max %(max)s Ko).", max=MAX_UPDATE_BYTES // 1024), field="update")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("« update » n'est pas du base64 valide."), field="update") from None


def _apply_checked(loaded: Loaded, update: bytes) -> bool:
    """Apply a client's update to the freshly loaded document; False if it changed nothing. Raises Invalid,
    TooLarge. A limit refuses only what adds to the document: deleting stays possible."""
    text, changes = loaded.text, []
    before, state = len(str(text)), loaded.doc.get_state()
    subscription = text.observe(lambda event: changes.extend(event.delta))
    try:
        loaded.doc.apply_update(update)
        roots = set(loaded.doc.keys())
    except BaseException as exc:
        # pyo3 reports a Rust panic as PanicException, a BaseException; let gevent's own exits through.
        if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
            raise Invalid(_("Mise à jour Yjs illisible."), field="update") from None
        raise
    finally:
        text.unobserve(subscription)
    if roots != {ROOT}:
        raise Invalid(_("Seul le texte « %(root)s » peut être modifié.", root=ROOT), field="update")
    if not all(_plain(change) for change in changes):
        raise Invalid(_("Le compte rendu est du texte brut : ni mise en forme ni objet incorporé."), field="update")
    after = len(str(text))
    if after > MAX_CHARS and after > before:
        raise TooLarge(_("Le compte rendu dépasserait %(max)s caractères.", max=format_decimal(MAX_CHARS)))
    added = loaded.doc.get_state() != state  # new items (deleting adds none)
    if added and len(loaded.doc.get_update()) > MAX_STATE_BYTES:
        limit = format_decimal(round(MAX_STATE_BYTES / 2**20, 2))
        raise TooLarge(_("Le compte rendu dépasserait %(limit)s Mo avec l'historique de ses modifications.", limit=limit))
    return added or bool(changes)


def _plain(change: dict) -> bool:
    """What the editor sends: text inserted or deleted, never formatting nor an embedded object."""
    return not change.get("attributes") and isinstance(change.get("insert", ""), str)


def apply_update(actor: Actor, value, client_id: str | None = None) -> dict:
    """Persist one Yjs update from an editor → {}, or {unchanged: True} when the document already had all of it
    (nothing stored, nothing to relay). Raises Forbidden (who may not write: nothing stored or relayed),
    Invalid, TooLarge, PhaseError; relay is the caller's job. Takes a version first when it is time (history.py)."""
    update = decode_update(value)

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        require_writer(workshop, actor)
        loaded = document.load(workshop.id)
        before = str(loaded.text)
        if not _apply_checked(loaded, update):
            return {"unchanged": True}
        history.before_edit(workshop, before, len(str(loaded.text)), history.author_of(actor))
        document.persist(workshop.id, loaded, update)
        return {}

    return run_command(actor, client_id, apply)


def insert_results(actor: Actor, client_id: str | None = None) -> dict:
    """Append the vote ranking, as every participant may see it, to the minutes → {update} (relayed after commit).
    Raises Forbidden, PhaseError (also while tallies are hidden from participants), TooLarge."""
    require_facilitator(actor, _("insérer les résultats du vote"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        reader = Actor(workshop=workshop)  # any participant: the minutes are written for the whole room
        if tallies_hidden(workshop.phase, workshop.settings, reader.viewer()):
            raise PhaseError(TALLIES_HIDDEN)
        rows = ranking(reader)
        loaded = document.load(workshop.id)
        before = loaded.doc.get_state()
        mj = workshop.settings.get("vote_method") == "majority_judgment"
        table = results_markdown(rows, zone_name=zone_name_of(workshop.settings), majority=mj)
        loaded.text.insert(len(loaded.text), table)
        if len(str(loaded.text)) > MAX_CHARS:
            raise TooLarge(_("Le compte rendu est trop long pour y ajouter les résultats."))
        update = b64encode(loaded.doc.get_update(before))
        document.persist(workshop.id, loaded, loaded.doc.get_update(before))
        minutes_edited(workshop.id, update)  # relayed to every editor after commit
        return {"update": update}

    return run_command(actor, client_id, apply)


EXPORTS = ("md", "html", "odt")


def minutes_title(workshop: Workshop) -> str:
    return f"Compte rendu — {workshop.title}"


def export_minutes(actor: Actor, fmt: str) -> tuple[str | bytes, str, str]:
    """(body, mimetype, filename): the minutes followed by their register, as Markdown, ODT or, for `html`,
    the sanitised HTML that the blueprint's printable page wraps. Raises Invalid."""
    if fmt not in EXPORTS:
        raise Invalid(_("« format » doit valoir md, html ou odt."), field="format")
    workshop = actor.workshop
    text = fill_attendance(current_text(workshop), workshop)  # who really came, as of now
    source = text + register_markdown(extract_register(text))
    title, filename = minutes_title(workshop), f"compte-rendu-{workshop.code}.{fmt}"
    if fmt == "md":
        body = source
    elif fmt == "html":
        body = export_html(source)
    else:
        body = export_odt(source, title)
    return body, MIMETYPES[fmt], filename
