"""Room and remote on equal footing: equity figures, alternating speaking queue, attendance sheet."""

import csv
import io

import pytest

from app.services.core.errors import Forbidden
from app.services.workshop import equity, tables
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import next_speaker, raise_hand, set_phase
from app.services.workshop.votes import cast_vote


def test_alternate_queue_switches_sides(make_workshop, facilitator, join):
    from app.services.core.actors import Actor

    workshop = make_workshop(settings={"hand_order": "alternate"})
    fac = Actor(workshop, user=facilitator)
    r1, r2, d1 = join(workshop, "Rose", "room"), join(workshop, "Rémi", "room"), join(workshop, "Dora", "remote")
    for person in (r1, r2, d1):
        raise_hand(person)
    spoken = [next_speaker(fac)["hands"]["speaking"]["name"] for _ in range(3)]
    # FIFO would give Rose, Rémi, Dora: alternating puts the remote Dora second.
    assert spoken == ["Rose", "Dora", "Rémi"]


def test_fifo_queue_keeps_arrival_order(fac, workshop, join):
    for name, side in [("Rose", "room"), ("Rémi", "room"), ("Dora", "remote")]:
        raise_hand(join(workshop, name, side))
    assert [next_speaker(fac)["hands"]["speaking"]["name"] for _ in range(3)] == ["Rose", "Rémi", "Dora"]


def _session(fac, workshop, join):
    """Two room people (one org twice), one remote, one table of 5; ideas, votes and turns."""
    rose = join(workshop, "Rose", "room", organisation="Mairie de Créteil")
    remi = join(workshop, "Rémi", "room", organisation="mairie de créteil ")
    dora = join(workshop, "Dora", "remote", organisation="Coop Val")
    table = tables.create_table(fac, "Table 1", 5)["table"]
    column = workshop.columns[0].id
    set_phase(fac, "brainstorm")
    ideas = [create_idea(rose, column, "A")["idea"]["id"], create_idea(dora, column, "B")["idea"]["id"]]
    create_idea(dora, column, "C")
    ideas.append(tables.post_for_table(fac, table["id"], column, "D")["idea"]["id"])
    create_idea(fac, column, "Idée de l'animation")
    set_phase(fac, "vote")
    cast_vote(dora, ideas[0])
    cast_vote(dora, ideas[0])
    tables.vote_for_table(fac, table["id"], ideas[1])
    for person in (rose, dora, remi):
        raise_hand(person)
    next_speaker(fac)
    next_speaker(fac)
    return table


def test_equity_report_by_side_and_organisation(fac, workshop, join):
    _session(fac, workshop, join)
    report = equity.equity_report(fac)
    room, remote = report["sides"]["room"], report["sides"]["remote"]
    assert (room["participants"], room["people"], room["tables"]) == (3, 7, 1)
    assert (remote["participants"], remote["people"]) == (1, 1)
    assert (room["ideas"], room["proxy_ideas"], remote["ideas"]) == (2, 1, 2)
    assert report["facilitator_ideas"] == 1
    assert (room["votes"], room["voters"], remote["votes"], remote["voters"]) == (1, 5, 2, 1)
    assert (room["turns"], remote["turns"], room["waiting"]) == (1, 1, 1)
    assert room["people_share"] == 88 and room["ideas_share"] == 50 and remote["vote_rate"] == 100
    orgs = {o["name"]: o for o in report["organisations"]}
    # Spelling variants of one organisation are counted together.
    assert set(orgs) == {"Mairie de Créteil", "Coop Val", "Tables sans appareil"}
    assert orgs["Mairie de Créteil"]["participants"] == 2 and orgs["Mairie de Créteil"]["turns"] == 1
    assert orgs["Coop Val"]["ideas"] == 2 and orgs["Tables sans appareil"]["people"] == 5


def test_equity_and_attendance_are_for_facilitators(fac, workshop, join):
    alice = join(workshop, "Alice")
    with pytest.raises(Forbidden):
        equity.equity_report(alice)
    with pytest.raises(Forbidden):
        equity.attendance_csv(alice)


def test_attendance_sheet(fac, workshop, join):
    join(workshop, '=HYPERLINK("http://x")', "remote", organisation="+Coop")
    join(workshop, "Rose", "room", organisation="Mairie")
    tables.create_table(fac, "Table 1", 5)
    assert equity.attendance_csv(fac).startswith("\ufeffnom;organisation;")  # the CSV exports' format
    rows = list(csv.reader(io.StringIO(equity.attendance_csv(fac, "comma"))))
    assert rows[0] == ["nom", "organisation", "presence", "arrivee", "type", "personnes"]
    assert rows[1][:3] == ['\'=HYPERLINK("http://x")', "'+Coop", "à distance"]
    assert rows[2][:3] == ["Rose", "Mairie", "salle"] and rows[2][4:] == ["participant", "1"]
    assert rows[3][2:] == ["salle", rows[3][3], "table", "5"]
    assert rows[1][3][:4].isdigit() and rows[1][3][-6] in "+-"  # ISO time with its offset
