"""The board page's weight and its time to interactive on a throttled phone network (issue 15).

A Fabrique server (SQLite, rate limits off) with a room-size workshop: 40 participants joined through
the API, 120 ideas, phase `vote`. A participant's phone (Chromium, 360×740, touch) joins through the
page, then loads the board with an empty cache on a DevTools "Slow 4G" profile (CDP
Network.emulateNetworkConditions: 562.5 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, as Chrome's
preset) and a 4× slower CPU (Emulation.setCPUThrottlingRate). Measured, once with compression and
once without (FABRIQUE_COMPRESS=off):

- bytes on the wire (CDP encodedDataLength, headers included) and bytes decoded, per resource type;
- DOMContentLoaded, load, and *interactive*: the board connected and up to date
  (`connection-status` at `connected`) with its vote buttons in place — the moment a participant can
  act — all from navigation start.

    python -m bench.page [--no-docs]

Writes its table between the bench:page markers of docs/performance.md; `make bench` runs it too.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.server import ROOT, LiveServer

START, END = "<!-- bench:page:start -->", "<!-- bench:page:end -->"
SLOW_4G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6e6 / 8 * 0.9,
    "uploadThroughput": 750e3 / 8 * 0.9,
}
CPU_SLOWDOWN = 4
RUNS = 3


def fill(server: LiveServer, people: int = 40, ideas: int = 120) -> str:
    """A workshop at room size, in the vote; returns its code."""
    w = server.create_workshop(title="Mesure du tableau", settings={"private_brainstorm": False})
    code, columns = w["code"], [c["id"] for c in w["columns"]]
    fac = server.client(code, server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    http = requests.Session()
    tokens = [server.join(code, f"Personne {i + 1:02d}", "remote" if i % 3 == 0 else "room") for i in range(people)]
    for i in range(ideas):
        body = {
            "column_id": columns[i % len(columns)],
            "text": f"Idée n°{i + 1} : une navette solidaire entre les sites",
        }
        r = http.post(
            f"{server.url}/api/v1/workshops/{code}/ideas",
            json=body,
            headers=server.auth(tokens[i % people]),
            timeout=10,
        )
        r.raise_for_status()
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    fac.close()
    return code


def load_board(browser, server: LiveServer, code: str) -> dict:
    """Join on a fresh phone, then load the board cold on Slow 4G; the figures of that load."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(f"{server.url}/join/{code}")
    page.get_by_test_id("join-name").fill("Mesure")
    page.get_by_test_id("join-submit").click()
    page.wait_for_url(f"**/w/{code}")
    page.goto("about:blank")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    types: dict[str, str] = {}
    wire: dict[str, int] = {}
    decoded: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.dataReceived",
        lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0) + e["dataLength"]),
    )
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(f"{server.url}/w/{code}", wait_until="commit")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=connection-status]')?.dataset.state === 'connected'"
        " && document.querySelectorAll('[data-testid=vote-button]').length > 0",
        timeout=120_000,
        polling=50,
    )
    interactive = page.evaluate("performance.now()")
    page.wait_for_load_state("load")
    nav = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; })()"
    )
    time.sleep(0.5)  # the last loadingFinished events
    context.close()
    by_type: dict[str, list[int]] = {}
    for rid, size in wire.items():
        kind = types.get(rid, "Other")
        total = by_type.setdefault(kind, [0, 0, 0])
        total[0] += 1
        total[1] += size
        total[2] += decoded.get(rid, 0)
    return {
        "interactive_ms": interactive,
        "dcl_ms": nav["dcl"],
        "load_ms": nav["load"],
        "wire": sum(wire.values()),
        "decoded": sum(decoded.values()),
        "requests": len(wire),
        "by_type": by_type,
    }


def measure(workdir: Path, compress: bool) -> dict:
    from playwright.sync_api import sync_playwright

    env = {"FABRIQUE_RATE_LIMITS": "off", "FABRIQUE_COMPRESS": "on" if compress else "off"}
    server = LiveServer(workdir / ("compressed" if compress else "plain"), env=env)
    server.workdir.mkdir(parents=True, exist_ok=True)
    server.start()
    try:
        code = fill(server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
            )
            runs = [load_board(browser, server, code) for _ in range(RUNS)]
            browser.close()
    finally:
        server.stop()
    runs.sort(key=lambda r: r["interactive_ms"])
    return {"compress": compress, **runs[len(runs) // 2], "runs": [r["interactive_ms"] for r in runs]}


def render(results: list[dict]) -> str:
    kb = lambda n: f"{n / 1024:.0f}"  # noqa: E731
    out = [
        f"Board page of a participant's phone (360×740), workshop of 40 people and 120 ideas in the vote; "
        f"Slow 4G (562.5 ms RTT, 1.6 Mbit/s down) and CPU ÷ {CPU_SLOWDOWN}; empty cache; median of {RUNS} loads "
        f"(run of {time.strftime('%Y-%m-%d %H:%M %Z')}).",
        "",
        "| served | requests | on the wire KB | decoded KB | DOMContentLoaded s | load s | interactive s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        label = "compressed (brotli)" if r["compress"] else "uncompressed"
        out.append(
            f"| {label} | {r['requests']} | {kb(r['wire'])} | {kb(r['decoded'])} | {r['dcl_ms'] / 1000:.1f} | "
            f"{r['load_ms'] / 1000:.1f} | {r['interactive_ms'] / 1000:.1f} |"
        )
    out += ["", "By resource type, compressed (requests, KB on the wire / decoded):", ""]
    for kind, (n, w, d) in sorted(results[0]["by_type"].items(), key=lambda kv: -kv[1][1]):
        out.append(f"- {kind}: {n}, {kb(w)} / {kb(d)} KB")
    return "\n".join(out)


def write_docs(path: Path, text: str) -> None:
    doc = path.read_text()
    if START not in doc:
        doc = doc.rstrip() + f"\n\n## Board page weight and time to interactive\n\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}")


def run(docs: bool = True) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-page-"))
    results = [measure(workdir, True), measure(workdir, False)]
    text = render(results)
    if docs:
        write_docs(ROOT / "docs" / "performance.md", text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    args = parser.parse_args()
    print(run(docs=not args.no_docs))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
