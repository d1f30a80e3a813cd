"""CLI commands of docs/deployment.md: facilitator accounts and the demo."""

import os

import click
from flask import Flask

from app.services.core.accounts import create_facilitator, set_facilitator_active
from app.services.core.errors import ServiceError


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


@facilitator.command("deactivate")
@click.argument("email")
@click.option("--undo", is_flag=True, help="Réactiver le compte.")
def facilitator_deactivate(email: str, undo: bool):
    """Deactivate an account (no more login; its tokens and sessions stop at once), or reactivate it."""
    try:
        user = set_facilitator_active(email, active=undo)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Compte {'réactivé' if undo else 'désactivé'} : {user.email}")


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
