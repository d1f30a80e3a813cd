"""CLI commands of CONTRACT §1: facilitator accounts and the demo."""

import os

import click
from flask import Flask
from sqlalchemy import select

from app.services.core.errors import ServiceError
from models import User, db


def register(app: Flask) -> None:
    app.cli.add_command(facilitator)
    app.cli.add_command(demo)
    from app.privacy_cli import privacy

    app.cli.add_command(privacy)


@click.group(help="Comptes animateurs.")
def facilitator():
    pass


@facilitator.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Nom affiché.")
@click.option("--admin", is_flag=True, help="Administrateur.")
def facilitator_create(email: str, name: str, admin: bool):
    """Create (or reset the password of) a facilitator; password from FABRIQUE_PASSWORD or prompted."""
    password = os.environ.get("FABRIQUE_PASSWORD") or click.prompt(
        "Mot de passe", hide_input=True, confirmation_prompt=True
    )
    try:
        user, created = create_facilitator(email, name, password, admin)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Animateur {'créé' if created else 'mis à jour'} : {user.email} (id {user.id})")


def create_facilitator(email: str, name: str, password: str, admin: bool = False) -> tuple[User, bool]:
    from app.services.core import validation as v
    from app.services.core.errors import Invalid

    email = v.text(email, "email", max_len=254).lower()
    if "@" not in email:
        raise Invalid("Adresse e-mail invalide.", field="email")
    name = v.text(name, "name", max_len=80)
    if len(password) < 8:
        raise Invalid("Le mot de passe doit faire au moins 8 caractères.", field="password")
    user = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
    created = user is None
    if created:
        user = User(email=email, name=name, is_admin=admin)
        db.session.add(user)
    user.name = name
    user.set_password(password)
    db.session.commit()
    return user, created


@click.group(help="Données de démonstration.")
def demo():
    pass


@demo.command("load")
def demo_load():
    """Load the demo (idempotent) and print the demo facilitator's credentials."""
    from app.demo import load_demo

    info = load_demo()
    click.echo("Démo chargée.")
    click.echo(f"  Animateur : {info['email']} / mot de passe : {info['password']}")
    for title, code in info["workshops"]:
        click.echo(f"  Atelier « {title} » — code {code}")
