"""CLI commands of docs/deployment.md: facilitator accounts and the demo."""

import os

import click
from flask import Flask

from app.services.core.accounts import create_facilitator, set_facilitator_active
from app.services.core.errors import ServiceError


def register(app: Flask) -> None:
    app.cli.add_command(facilitator)
    app.cli.add_command(territory)
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


@facilitator.command("invite")
@click.argument("email")
@click.option("--name", default="", help="Nom affiché proposé.")
@click.option("--admin", is_flag=True, help="Administrateur.")
def facilitator_invite(email: str, name: str, admin: bool):
    """Print a single-use invitation link (7 days); FABRIQUE_BASE_URL gives its address (else a path)."""
    from app.services.core.accounts import invite_link_cli

    try:
        path = invite_link_cli(email, name, admin)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Lien d'invitation (une fois, 7 jours) : {os.environ.get('FABRIQUE_BASE_URL', '').rstrip('/')}{path}")


@click.group(help="Territoires : départements, EPT / intercommunalités, communes.")
def territory():
    pass


@territory.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(["departement", "ept", "commune"]), default="ept", show_default=True)
@click.option("--parent", default=None, help="Nom du territoire parent (département d'un EPT, EPT d'une commune).")
@click.option("--cities", default="", help='Communes, séparées par des virgules : "Ivry-sur-Seine,Vitry-sur-Seine".')
@click.option("--insee", default=None, help="Code INSEE (commune).")
def territory_create(name: str, kind: str, parent: str | None, cities: str, insee: str | None):
    """Create a territory; its cities also become communes under it."""
    from app.services.core.territories import create_territory

    data = {"name": name, "kind": kind, "parent": parent, "cities": cities, "insee": insee}
    try:
        created = create_territory(None, data, trusted=True)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Territoire créé : {created.name} ({created.kind}, id {created.id}, {len(created.cities)} communes)")


@territory.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--parent", default=None, help="Rattacher à ce territoire les communes sans colonne « ept ».")
def territory_import(path: str, parent: str | None):
    """Import communes from a CSV with their INSEE code (columns insee; nom[; ept][; departement])."""
    from app.services.core.territories import import_communes

    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        result = import_communes(raw, default_parent=parent)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Import : {result['created']} commune(s) créée(s), {result['updated']} mise(s) à jour.")


@territory.command("list")
def territory_list():
    """List territories: kind, name, parent, number of communes."""
    from app.services.core.territories import list_territories

    for item in list_territories():
        parent = f" ← {item.parent.name}" if item.parent else ""
        click.echo(f"{item.kind:12} {item.name}{parent} ({len(item.cities or [])} communes)")


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
    if info.get("day"):  # issue 21: the four ateliers and the plenary as one day
        click.echo(f"  Journée « {info['day'][0]} » — code {info['day'][1]}")


@demo.command("crowd")
@click.argument("code")
@click.option("--people", default=40, show_default=True, type=click.IntRange(0, 2000), help="Participants.")
@click.option("--ideas", default=120, show_default=True, type=click.IntRange(0, 20000), help="Idées.")
@click.option("--groups", default=6, show_default=True, type=click.IntRange(0, 8), help="Groupes d'idées.")
@click.option("--seed", default=14, show_default=True, type=int, help="Graine : même graine, même salle.")
def demo_crowd(code: str, people: int, ideas: int, groups: int, seed: int):
    """Fill a workshop with a realistic room (rehearsal at room size)."""
    from app.demo_crowd import crowd

    try:
        result = crowd(code, people, ideas, groups, seed)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Atelier {code.upper()} : {result.participants} participant·es, {result.ideas} idées, "
        f"{result.groups} groupes ajoutés."
    )
