"""Times on the workshop's clock (issue 16): a workshop entered at 15:30 shows 15 h 30, winter and summer, in the
minutes, the printable page and the ODT; the API keeps ISO 8601 with the offset."""

import io
import re
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import select

from app.api.minutes import minutes_file
from app.lib.timezone import local, to_utc, valid_zone, zone_label
from app.services.core.actors import Actor
from app.services.minutes import operations as minutes
from app.services.minutes.template import opening_template
from models import Workshop, db

SEASONS = {"winter": ("2026-01-15T15:30", "+01:00"), "summer": ("2026-07-15T15:30", "+02:00")}


def _exports(actor) -> dict[str, str]:
    html, _, _ = minutes_file(actor, "html")
    odt, _, _ = minutes.export_minutes(actor, "odt")
    content = zipfile.ZipFile(io.BytesIO(odt)).read("content.xml").decode()
    md, _, _ = minutes.export_minutes(actor, "md")
    return {"markdown": md, "printable page": html, "odt": content}


@pytest.mark.parametrize("season", list(SEASONS))
def test_a_workshop_entered_at_15_30_shows_15_h_30_everywhere(make_workshop, facilitator, season, client, fac_headers):
    typed, offset = SEASONS[season]
    workshop = make_workshop(starts_at=typed)  # what the form's datetime-local sends: the Paris wall clock
    fac = Actor(workshop, user=facilitator)
    minutes.sync_minutes(fac)
    assert "15 h 30 (heure de Paris)" in minutes.current_text(workshop)  # labelled: a public record
    for name, body in _exports(fac).items():
        assert "15 h 30" in body, name
        assert not re.search(r"1[4-7] h 30", body.replace("15 h 30", "")), name
    info = client.get(f"/api/v1/workshops/{workshop.code}", headers=fac_headers).json["workshop"]
    assert info["starts_at"] == f"{typed}:00{offset}"


def test_times_with_an_offset_keep_their_instant(make_workshop):
    utc = make_workshop(starts_at="2026-07-15T13:30:00+00:00")
    other = make_workshop(starts_at="2026-07-15T09:30:00-04:00")
    for workshop in (utc, other):
        assert "15 h 30" in opening_template(workshop)
    db.session.expire_all()
    stored = db.session.scalars(select(Workshop.starts_at).where(Workshop.id.in_([utc.id, other.id]))).all()
    assert {moment.hour for moment in stored} == {13}  # kept as UTC


def test_the_workshop_zone_is_a_setting(make_workshop, client, fac_headers, facilitator):
    workshop = make_workshop(starts_at="2026-01-15T15:30", settings={"timezone": "America/Cayenne"})
    assert "15 h 30" in opening_template(workshop)
    info = client.get(f"/api/v1/workshops/{workshop.code}", headers=fac_headers).json["workshop"]
    assert info["starts_at"] == "2026-01-15T15:30:00-03:00" and info["settings"]["timezone"] == "America/Cayenne"
    r = client.patch(
        f"/api/v1/workshops/{workshop.code}", json={"settings": {"timezone": "Mars/Olympus"}}, headers=fac_headers
    )
    assert r.status_code == 400 and "fuseau" in r.json["error"]["message"]
    assert (
        valid_zone("Europe/Paris")
        and not valid_zone("../etc/passwd")
        and zone_label("Europe/Paris") == "heure de Paris"
    )


def test_the_clock_env_var_sets_the_default_zone(monkeypatch):
    typed = datetime(2026, 1, 15, 15, 30)  # naive: the wall clock
    monkeypatch.setenv("FABRIQUE_TIMEZONE", "Indian/Reunion")
    assert to_utc(typed).hour == 11 and local(to_utc(typed)).hour == 15
    monkeypatch.setenv("FABRIQUE_TIMEZONE", "Nowhere/Else")
    assert to_utc(typed).hour == 14  # an unknown zone: Europe/Paris


def test_the_pages_show_and_edit_the_wall_clock(client, auth, make_workshop):
    auth.login()
    r = client.post(
        "/workshops/new",
        data={
            "title": "Atelier du soir",
            "theme": "custom",
            "starts_at": "2026-07-15T15:30",
            "mode": "hybrid",
            "votes_per_participant": 5,
            "max_votes_per_idea": 3,
            "vote_method": "dots",
            "reveal_votes": "live",
            "hand_order": "fifo",
            "moderation": "off",
            "minutes_editors": "everyone",
            "retention_months": 12,
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    workshop = db.session.scalars(select(Workshop).filter_by(title="Atelier du soir")).one()
    assert workshop.starts_at.hour == 13  # UTC
    assert "15 juillet 2026 à 15:30" in client.get(f"/workshops/{workshop.code}").get_data(as_text=True)
    assert "15 juillet 2026 à 15:30" in client.get("/dashboard").get_data(as_text=True)
    assert 'value="2026-07-15T15:30"' in client.get(f"/workshops/{workshop.code}/edit").get_data(as_text=True)


def test_history_and_results_times_are_labelled(workshop, fac, join):
    minutes.sync_minutes(fac)
    from app.services.minutes import history

    history.save_version(fac, {"label": "Point d'étape"})
    [version] = history.list_versions(fac)["versions"]
    assert version["when"].endswith("(heure de Paris)") and re.search(r"[+-]\d\d:\d\d$", version["at"])
