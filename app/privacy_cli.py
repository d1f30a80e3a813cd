"""`flask --app wsgi privacy purge`: erase personal data past each workshop's retention period."""

from datetime import datetime

import click

from app.services.core.errors import Invalid
from app.services.core.validation import timestamp
from app.services.privacy.retention import purge_due, retention_ends


@click.group(help="Données personnelles (RGPD).")
def privacy():
    pass


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="Lister sans rien effacer.")
@click.option("--now", "now_text", default=None, help="Date de référence ISO 8601 (tests, rattrapage).")
def privacy_purge(dry_run: bool, now_text: str | None):
    """Anonymise the participants of every workshop past its retention period (safe to run daily)."""
    now = _now(now_text)
    done = purge_due(now, dry_run=dry_run)
    verb = "à anonymiser" if dry_run else "anonymisé(s)"
    for workshop, count in done:
        ends = retention_ends(workshop).date().isoformat()
        click.echo(f"Atelier {workshop.code} (conservation échue le {ends}) : {count} participant(s) {verb}.")
    click.echo(f"{len(done)} atelier(s) {'à purger' if dry_run else 'purgé(s)'}.")


def _now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return timestamp(text, "now")
    except Invalid as exc:
        raise click.BadParameter(exc.message, param_hint="--now") from None
