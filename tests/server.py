"""A real Fabrique server process and helpers to drive it through the contract."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "live@fabrique.test", "motdepasse-live"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, workdir: Path, env: dict | None = None, port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'live.db'}",
            "FABRIQUE_INSTANCE": str(workdir / "instance"),
            "PORT": str(self.port),
            "FABRIQUE_PASSWORD": PASSWORD,
            **(env or {}),
        }
        self.proc: subprocess.Popen | None = None

    def flask(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, migrate: bool = True) -> None:
        if migrate:
            self.flask("db", "upgrade")
            self.flask("facilitator", "create", EMAIL, "--name", "Animatrice Live")
        log = open(self.workdir / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start; see {log.name}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def kill(self) -> None:
        if self.proc:
            self.proc.kill()
            self.proc.wait()

    # --- contract helpers -------------------------------------------------
    def token(self) -> str:
        # Cached: each login hashes the password (~1 s), and tokens live for days.
        if getattr(self, "_token", None) is None:
            r = requests.post(self.url + "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}, timeout=10)
            r.raise_for_status()
            self._token = r.json()["token"]
        return self._token

    def create_workshop(self, **fields) -> dict:
        body = {"title": "Atelier live", "theme": "jo2024", **fields}
        r = requests.post(self.url + "/api/v1/workshops", json=body, headers=self.auth(self.token()), timeout=10)
        r.raise_for_status()
        return r.json()

    def join(self, code: str, name: str = "Alice", attendance: str = "room") -> str:
        r = requests.post(
            f"{self.url}/api/v1/workshops/{code}/participants",
            json={"name": name, "attendance": attendance},
            timeout=10,
        )
        r.raise_for_status()
        return r.json()["token"]

    @staticmethod
    def auth(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    def client(self, code: str, token: str) -> "Client":
        c = Client()
        c.sio.connect(self.url, auth={"token": token, "workshop": code}, transports=["websocket"], wait_timeout=10)
        return c


class Client:
    """A python-socketio client that records what it receives."""

    def __init__(self):
        self.sio = socketio.Client(reconnection=False)
        self.events: list[dict] = []
        self.presence: list[dict] = []
        self.sio.on("event", self.events.append)
        self.sio.on("presence", self.presence.append)

    def call(self, name: str, payload: dict | None = None) -> dict:
        return self.sio.call(name, payload or {}, timeout=10)

    def wait_for(self, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in list(self.events):
                if predicate(e):
                    return e
            time.sleep(0.02)
        raise AssertionError(f"no matching event in {len(self.events)} received")

    def close(self) -> None:
        self.sio.disconnect()
