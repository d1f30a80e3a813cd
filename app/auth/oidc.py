"""OpenID Connect sign-in for facilitators (ProConnect or any OIDC provider), optional (docs/deployment.md).

Authlib's Flask client does the protocol: authorization code flow with PKCE (S256), a `state` and a `nonce`
kept in the session, the ID token's signature checked against the provider's JWKS and its claims (iss, aud,
exp, iat, nonce) validated. Fabrique then spends the nonce once and finds the account
(app/services/core/accounts.py `oidc_account`). Every refusal is told on the login page, in the page's language.
"""

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import login_user
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError

from app.auth import LoginForm, bp, oidc_enabled
from app.services.core.accounts import oidc_account
from app.services.core.errors import ServiceError

STATE = lazy_gettext(
    "La réponse du fournisseur d'identité ne correspond à aucune connexion en cours (state invalide) : recommencez."
)
SIGNATURE = lazy_gettext(
    "Le jeton d'identité reçu n'est pas signé par le fournisseur d'identité attendu : connexion refusée."
)
EXPIRED = lazy_gettext(
    "Le jeton d'identité reçu a expiré : recommencez la connexion (vérifiez aussi l'heure du serveur)."
)
NONCE = lazy_gettext(
    "Le jeton d'identité ne répond pas à cette connexion (nonce différent, réponse rejouée) : recommencez."
)
UNREACHABLE = lazy_gettext(
    "Le fournisseur d'identité ne répond pas : réessayez dans un instant ou connectez-vous par mot de passe."
)


def _claims(claim: str) -> str:
    return _("Le jeton d'identité reçu n'est pas valable pour Fabrique (%(claim)s) : connexion refusée.", claim=claim)


def _provider(error: str) -> str:
    return _("Le fournisseur d'identité a refusé ou interrompu la connexion (%(error)s) : recommencez.", error=error)


def _client():
    """The registered OIDC client of this app (created on first use from OIDC_* settings)."""
    oauth = current_app.extensions.get("fabrique_oauth")
    if oauth is None:
        config = current_app.config
        oauth = OAuth(current_app)
        oauth.register(
            "oidc",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": config.get("OIDC_SCOPES", "openid email profile"), "code_challenge_method": "S256"},
        )
        current_app.extensions["fabrique_oauth"] = oauth
    return oauth.oidc


def _refused(message, status: int = 401):
    flash(str(message), "error")
    return render_template("auth/login.html", form=LoginForm(), oidc=True), status


@bp.get("/login/oidc")
def oidc_login():
    if not oidc_enabled():
        return redirect(url_for("auth.login"))
    try:
        return _client().authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except OSError:
        return _refused(UNREACHABLE, 503)


@bp.get("/login/oidc/callback")
def oidc_callback():
    if not oidc_enabled():
        return redirect(url_for("auth.login"))
    nonce = _expected_nonce(request.args.get("state"))
    try:
        token = _client().authorize_access_token(leeway=current_app.config.get("OIDC_LEEWAY", 60))
    except MismatchingStateError:
        return _refused(STATE)
    except OAuthError as exc:
        return _refused(_provider(exc.error or exc.description or _("erreur")))
    except BadSignatureError:
        return _refused(SIGNATURE)
    except ExpiredTokenError:
        return _refused(EXPIRED)
    except InvalidClaimError as exc:
        return _refused(NONCE if exc.claim == "nonce" else _claims(exc.claim))
    except JoseError as exc:
        return _refused(_claims(getattr(exc, "error", None) or _("jeton illisible")))
    except OSError:
        return _refused(UNREACHABLE, 503)
    claims = token.get("userinfo")
    if not claims or nonce is None:  # no validated ID token: never sign in from the access token alone
        return _refused(_claims("id_token"))
    try:
        user = oidc_account(dict(claims), nonce)
    except ServiceError as exc:
        return _refused(exc.message, exc.status)
    login_user(user)
    return redirect(url_for("main.dashboard"))


def _expected_nonce(state: str | None) -> str | None:
    """The nonce this session sent with `state` (Authlib keeps it there), read before Authlib clears it."""
    data = session.get(f"_state_oidc_{state}") if state else None
    return ((data or {}).get("data") or {}).get("nonce")
