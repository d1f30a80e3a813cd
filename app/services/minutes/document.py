"""The minutes document itself: a pycrdt Doc rebuilt from its append-only update log (one MinutesUpdate row
per accepted Yjs update), and the folding of that log into one row.

Every accepted Yjs update is one row, committed before the ack, so a restart loses nothing acknowledged. From
time to time the rows read are replaced by one row holding the whole document state: that update carries the
same item ids as the history it replaces, so a client still holding the old history merges it without
duplicating anything.
"""

import base64

from pycrdt import Doc, Text
from sqlalchemy import delete, select

from models import MinutesUpdate, db

ROOT = "minutes"
COMPACT_AFTER = 100  # rows: rebuilding the document per update stays a few milliseconds


class Loaded:
    """The document rebuilt from the rows, and which rows it was built from."""

    def __init__(self, doc: Doc, last_id: int, rows: int):
        self.doc, self.last_id, self.rows = doc, last_id, rows

    @property
    def text(self) -> Text:
        return self.doc[ROOT]


def new_doc() -> Doc:
    doc = Doc()
    doc[ROOT] = Text()
    return doc


def load(workshop_id: int) -> Loaded:
    doc, last_id, count = new_doc(), 0, 0
    stmt = select(MinutesUpdate.id, MinutesUpdate.data).filter_by(workshop_id=workshop_id).order_by(MinutesUpdate.id)
    for row_id, data in db.session.execute(stmt):
        doc.apply_update(data)
        last_id, count = row_id, count + 1
    return Loaded(doc, last_id, count)


def persist(workshop_id: int, loaded: Loaded, update: bytes) -> None:
    """Append the update; past the threshold, fold the rows read (and the update) into one instead."""
    if loaded.rows + 1 < COMPACT_AFTER:
        db.session.add(MinutesUpdate(workshop_id=workshop_id, data=update))
    else:
        fold(workshop_id, loaded)


def fold(workshop_id: int, loaded: Loaded) -> None:
    """Replace the rows the document was loaded from by its merged state (only those: a concurrent
    writer's newer row stays, and applying both is idempotent)."""
    db.session.execute(
        delete(MinutesUpdate).where(MinutesUpdate.workshop_id == workshop_id, MinutesUpdate.id <= loaded.last_id)
    )
    db.session.add(MinutesUpdate(workshop_id=workshop_id, data=loaded.doc.get_update(), compacted=True))


def edit(workshop_id: int, loaded: Loaded, target: str) -> bytes | None:
    """Turn the loaded document's text into `target` with one server edit (only the span that differs is
    replaced, so other people's cursors and unchanged text keep their identity); store it and return the
    Yjs update, or None when the text is already `target`."""
    text = loaded.text
    current = str(text)
    if current == target:
        return None
    start = 0
    limit = min(len(current), len(target))
    while start < limit and current[start] == target[start]:
        start += 1
    end = 0
    while end < limit - start and current[-1 - end] == target[-1 - end]:
        end += 1
    before = loaded.doc.get_state()
    at, stop = _offset(current, start), _offset(current, len(current) - end)  # pycrdt counts UTF-8 bytes
    with loaded.doc.transaction():
        if stop > at:
            del text[at:stop]
        if len(target) - end > start:
            text.insert(at, target[start : len(target) - end])
    update = loaded.doc.get_update(before)
    persist(workshop_id, loaded, update)
    return update


def _offset(text: str, chars: int) -> int:
    """The index pycrdt's Text uses (UTF-8 bytes) of the position after `chars` characters."""
    return len(text[:chars].encode("utf-8", "surrogatepass"))


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
