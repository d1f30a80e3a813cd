"""`make bench`: start the servers, drive them from this one asyncio process,
write the figures to docs/performance.md (between its bench markers) and to
instance/bench/results.json.

Everything runs on 127.0.0.1: a scratch PostgreSQL database (created and
dropped here), a private redis-server on a free port, Fabrique processes with
FABRIQUE_RATE_LIMITS=off, and the bare relay (bench/relay_server.py).
Single-process runs pin the server to CPU 0 and this load generator to CPU 1.

    python -m bench.run [--quick] [--no-docs] [--only fanout,votes,minutes,cluster,page] [--profile DIR]

`page` (bench/page.py) loads the board page on a throttled phone and writes its own section.

--profile samples the single Fabrique process with py-spy (collapsed stacks in DIR).
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import fanout, page, report, scenarios
from bench.clients import Api
from tests.cluster import RedisServer, ScratchDatabase, wait_port
from tests.server import EMAIL, PASSWORD, ROOT, LiveServer, free_port

FULL = {"fanout": [(50, 60), (200, 60), (500, 120)], "cluster": (1000, 20), "votes": 300, "typists": 30}
QUICK = {"fanout": [(50, 10), (200, 10)], "cluster": (200, 5), "votes": 60, "typists": 10}
SERVER_CPU, LOADGEN_CPU = {0}, {1}


def proc_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(pid: int, cpus: set[int] | None) -> None:
    if cpus is None or (os.cpu_count() or 1) < 2:
        cpus = set(range(os.cpu_count() or 1))
    os.sched_setaffinity(pid, cpus)


class Relay:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / "relay.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.relay_server", str(self.port)], cwd=ROOT, stdout=self.log, stderr=self.log
        )
        wait_port(self.port, 30, "relay server")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def fabrique(workdir: Path, name: str, env: dict, migrate: bool) -> LiveServer:
    (workdir / name).mkdir()
    server = LiveServer(workdir / name, {"FABRIQUE_RATE_LIMITS": "off", "SECRET_KEY": "bench-secret", **env})
    server.start(migrate=migrate)
    return server


def profiler(pid: int, where: Path | None) -> subprocess.Popen | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if where is None or not Path(spy).exists():
        return None
    where.mkdir(parents=True, exist_ok=True)
    out = where / f"fabrique-{pid}.txt"
    log(f"profiling server pid {pid} into {out}")
    cmd = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--nonblocking", "-o", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def paired_fanout(out: dict, api: Api, server: LiveServer, relay: Relay, n: int, posts: int) -> None:
    log(f"fan-out N={n}: relay and Fabrique, alternating posts")
    rooms = [
        await fanout.relay_room(relay.url, n, lambda: proc_rss_kb(relay.proc.pid)),
        await fanout.fabrique_room(api, [server.url], n, lambda: proc_rss_kb(server.proc.pid)),
    ]
    r, f = await fanout.alternate(rooms, posts)
    for room in rooms:
        await room.close()
    out["relay"].append(r)
    out["fanout"].append({**f, "processes": 1})
    log(f"  relay p95 {r['p95']:.1f} ms, fabrique p95 {f['p95']:.1f} ms, lost {f['lost']}")


async def single_process(plan: dict, workdir: Path, db_url: str, only: set[str], profile: Path | None) -> dict:
    out: dict = {"fanout": [], "relay": []}
    server = fabrique(workdir, "single", {"DATABASE_URL": db_url}, migrate=True)
    relay = Relay(workdir)
    spy = profiler(server.proc.pid, profile)
    pin(server.proc.pid, SERVER_CPU)
    pin(relay.proc.pid, SERVER_CPU)
    pin(0, LOADGEN_CPU)
    try:
        async with Api(server.url, EMAIL, PASSWORD) as api:
            if "fanout" in only:
                for n, posts in plan["fanout"]:
                    await paired_fanout(out, api, server, relay, n, posts)
            if "votes" in only:
                log(f"vote storm: {plan['votes']} participants × 5 dots")
                out["votes"] = await scenarios.vote_storm(
                    api, server.url, plan["votes"], 10, 5, lambda: proc_cpu_s(server.proc.pid)
                )
                log(f"  {out['votes']}")
            if "minutes" in only:
                log(f"minutes: {plan['typists']} typists")
                out["minutes"] = await scenarios.minutes_coedit(api, server.url, plan["typists"], 40, 5.0)
                log(f"  {out['minutes']}")
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        server.stop()
        relay.stop()
        pin(0, None)
    return out


async def two_processes(plan: dict, workdir: Path, db_url: str) -> dict:
    n, posts = plan["cluster"]
    # The floor at this N: one relay process, the same load generator (which is the limit here).
    relay = Relay(workdir)
    try:
        log(f"fan-out N={n}: relay (one process)")
        room = await fanout.relay_room(relay.url, n, lambda: proc_rss_kb(relay.proc.pid))
        (floor,) = await fanout.alternate([room], posts)
        await room.close()
    finally:
        relay.stop()
    redis = RedisServer(workdir)
    redis.start()
    env = {"DATABASE_URL": db_url, "SOCKETIO_MESSAGE_QUEUE": redis.url}
    a = fabrique(workdir, "node-a", env, migrate=False)
    b = fabrique(workdir, "node-b", env, migrate=False)
    try:
        log(f"fan-out N={n} across 2 processes (Redis)")
        async with Api(a.url, EMAIL, PASSWORD) as api:
            rss = lambda: proc_rss_kb(a.proc.pid) + proc_rss_kb(b.proc.pid)  # noqa: E731
            room = await fanout.fabrique_room(api, [a.url, b.url], n, rss)
            (result,) = await fanout.alternate([room], posts)
            await room.close()
        log(f"  relay p95 {floor['p95']:.1f} ms, fabrique p95 {result['p95']:.1f} ms, lost {result['lost']}")
        return {**result, "processes": 2, "relay": floor}
    finally:
        a.stop()
        b.stop()
        redis.kill()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N, for a smoke run")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--only", default="fanout,votes,minutes,cluster,page")
    parser.add_argument("--profile", type=Path, help="py-spy the single Fabrique process into this directory")
    args = parser.parse_args()
    only = set(args.only.split(","))
    plan = QUICK if args.quick else FULL
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    results = {"machine": report.machine(), "plan": plan, "quick": args.quick}
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
    database = ScratchDatabase(prefix="fabrique_bench")
    started = time.monotonic()
    try:
        results.update(asyncio.run(single_process(plan, workdir, database.url, only, args.profile)))
        if "cluster" in only:
            results["cluster"] = asyncio.run(two_processes(plan, workdir, database.url))
    finally:
        database.drop()
    results["duration_s"] = time.monotonic() - started
    results["machine"]["loadavg_end"] = os.getloadavg()
    out = ROOT / "instance" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    text = report.render(results)
    print(text)
    if not args.no_docs and not args.quick:
        report.write_docs(ROOT / "docs" / "performance.md", text)
        log("docs/performance.md updated")
    if "page" in only:
        log("board page: weight and time to interactive on Slow 4G")
        print(page.run(docs=not args.no_docs and not args.quick))
    log(f"done in {results['duration_s']:.0f} s; logs in {workdir}")


if __name__ == "__main__":
    main()
