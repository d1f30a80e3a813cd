"""OpenID Connect sign-in (issue 19) end to end against a real provider process: panva's `oidc-provider`
(tests/oidc/provider.mjs) on 127.0.0.1, and Fabrique's login through Authlib. The full login, then each
refusal with its French message: wrong state, tampered ID token, replayed nonce, expired token, unverified
e-mail, no account and no invitation."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from flask import g
from sqlalchemy import select

from app.services.core.accounts import invite_facilitator
from models import Invitation, User, db

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://fabrique.test/login/oidc/callback"
CLIENT = {"client_id": "fabrique-tests", "client_secret": "secret-de-test-uniquement", "redirect_uris": [CALLBACK]}
USERS = {
    "agent-nadia": {"email": "nadia@gosb.fr", "email_verified": True, "given_name": "Nadia", "usual_name": "Benali"},
    "agent-karim": {"email": "karim@gosb.fr", "email_verified": True, "given_name": "Karim", "usual_name": "Haddad"},
    "agent-inconnu": {"email": "inconnu@gosb.fr", "email_verified": True, "given_name": "Sans", "usual_name": "Compte"},
    "agent-douteux": {"email": "douteux@gosb.fr", "email_verified": False, "given_name": "Adresse", "usual_name": "Douteuse"},
}  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail("node and the oidc-provider devDependency are required: `npm install`")
    env = {**os.environ, "OIDC_TEST_CLIENT": json.dumps(CLIENT), "OIDC_TEST_USERS": json.dumps(USERS)}
    proc = subprocess.Popen(
        [node, str(ROOT / "tests" / "oidc" / "provider.mjs")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        pytest.fail(f"the OIDC provider did not start: {line!r}")
    issuer = line.split()[1]
    yield issuer
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def oidc_app(app, provider):
    app.config.update(OIDC_ISSUER=provider, OIDC_CLIENT_ID=CLIENT["client_id"])
    app.config.update(OIDC_CLIENT_SECRET=CLIENT["client_secret"], OIDC_LEEWAY=0)
    _configure(provider, tamper="0", clock="0")
    return app


def _configure(issuer: str, **params) -> None:
    requests.get(f"{issuer}/_test/config", params=params, timeout=5).raise_for_status()


def _authorize(client, issuer: str, user: str) -> str:
    """Start the login on Fabrique, sign in at the provider as `user`: the callback URL Fabrique gets back."""
    _configure(issuer, user=user)
    r = client.get("/login/oidc")
    assert r.status_code == 302, r.get_data(as_text=True)
    url = r.headers["Location"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(issuer + "/auth?") and query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["scope"] == ["openid email profile"]
    browser = requests.Session()  # the agent's browser at the provider
    while not url.startswith(CALLBACK):
        answer = browser.get(url, allow_redirects=False, timeout=5)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:300])
        url = urljoin(url, answer.headers["Location"])
    return url


def _finish(client, callback: str):
    g.pop("_login_user", None)
    return client.get(callback.removeprefix("http://fabrique.test"))


def _refusal(response) -> str:
    assert response.status_code in (401, 503), response.status_code
    return response.get_data(as_text=True)


def test_login_page_offers_proconnect_only_when_configured(app, client, provider):
    assert 'data-testid="oidc-login"' not in client.get("/login").get_data(as_text=True)
    app.config.update(OIDC_ISSUER=provider, OIDC_CLIENT_ID=CLIENT["client_id"])
    assert 'data-testid="oidc-login"' in client.get("/login").get_data(as_text=True)


def test_full_login_by_verified_email_then_by_subject(oidc_app, client, provider, make_user):
    nadia = make_user(name="Nadia B.", email="nadia@gosb.fr")
    r = _finish(client, _authorize(client, provider, "agent-nadia"))
    assert r.status_code == 302 and r.headers["Location"].endswith("/dashboard")
    g.pop("_login_user", None)
    assert client.get("/dashboard").status_code == 200
    assert db.session.get(User, nadia.id).oidc_subject == "agent-nadia"
    client.post("/logout")
    r = _finish(client, _authorize(client, provider, "agent-nadia"))  # a second login: a new nonce, fine
    assert r.status_code == 302


def test_an_invited_agent_gets_an_account_and_no_one_else(oidc_app, client, provider, admin):
    r = _finish(client, _authorize(client, provider, "agent-inconnu"))
    assert "Aucun compte d&#39;animateur pour inconnu@gosb.fr" in _refusal(r)
    assert db.session.execute(select(User).filter_by(email="inconnu@gosb.fr")).scalar_one_or_none() is None
    invite_facilitator(admin, "karim@gosb.fr", "")
    r = _finish(client, _authorize(client, provider, "agent-karim"))
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    karim = db.session.execute(select(User).filter_by(email="karim@gosb.fr")).scalar_one()
    assert (karim.name, karim.oidc_subject) == ("Karim Haddad", "agent-karim")
    assert db.session.execute(select(Invitation)).scalar_one().used_at is not None


def test_a_wrong_state_is_refused(oidc_app, client, provider, make_user):
    make_user(email="nadia@gosb.fr")
    callback = _authorize(client, provider, "agent-nadia")
    r = _finish(client, callback.replace("state=", "state=x"))
    assert "state invalide" in _refusal(r)
    assert "state invalide" in _refusal(_finish(client, callback.split("&state=")[0]))


def test_a_tampered_id_token_is_refused(oidc_app, client, provider, make_user):
    make_user(email="nadia@gosb.fr")
    _configure(provider, tamper="1")
    r = _finish(client, _authorize(client, provider, "agent-nadia"))
    assert "pas signé par le fournisseur d&#39;identité attendu" in _refusal(r)


def test_an_expired_id_token_is_refused(oidc_app, client, provider, make_user):
    make_user(email="nadia@gosb.fr")
    callback = _authorize(client, provider, "agent-nadia")
    _configure(provider, clock="-7200")  # the token endpoint issues it two hours in the past (1 h lifetime)
    assert "a expiré" in _refusal(_finish(client, callback))


def test_a_replayed_nonce_is_refused(oidc_app, client, provider, make_user):
    """A second ID token bearing an already spent nonce (an attacker replaying an authentication request)."""
    make_user(email="nadia@gosb.fr")
    first = _authorize(client, provider, "agent-nadia")
    with client.session_transaction() as sess:
        spent = next(v for k, v in sess.items() if k.startswith("_state_oidc_"))["data"]["nonce"]
    assert _finish(client, first).status_code == 302
    client.post("/logout")
    _configure(provider, user="agent-nadia")
    r = client.get("/login/oidc")
    url = r.headers["Location"]
    fresh = parse_qs(urlsplit(url).query)["nonce"][0]
    with client.session_transaction() as sess:  # the replayed request: the spent nonce, here and at the provider
        key = next(k for k in sess if k.startswith("_state_oidc_") and sess[k]["data"]["nonce"] == fresh)
        entry = sess[key]
        entry["data"]["nonce"] = spent
        sess[key] = entry
    browser, url = requests.Session(), url.replace(f"nonce={fresh}", f"nonce={spent}")
    while not url.startswith(CALLBACK):
        url = urljoin(url, browser.get(url, allow_redirects=False, timeout=5).headers["Location"])
    assert "nonce" in _refusal(_finish(client, url))


def test_an_unverified_email_is_refused(oidc_app, client, provider, make_user):
    make_user(email="douteux@gosb.fr")
    r = _finish(client, _authorize(client, provider, "agent-douteux"))
    assert "n&#39;a pas vérifié votre adresse e-mail" in _refusal(r)
