"""Access limits on a real server process (issue 20), behind the documented nginx too: a room behind one
address gets in while a neighbour floods wrong codes; each client behind the proxy has its own limit;
failed logins are limited and take as long for an unknown e-mail; Socket.IO refuses an unknown code and a
real one alike. On SQLite, and on PostgreSQL with FABRIQUE_TEST_POSTGRES=1."""

import statistics
import threading
import time

import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter

from tests.cluster import Nginx, missing, server_on
from tests.conftest import backends
from tests.server import EMAIL, PASSWORD

pytestmark = pytest.mark.timeout(120)
WRONG = "WRGCDE77"


@pytest.fixture(scope="module", params=backends())
def server(request, tmp_path_factory):
    """Its own server: these tests use up the failure allowances of their addresses. It trusts one proxy
    (FABRIQUE_TRUSTED_PROXIES=1, as deploy/cluster.sh sets behind nginx)."""
    with server_on(
        request.param, tmp_path_factory.mktemp(f"access-{request.param}"), {"FABRIQUE_TRUSTED_PROXIES": "1"}
    ) as (live, _db):
        yield live


def _join(url, code, name="Participant", headers=None, session=requests):
    r = session.post(f"{url}/api/v1/workshops/{code}/participants", json={"name": name}, headers=headers, timeout=20)
    return r.status_code


def test_a_room_behind_one_address_gets_in_while_a_neighbour_floods_wrong_codes(server):
    """The NAT test. Before: after 10 wrong codes the right one was refused to everyone at that address."""
    code = server.create_workshop()["code"]
    stop, flood = threading.Event(), []

    def guess():
        with requests.Session() as s:
            while not stop.is_set():
                flood.append(_join(server.url, WRONG, session=s))

    guessers = [threading.Thread(target=guess) for _ in range(4)]
    for t in guessers:
        t.start()
    deadline = time.monotonic() + 10
    while 429 not in flood and time.monotonic() < deadline:
        time.sleep(0.01)
    assert 429 in flood, flood  # the neighbour is over the allowance before the room arrives
    results, lock = [], threading.Lock()

    def arrive(i):
        start = time.monotonic()
        status = _join(server.url, code, f"Personne {i}")
        with lock:
            results.append((status, time.monotonic() - start))

    room = [threading.Thread(target=arrive, args=(i,)) for i in range(40)]
    started = time.monotonic()
    for t in room:
        t.start()
    for t in room:
        t.join(30)
    elapsed = time.monotonic() - started
    stop.set()
    for t in guessers:
        t.join(10)
    statuses = [status for status, _ in results]
    slowest = max(seconds for _, seconds in results)
    print(f"\n40 joins in {elapsed:.2f} s (slowest {slowest:.2f} s); the flood sent {len(flood)} wrong codes")
    assert statuses == [201] * 40
    assert set(flood) == {404, 429} and flood.count(404) == 10
    assert slowest < 5


def test_each_client_behind_the_proxy_has_its_own_allowance(server):
    """FABRIQUE_TRUSTED_PROXIES=1: the address is the proxy's last X-Forwarded-For entry."""
    code = server.create_workshop()["code"]
    first, second = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
    assert [_join(server.url, WRONG, headers=first) for _ in range(11)][-1] == 429
    assert _join(server.url, WRONG, headers=second) == 404
    assert _join(server.url, code, headers=first) == 201


class _From(HTTPAdapter):
    """Connect from a given local address (Linux answers on all of 127.0.0.0/8)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _client_at(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def test_through_nginx_each_client_address_has_its_own_allowance(server, tmp_path):
    """deploy/nginx.conf.template in front. Before: every client had nginx's address, so one client's
    wrong codes limited everyone's."""
    try:
        nginx = Nginx(tmp_path, [server.port])
        nginx.start()
    except (OSError, RuntimeError) as exc:
        missing("nginx", exc)
    code = server.create_workshop()["code"]
    try:
        a, b = _client_at("127.0.0.2"), _client_at("127.0.0.3")
        assert [_join(nginx.url, WRONG, session=a) for _ in range(11)] == [404] * 10 + [429]
        # A forged header does not help: nginx appends the real peer and only that entry counts.
        forged = {"X-Forwarded-For": "192.0.2.99"}
        assert _join(nginx.url, WRONG, headers=forged, session=a) == 429
        assert _join(nginx.url, WRONG, session=b) == 404
        assert _join(nginx.url, code, session=a) == 201
    finally:
        nginx.stop()


def _login(url, email, password, address):
    start = time.perf_counter()
    r = requests.post(
        f"{url}/api/v1/auth/token",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=20,
    )
    return r.status_code, time.perf_counter() - start


def test_failed_logins_are_limited_and_take_as_long_for_an_unknown_email(server):
    """Before: 30 wrong passwords in a row and no 429; 125 ms for a known e-mail against 4 ms."""
    statuses = [_login(server.url, EMAIL, "mauvais-mot", "198.51.100.20")[0] for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert _login(server.url, EMAIL, PASSWORD, "198.51.100.20")[0] == 429
    assert _login(server.url, EMAIL, PASSWORD, "198.51.100.21")[0] == 200
    known = [_login(server.url, EMAIL, "mauvais-mot", f"198.51.100.{30 + i}")[1] for i in range(5)]
    unknown = [_login(server.url, "personne@fabrique.test", "mauvais-mot", f"198.51.100.{40 + i}")[1] for i in range(5)]
    known, unknown = statistics.median(known), statistics.median(unknown)
    print(f"\nfailed login: known e-mail {known * 1000:.0f} ms, unknown e-mail {unknown * 1000:.0f} ms")
    assert unknown > 0.3 * known


def _refusal(url, auth) -> str | None:
    sio = socketio.Client(reconnection=False)
    refusal = []
    sio.on("connect_error", refusal.append)
    try:
        sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return refusal[0].get("message") if refusal and isinstance(refusal[0], dict) else None
    sio.disconnect()
    return None


def test_socket_refusals_do_not_tell_a_real_code_from_an_unknown_one(server):
    """Before: "Aucun atelier ne correspond à ce code" against "Jeton inconnu"."""
    code = server.create_workshop()["code"]
    other = server.create_workshop(title="Autre")["code"]
    cases = [{"token": t} if t else {} for t in (None, "faux-jeton", server.join(other, "Eve"))]
    attempts = [(i, c, {**auth, "workshop": c}) for i, auth in enumerate(cases) for c in (code, WRONG)]
    refusals = {}

    def attempt(i, c, auth):  # in parallel: each refused client takes ~3 s to close
        refusals[i, c] = _refusal(server.url, auth)

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    for i in range(len(cases)):
        assert refusals[i, code] and refusals[i, code] == refusals[i, WRONG], (cases[i], refusals)
