"""Render bench results as Markdown, with each target checked, into docs/performance.md."""

import datetime
import os
import platform
import subprocess
from pathlib import Path

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGETS = {"fanout_ratio": 1.3, "rss_kb": 200, "converge_ms": 1000, "tally_fps": 20}


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in _lines("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = next((int(ln.split()[1]) for ln in _lines("/proc/meminfo") if ln.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "ram_gib": round(mem / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit or "?",
        "loadavg_start": os.getloadavg(),
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _ms(v) -> str:
    return "—" if v is None else f"{v:.1f}"


def _ok(flag: bool) -> str:
    return "✅" if flag else "❌"


def render(r: dict) -> str:
    m = r["machine"]
    load = ", ".join(f"{x:.1f}" for x in m["loadavg_start"])
    out = [
        f"Run of {m['date']} — commit {m['commit']}, {m['nproc']} CPU ({m['cpu']}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}; load average at start {load}; whole run {r.get('duration_s', 0):.0f} s.",
        "",
    ]
    out += _fanout(r) + _votes(r.get("votes")) + _minutes(r.get("minutes"))
    return "\n".join(out)


def _fanout(r: dict) -> list[str]:
    if not r.get("fanout") and not r.get("cluster"):
        return []
    out = [
        "### Idea fan-out (emit → every receiver's `event`)",
        "",
        "| N | processes | posts | p50 ms | p95 ms | p99 ms | relay p95 ms | p95 ratio | lost | RSS/participant KB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    relays = {x["n"]: x for x in r.get("relay", [])}
    for f in [*r.get("fanout", []), *([r["cluster"]] if r.get("cluster") else [])]:
        relay = relays.get(f["n"]) if f["processes"] == 1 else f.get("relay")
        ratio = f"{f['p95'] / relay['p95']:.2f}" if relay and relay["p95"] else "—"
        out.append(
            f"| {f['n']} | {f['processes']} | {f['posts']} | {_ms(f['p50'])} | {_ms(f['p95'])} | {_ms(f['p99'])} | "
            f"{_ms(relay['p95']) if relay else '—'} | {ratio} | {f['lost']} | {f['rss_per_peer_kb']:.0f} |"
        )
    out += [
        "",
        "Bare relay (bench/relay_server.py, one process), same run:",
        "",
        "| N | p50 ms | p95 ms | p99 ms | lost | RSS/client KB |",
    ]
    out.append("| --- | --- | --- | --- | --- | --- |")
    floors = [*r.get("relay", []), *([r["cluster"]["relay"]] if (r.get("cluster") or {}).get("relay") else [])]
    for x in floors:
        out.append(
            f"| {x['n']} | {_ms(x['p50'])} | {_ms(x['p95'])} | {_ms(x['p99'])} | {x['lost']} | {x['rss_per_peer_kb']:.0f} |"
        )
    return [*out, "", *_fanout_targets(r), ""]


def _fanout_targets(r: dict) -> list[str]:
    out = ["Targets:", ""]
    f500 = next((f for f in r.get("fanout", []) if f["n"] == 500), None)
    relay500 = next((x for x in r.get("relay", []) if x["n"] == 500), None)
    if f500 and relay500:
        ratio = f500["p95"] / relay500["p95"]
        out.append(
            f"- {_ok(ratio <= TARGETS['fanout_ratio'] and f500['lost'] == 0)} N = 500 on one process: "
            f"p95 {ratio:.2f} × the relay's (target ≤ 1.3), {f500['lost']} lost (target 0)"
        )
        rss = f500["rss_per_peer_kb"]
        out.append(
            f"- {_ok(rss <= TARGETS['rss_kb'])} memory: {rss:.0f} KB RSS per connected participant (target ≤ 200)"
        )
    if r.get("cluster"):
        c = r["cluster"]
        out.append(f"- {_ok(c['lost'] == 0)} {c['n']} participants across 2 processes: {c['lost']} lost (target 0)")
    return out


def _votes(v: dict | None) -> list[str]:
    if not v:
        return []
    conv = v["converge_after_last_ack_ms"]
    return [
        f"### Vote storm ({v['n']} participants × 5 dots, one process)",
        "",
        "| votes acked | refused | votes/s | storm s | converged clients | last ack → all final ms "
        "| max tally frames/client/s | server CPU % | lost or extra |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {v['votes']} | {v['refused']} | {v['votes_per_s']:.0f} | {v['storm_s']:.1f} | {v['converged']}/{v['n']} | "
        f"{_ms(conv)} | {v['max_tally_frames_per_s']} | {v['server_cpu_pct']:.0f} | {v['lost_or_extra']} |",
        "",
        f"- {_ok(conv is not None and v['converged'] == v['n'] and conv <= TARGETS['converge_ms'])} every client "
        "converged within 1 s of the last ack",
        f"- {_ok(v['max_tally_frames_per_s'] <= TARGETS['tally_fps'])} ≤ 20 tally frames per client per second",
        f"- {_ok(v['lost_or_extra'] == 0 and v['refused'] == 0)} 0 lost or extra votes against the snapshot",
        "",
    ]


def _minutes(m: dict | None) -> list[str]:
    if not m:
        return []
    return [
        f"### Minutes co-editing ({m['typists']} typists, ≤ 5 keystrokes/s each)",
        "",
        "| updates | acked/s | ack p50 / p95 ms | relay p50 / p95 / p99 ms | relayed / expected | chars lost "
        "| every copy equals the server's |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {m['updates']} | {m['updates_per_s']:.0f} | {_ms(m['ack']['p50'])} / {_ms(m['ack']['p95'])} | "
        f"{_ms(m['relay']['p50'])} / {_ms(m['relay']['p95'])} / {_ms(m['relay']['p99'])} | "
        f"{m['relayed']} / {m['relay_expected']} | {m['chars_lost']} | {'yes' if m['all_docs_equal_server'] else 'NO'} |",
        "",
    ]


def write_docs(path: Path, text: str) -> None:
    doc = path.read_text() if path.exists() else f"# Performance\n\n{START}\n{END}\n"
    head, rest = doc.split(START, 1) if START in doc else (doc + "\n", END)
    tail = rest.split(END, 1)[1] if END in rest else ""
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}")
