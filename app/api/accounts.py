"""Accounts (docs/protocol.md « Comptes »): admins invite, reset and deactivate; invitees set their password."""

from flask import jsonify, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import json_body
from app.identity import request_user, token_for_user
from app.services.core import accounts as service
from app.services.core.errors import Invalid


def link_json(token: str, invitation) -> dict:
    return {
        "url": url_for("auth.invitation", token=token, _external=True),
        "email": invitation.email,
        "purpose": invitation.purpose,
        "expires_at": invitation.expires_at.isoformat(),
    }


@bp.get("/users")
def list_users():
    return jsonify({"users": [service.account_dict(u) for u in service.list_accounts(request_user())]})


@bp.post("/invitations")
def invite():
    data = json_body()
    token, invitation = service.invite_facilitator(
        request_user(), data.get("email"), data.get("name", ""), data.get("admin", False)
    )
    return jsonify(link_json(token, invitation)), 201


@bp.post("/invitations/<token>/accept")
def accept(token):
    data = json_body()
    user = service.accept_invitation(token, data.get("password"), data.get("name"))
    return jsonify({"token": token_for_user(user), "user": user.to_dict()}), 201


@bp.post("/users/<int:user_id>/password-reset")
def password_reset(user_id):
    token, invitation = service.password_reset_link(request_user(), user_id)
    return jsonify(link_json(token, invitation)), 201


@bp.patch("/users/<int:user_id>")
def patch_user(user_id):
    data = json_body()
    active = data.get("active")
    if not isinstance(active, bool):
        raise Invalid(_("« active » (true ou false) est attendu."), field="active")
    return jsonify(service.account_dict(service.deactivate_account(request_user(), user_id, active)))
