"""The minutes as HTML: rendered once per version of the text, shared by every reader, off the event loop.

Every open editor fetches the preview after a change, so one version is asked for by
many readers at once: the first one renders it, the others wait for that render (one
render at a time per workshop) and read it from the cache, keyed by the text itself.
A render runs in a native thread (app/lib/offload.py) and holds no transaction: on
SQLite a transaction holds the write lock, and every writer would wait for the render.
Rendering itself is linear in the text (app/lib/bounded_markdown.py).
"""

import hashlib
import threading

from app.lib.minutes_odt import to_odt
from app.lib.minutes_text import render_markdown
from app.lib.offload import off_loop
from models import db

# Rendered versions kept, all workshops together. A 200,000-character text renders to ~0.3 MB, but some
# shapes (`>` runs) to ~5 MB: the total is bounded too. Re-rendering an evicted version is cheap, as its
# pieces stay cached (app/lib/minutes_text.py).
CACHED_VERSIONS = 16
CACHED_CHARS = 8_000_000

_rendered: dict[bytes, str] = {}
_guard = threading.Lock()  # _rendered's own updates
_renders = [threading.Lock() for _ in range(16)]  # one render at a time per workshop (hashed)


def _key(source: str) -> bytes:
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def minutes_html(workshop_id: int, source: str) -> str:
    """The sanitized HTML of `source`, the current text of this workshop's minutes."""
    key = _key(source)
    html = _rendered.get(key)
    if html is not None:
        return html
    release_transaction()
    with _renders[workshop_id % len(_renders)]:
        html = _rendered.get(key)
        if html is None:
            html = off_loop(render_markdown, source)
            _remember(key, html)
    return html


def _remember(key: bytes, html: str) -> None:
    with _guard:
        _rendered[key] = html
        while len(_rendered) > 1 and (
            len(_rendered) > CACHED_VERSIONS or sum(map(len, _rendered.values())) > CACHED_CHARS
        ):
            del _rendered[next(iter(_rendered))]  # the oldest


def export_html(source: str) -> str:
    """render_markdown for an export (its pieces mostly cached by the previews), off the event loop."""
    release_transaction()
    return off_loop(render_markdown, source)


def export_odt(source: str, title: str) -> bytes:
    """to_odt off the event loop."""
    release_transaction()
    return off_loop(to_odt, source, title)


def release_transaction() -> None:
    """End a read-only transaction before a long computation: what was read stays usable (reloaded on access).
    A transaction that wrote something is left to its owner."""
    session = db.session
    if not (session.new or session.dirty or session.deleted or session.info.get("flushed")):
        session.rollback()
