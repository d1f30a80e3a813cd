"""Browser helpers for the accessibility and privacy tests: axe-core served from node_modules, request recording."""

import sqlite3
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 3).join(' '))
})))"""


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now.

    evaluate() runs in the page without going through its CSP, so the strict
    script-src 'self' of every page stays on while axe is injected."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text())
    return [v for v in page.evaluate(_AXE_RUN) if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


class RequestLog:
    """Every URL a page asks for (HTTP and WebSocket), to prove nothing leaves the server's origin."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.urls: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def foreign(self) -> list[str]:
        ws_origin = self.origin.replace("http://", "ws://", 1)
        allowed = (self.origin + "/", ws_origin + "/", "data:", "blob:")
        return [u for u in self.urls if not u.startswith(allowed)]


def add_territory(live_server, name: str) -> None:
    """Roadmaps need a territory; the live server's SQLite file is ours to seed."""
    with sqlite3.connect(live_server.workdir / "live.db") as conn:
        conn.execute(
            "INSERT INTO territories (name, kind, cities) SELECT ?, 'ept', '[\"Ivry-sur-Seine\"]' "
            "WHERE NOT EXISTS (SELECT 1 FROM territories WHERE name = ?)",
            (name, name),
        )


def api(live_server, method: str, path: str, token: str, **kwargs) -> dict:
    r = requests.request(method, live_server.url + path, headers=live_server.auth(token), timeout=10, **kwargs)
    assert r.status_code < 400, (path, r.status_code, r.text[:300])
    return r.json() if r.content else {}


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus; fails if the keyboard never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => { const a = document.activeElement; return !!a && a.matches(s); }", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key in {limit} presses")
