"""Helpers for multi-process tests and the benchmark: a private PostgreSQL
database, a private redis-server, nginx from deploy/nginx.conf.template."""

import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.server import ROOT, LiveServer, free_port

PG_ADMIN_URL = os.environ.get("FABRIQUE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MUST_RUN = bool(os.environ.get("CI") or os.environ.get("FABRIQUE_TEST_POSTGRES"))


def missing(what: str, exc: Exception | str) -> None:
    """Fail in CI (the services are part of the platform there), skip on a bare laptop."""
    message = f"{what} is required for the cluster tests but unavailable: {exc}"
    if MUST_RUN:
        pytest.fail(message)
    pytest.skip(message)


class ScratchDatabase:
    """A fresh database on the shared PostgreSQL server, dropped by `drop()`."""

    def __init__(self, prefix: str = "fabrique_cluster_test"):
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@contextmanager
def server_on(
    backend: str, workdir: Path, env: dict | None = None
) -> Iterator[tuple[LiveServer, "ScratchDatabase | None"]]:
    """A server process of its own on SQLite, or on a scratch PostgreSQL database dropped afterwards:
    (server, database or None)."""
    env, database = dict(env or {}), None
    if backend == "postgresql":
        try:
            database = ScratchDatabase(f"fabrique_{workdir.name.replace('-', '_')[:40]}")
        except Exception as exc:  # noqa: BLE001 — any driver error means "no PostgreSQL here"
            missing("PostgreSQL", exc)
        env["DATABASE_URL"] = database.url
    live = LiveServer(workdir, env)
    try:
        live.start()
        yield live, database
    finally:
        live.stop()
        if database is not None:
            database.drop()


class RedisServer:
    """Our own redis-server on a free port, so killing it disturbs nobody else."""

    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise FileNotFoundError("redis-server not installed")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        cmd += ["--daemonize", "no", "--dir", str(self.workdir)]
        log = open(self.workdir / f"redis-{self.port}.log", "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log)
        wait_port(self.port, 10, f"redis-server on {self.port}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Nginx:
    """nginx in the foreground with deploy/nginx.conf.template and its own run dir."""

    def __init__(self, workdir: Path, backends: list[int]):
        self.binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if self.binary is None:
            raise FileNotFoundError("nginx not installed")
        self.run = workdir / f"nginx-{uuid.uuid4().hex[:6]}"
        self.run.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in backends)
        conf = (ROOT / "deploy" / "nginx.conf.template").read_text()
        conf = conf.replace("@@RUN@@", str(self.run)).replace("@@LISTEN@@", f"127.0.0.1:{self.port}")
        (self.run / "nginx.conf").write_text(conf.replace("@@SERVERS@@\n", servers))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = [self.binary, "-p", str(self.run), "-c", str(self.run / "nginx.conf"), "-e", str(self.run / "error.log")]
        self.proc = subprocess.Popen([*args, "-g", "daemon off;"], stderr=subprocess.PIPE)
        wait_port(self.port, 10, "nginx")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def timed(fn, give_up: float):
    """(seconds, result) of `fn()`; an exception, or a call slower than `give_up`, counts as `give_up`."""
    start = time.monotonic()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 — a timeout or a dropped connection is a slow answer
        return give_up, exc
    return min(time.monotonic() - start, give_up), result


def wait_port(port: int, timeout: float, what: str) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


def wait_until(predicate, timeout: float = 10.0, what: str = "condition"):
    """Poll a cheap predicate on data the client threads fill in; returns its first truthy value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def idea_events(client) -> dict[int, dict]:
    """seq -> envelope of the idea.created events a client received (duplicates by seq collapse)."""
    return {e["seq"]: e for e in list(client.events) if e["type"] == "idea.created"}


def online_names(client) -> set[str]:
    return {p["name"] for p in client.presence[-1]["online"]} if client.presence else set()


def close_all(clients) -> None:
    """Close clients in parallel: each websocket-client close may wait seconds for the close frame."""
    threads = [threading.Thread(target=c.close) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)


def get_json(url: str, token: str) -> dict:
    r = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    r.raise_for_status()
    return r.json()
