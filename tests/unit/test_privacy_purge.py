"""Retention purge (both backends): names go, anonymised contributions, tallies, minutes and provenance stay."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.services.core.errors import Unauthorized
from app.services.minutes.operations import current_text
from app.services.privacy import rights as privacy
from app.services.privacy.retention import add_months, due_workshops, purge_due, retention_ends, retention_start
from app.services.workshop import exports
from app.services.workshop.votes import tallies
from app.services.workshop.workshops import participant_for_token
from models import ActionSource, CommandResult, Connection, Idea, Participant, Vote, Workshop, db
from tests.unit.privacy_helpers import ALICE, BOB, MINUTES, ORG, find_in_database, populate


def _state(workshop_id: int) -> dict:
    """Everything the purge must leave identical."""
    w = db.session.get(Workshop, workshop_id)
    ideas = db.session.execute(select(Idea.id, Idea.text, Idea.author_id).order_by(Idea.id)).all()
    votes = db.session.execute(select(Vote.idea_id, Vote.participant_id, Vote.count).order_by(Vote.id)).all()
    sources = db.session.execute(select(ActionSource.id, ActionSource.idea_id, ActionSource.text)).all()
    return {
        "tallies": tallies(w),
        "minutes": current_text(w),
        "ideas": [tuple(r) for r in ideas],
        "votes": [tuple(r) for r in votes],
        "sources": [tuple(r) for r in sources],
    }


def test_add_months_clamps_to_the_end_of_month():
    assert add_months(datetime(2025, 1, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 11, 15, tzinfo=UTC), 14) == datetime(2026, 1, 15, tzinfo=UTC)


def test_retention_counts_from_the_latest_of_creation_start_and_closure(make_workshop):
    w = make_workshop(starts_at="2030-03-10T09:00:00+00:00", retention_months=6)
    assert retention_start(w) == datetime(2030, 3, 10, 9, tzinfo=UTC)
    assert retention_ends(w) == datetime(2030, 9, 10, 9, tzinfo=UTC)
    w.closed_at = datetime(2030, 4, 1, tzinfo=UTC)
    assert retention_ends(w) == datetime(2030, 10, 1, tzinfo=UTC)


def test_purge_keeps_results_and_leaves_no_name_anywhere(workshop, fac, join):
    full = populate(workshop, fac, join)
    _, token = join(workshop, "Dernière Arrivée", with_token=True)
    before = _state(workshop.id)
    assert find_in_database(ALICE, BOB, ORG) != []  # the scanner does find them while they are there
    ends = retention_ends(workshop)
    assert due_workshops(add_months(ends, -1)) == []

    done = purge_due(ends)
    assert [(w.id, n) for w, n in done] == [(workshop.id, 3)]
    assert find_in_database(ALICE, BOB, ORG, "Dernière Arrivée") == []
    assert _state(workshop.id) == before
    w = db.session.get(Workshop, workshop.id)
    assert w.purged_at is not None and w.hands["queue"][0]["name"] == privacy.ANON_NAME
    people = db.session.execute(select(Participant)).scalars().all()
    assert {(p.name, p.organisation, p.token_hash, p.anonymised) for p in people} == {
        (privacy.ANON_NAME, "", None, True)
    }
    assert db.session.execute(select(CommandResult.id)).all() == []
    assert db.session.execute(select(Connection.sid)).all() == []
    with pytest.raises(Unauthorized):
        participant_for_token(token)
    report = exports.workshop_report(fac)
    assert {i["author"]["name"] for i in report["ideas"]} == {privacy.ANON_NAME}
    assert report["minutes"] == MINUTES
    assert db.session.get(ActionSource, full["source_id"]).text == full["a1"]["text"]
    assert purge_due(add_months(ends, 1)) == []  # nothing left to do


def test_purge_leaves_workshops_within_retention_alone(make_workshop, workshop, fac, join):
    populate(workshop, fac, join)
    recent = make_workshop(title="Atelier récent", starts_at="2099-01-01T10:00:00+00:00")
    join(recent, "Zoé Récente")
    done = purge_due(retention_ends(workshop))
    assert [w.id for w, _ in done] == [workshop.id]
    assert find_in_database("Zoé Récente") != []
    assert db.session.get(Workshop, recent.id).purged_at is None


def test_dry_run_changes_nothing_and_cli_purges(app, workshop, fac, join):
    populate(workshop, fac, join)
    when = retention_ends(workshop).isoformat()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run", "--now", when])
    assert dry.exit_code == 0, dry.output
    assert f"Atelier {workshop.code}" in dry.output and "1 atelier(s) à purger" in dry.output
    assert find_in_database(ALICE) != []
    real = runner.invoke(args=["privacy", "purge", "--now", when])
    assert real.exit_code == 0 and "1 atelier(s) purgé(s)" in real.output
    assert find_in_database(ALICE, BOB, ORG) == []
    bad = runner.invoke(args=["privacy", "purge", "--now", "demain"])
    assert bad.exit_code != 0 and "--now" in bad.output


def test_newcomers_after_a_purge_are_purged_on_the_next_run(workshop, fac, join):
    populate(workshop, fac, join)
    ends = retention_ends(workshop)
    purge_due(ends)
    join(db.session.get(Workshop, workshop.id), "Retardataire Tardive")
    assert [w.id for w, _ in purge_due(ends)] == [workshop.id]
    assert find_in_database("Retardataire Tardive") == []
