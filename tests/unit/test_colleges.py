"""Issue 17 in the services: incomplete ballots, ties, colleges that weigh as agreed, participation
in sight, bad input — on each backend (FABRIQUE_TEST_POSTGRES=1 adds PostgreSQL)."""

import csv
import io
import json
import threading
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Invalid, ServiceError
from app.services.workshop import board, exports, ideas, participants, results, session, tables, tallies, votes
from app.services.workshop import workshops as service
from models import Participant, Vote, Workshop, db

CITIES = [
    {"id": "vincennes", "name": "Vincennes", "weight": 1},
    {"id": "fontenay", "name": "Fontenay-sous-Bois", "weight": 1},
]


def _vote_board(make_workshop, facilitator, n_ideas, **settings):
    workshop = make_workshop(user=facilitator, settings=settings)
    fac = Actor(workshop, user=facilitator)
    column = workshop.columns[0].id
    ids = [ideas.create_idea(fac, column, f"Idée {i + 1}")["idea"]["id"] for i in range(n_ideas)]
    session.set_phase(fac, "vote")
    return workshop, fac, ids


# --- the two counterexamples of the issue, through the services ------------------


def test_counterexamples_through_the_services(make_workshop, facilitator, join):
    workshop, fac, (x, y, z, w) = _vote_board(make_workshop, facilitator, 4, vote_method="majority_judgment")
    people = [join(workshop, f"P{i}") for i in range(5)]
    plan = {x: [0, 0], y: [0], z: [4, 4, 6], w: [1, 4, 4, 5, 6]}
    for idea, grades in plan.items():
        for person, grade in zip(people, grades, strict=False):
            votes.cast_vote(person, idea, grade=grade)
    rows = {r["idea_id"]: r for r in results.ranking(fac)}
    assert rows[w]["rank"] == 1 and rows[z]["rank"] == 2  # W above Z, as every convention says
    assert rows[x]["rank"] == rows[y]["rank"] == 3 and rows[x]["rank_label"] == "3 ="  # a tie, not X above Y
    assert rows[z]["profile"] == [2, 0, 0, 0, 2, 0, 1] and rows[z]["graded"] == 3
    snap = {i["id"]: i for i in board.snapshot(join(workshop, "Observatrice"))["ideas"]}
    assert snap[z]["profile"] == rows[z]["profile"] and snap[z]["grade"] == 4
    tallies.announce(workshop.id, [x, y, z, w])
    event = board.replay(fac, 0)["events"][-1]
    assert {r["idea_id"]: r["profile"] for r in event["data"]["tallies"]}[x] == [5, 0, 0, 0, 0, 0, 0]


def test_first_grade_of_a_voter_changes_every_idea(make_workshop, facilitator, join, published):
    workshop, _fac, ids = _vote_board(make_workshop, facilitator, 3, vote_method="majority_judgment")
    alice = join(workshop)
    votes.cast_vote(alice, ids[0], grade=5)
    first = published[-1]
    assert first.tallies[workshop.id] == set(ids) and workshop.id in first.participation
    votes.cast_vote(alice, ids[1], grade=5)
    assert published[-1].tallies[workshop.id] == {ids[1]} and not published[-1].participation


def test_deleting_the_only_idea_someone_graded_changes_the_others(make_workshop, facilitator, join, published):
    workshop, fac, (a, b, c) = _vote_board(make_workshop, facilitator, 3, vote_method="majority_judgment")
    alice, bob = join(workshop, "Alice"), join(workshop, "Bob")
    votes.cast_vote(alice, a, grade=6)
    votes.cast_vote(bob, a, grade=3)
    votes.cast_vote(bob, b, grade=5)
    assert votes.tallies(workshop)[c]["profile"] == [2, 0, 0, 0, 0, 0, 0]
    ideas.delete_idea(fac, a)  # Alice voted on nothing else: one voter fewer, every profile shrinks
    assert published[-1].tallies[workshop.id] == {b, c} and workshop.id in published[-1].participation
    assert votes.tallies(workshop)[c]["profile"] == [1, 0, 0, 0, 0, 0, 0]
    ideas.delete_idea(fac, c)  # nobody leaves
    assert workshop.id not in published[-1].tallies and not published[-1].participation


# --- colleges: settings and bad input ------------------------------------------


@pytest.mark.parametrize(
    "colleges",
    [
        [{"id": "a", "name": "A", "weight": 0}],
        [{"id": "a", "name": "A", "weight": -1}],
        [{"id": "a", "name": "A", "weight": "1"}],
        [{"id": "a", "name": "A", "weight": True}],
        [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}],
        [{"id": "a", "name": "A"}, {"id": "b", "name": "a"}],
        [{"id": "a", "name": "A", "poids": 2}],
        [{"name": "A"}],
        [{"id": "", "name": "A"}],
        [{"id": "a", "name": ""}],
        [{"id": 1.5, "name": "A"}],
        ["A"],
        {"id": "a"},
        "A,B",
        [{"id": f"c{i}", "name": f"C{i}"} for i in range(51)],
    ],
)
def test_bad_colleges_are_invalid(colleges, make_workshop):
    with pytest.raises(Invalid) as err:
        make_workshop(settings={"colleges": colleges})
    assert err.value.message  # a French sentence saying what is wrong


def test_fifty_colleges_and_default_weight(make_workshop):
    workshop = make_workshop(settings={"colleges": [{"id": f"c{i}", "name": f"Ville {i}"} for i in range(50)]})
    assert len(workshop.settings["colleges"]) == 50 and workshop.settings["colleges"][0]["weight"] == 1
    assert "colleges" not in make_workshop().settings  # none by default


def test_joining_a_college(make_workshop, join, client):
    workshop = make_workshop(settings={"colleges": CITIES})
    assert join(workshop, college="fontenay").participant.college == "fontenay"
    assert join(workshop, "Sans").participant.college is None  # optional: a facilitator may assign it later
    with pytest.raises(Invalid) as err:
        join(workshop, college="paris")
    assert err.value.extra == {"field": "college"} and "Collège inconnu" in err.value.message
    plain = make_workshop()
    r = client.post(f"/api/v1/workshops/{plain.code}/participants", json={"name": "B", "college": "vincennes"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid"
    r = client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "C", "college": "vincennes"})
    assert r.status_code == 201 and r.json["participant"]["college"] == "vincennes"


def test_join_page_offers_colleges_only_when_there_are(make_workshop, client):
    workshop = make_workshop(settings={"colleges": CITIES})
    html = client.get(f"/join/{workshop.code}").get_data(as_text=True)
    assert 'data-testid="join-college"' in html and "Fontenay-sous-Bois" in html
    assert 'data-testid="join-college"' not in client.get(f"/join/{make_workshop().code}").get_data(as_text=True)


def test_facilitator_assigns_a_college_and_cannot_move_a_voter(make_workshop, facilitator, join, client, auth):
    workshop, fac, (a,) = _vote_board(make_workshop, facilitator, 1, colleges=CITIES)
    alice = join(workshop)
    url = f"/api/v1/workshops/{workshop.code}/participants/{alice.participant_id}"
    r = client.patch(url, json={"college": "vincennes"}, headers=auth.api_headers())
    assert r.status_code == 200 and r.json["participant"]["college"] == "vincennes"
    votes.cast_vote(alice, a)
    r = client.patch(url, json={"college": "fontenay"}, headers=auth.api_headers())
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict" and "déjà voté" in r.json["error"]["message"]
    assert client.patch(url, json={"college": "nowhere"}, headers=auth.api_headers()).json["error"]["code"] == "invalid"
    bob = join(workshop, "Bob")
    votes.cast_vote(bob, a)  # voted without a college: may still be given one
    participants.update_participant(fac, bob.participant_id, {"college": "fontenay"})
    db.session.expire_all()
    assert db.session.get(Participant, bob.participant_id).college == "fontenay"
    table = tables.create_table(fac, "Table 3", 4, college="fontenay")["table"]
    assert table["college"] == "fontenay"
    with pytest.raises(Invalid):
        tables.create_table(fac, "Table 4", 4, college="paris")


def test_colleges_are_fixed_once_votes_are_cast(make_workshop, facilitator, join):
    workshop, fac, (a,) = _vote_board(make_workshop, facilitator, 1, colleges=CITIES)
    session.set_phase(fac, "cluster")
    service.update_workshop(fac, {"settings": {"colleges": [*CITIES, {"id": "b", "name": "Bry", "weight": 2}]}})
    session.set_phase(fac, "vote")
    votes.cast_vote(join(workshop, college="vincennes"), a)
    session.set_phase(fac, "discuss")
    for changed in (CITIES[:1], [dict(CITIES[0], weight=3), CITIES[1]], []):
        with pytest.raises(Conflict) as err:
            service.update_workshop(fac, {"settings": {"colleges": changed}})
        assert "Des votes ont déjà été exprimés" in err.value.message and err.value.status == 409
    renamed = [dict(CITIES[0], name="Vincennes (94)"), CITIES[1], {"id": "b", "name": "Bry", "weight": 2}]
    service.update_workshop(fac, {"settings": {"colleges": renamed}})  # a name may be corrected
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).settings["colleges"][0]["name"] == "Vincennes (94)"


# --- weighted results ---------------------------------------------------------------


def _two_cities(make_workshop, facilitator, join, method="dots", **settings):
    """Vincennes has 3 voters, Fontenay 1, equal weights."""
    workshop, fac, ids = _vote_board(
        make_workshop, facilitator, 3, colleges=CITIES, vote_method=method, votes_per_participant=6, **settings
    )
    big = [join(workshop, f"V{i}", college="vincennes") for i in range(3)]
    small = join(workshop, "F", college="fontenay", attendance="remote")
    return workshop, fac, ids, big, small


def test_weighted_dots_follow_the_formula(make_workshop, facilitator, join):
    workshop, fac, (a, b, c), big, small = _two_cities(make_workshop, facilitator, join)
    for person in big:  # Vincennes: a 2 dots each, c 1 each
        for idea in (a, a, c):
            votes.cast_vote(person, idea)
    for idea in (b, b, b, c):  # Fontenay's only voter
        votes.cast_vote(small, idea)
    # score = Σ weight × college dots / college voters
    expected = {a: Fraction(6, 3), b: Fraction(3, 1), c: Fraction(3, 3) + Fraction(1, 1)}
    rows = results.ranking(fac)
    assert [(r["idea_id"], r["score"], r["rank_label"]) for r in rows] == [
        (b, 3.0, "1"),
        (a, 2.0, "2 ="),
        (c, 2.0, "2 ="),
    ]
    assert {r["idea_id"]: r["score"] for r in rows} == {k: float(v) for k, v in expected.items()}
    assert {r["idea_id"]: (r["votes"], r["raw_rank_label"]) for r in rows} == {a: (6, "1"), b: (3, "3"), c: (4, "2")}
    by_college = {r["idea_id"]: [(x["id"], x["rank_label"]) for x in r["colleges"]] for r in rows}
    assert by_college[a] == [("vincennes", "1"), ("fontenay", "3")]
    assert by_college[b] == [("vincennes", "3"), ("fontenay", "1")]
    assert votes.tallies(workshop)[b] == {"votes": 3, "score": 3.0}
    p = votes.participation(workshop)
    assert p["colleges"] == [
        {"id": "vincennes", "name": "Vincennes", "voters": 3, "present": 3},
        {"id": "fontenay", "name": "Fontenay-sous-Bois", "voters": 1, "present": 1},
    ]
    assert (p["room"], p["remote"]) == ({"voters": 3, "present": 3}, {"voters": 1, "present": 1})


def test_weighted_majority_judgment_is_a_weighted_median(make_workshop, facilitator, join):
    workshop, fac, (a, b, c), big, small = _two_cities(make_workshop, facilitator, join, "majority_judgment")
    for person in big:
        votes.cast_vote(person, a, grade=5)  # Très bien from all of Vincennes
        votes.cast_vote(person, b, grade=2)
    votes.cast_vote(small, a, grade=1)
    votes.cast_vote(small, b, grade=6)  # Fontenay (half the weight, one voter) puts b first
    rows = {r["idea_id"]: r for r in results.ranking(fac)}
    # Raw: a has 5,5,5,1 -> Très bien; b 2,2,2,6 -> Passable. Weighted, each college carries ½:
    # a = ½ Très bien + ½ Insuffisant -> lower median Insuffisant; b = ½ Passable + ½ Excellent -> Passable.
    assert (rows[a]["raw_grade_label"], rows[b]["raw_grade_label"]) == ("Très bien", "Passable")
    assert (rows[a]["grade_label"], rows[b]["grade_label"]) == ("Insuffisant", "Passable")
    assert (rows[b]["rank"], rows[a]["rank"], rows[c]["rank"]) == (1, 2, 3)
    assert (rows[a]["raw_rank"], rows[b]["raw_rank"]) == (1, 2)
    assert rows[a]["weighted_profile"] == [0, 0.5, 0, 0, 0, 0.5, 0]
    assert rows[a]["explanation"].startswith("Mention majoritaire : Insuffisant — 100 % des mentions pondérées")
    tally = votes.tallies(workshop)[a]
    assert tally["grade"] == 1 and tally["raw_grade"] == 5 and tally["profile"] == [0, 1, 0, 0, 0, 3, 0]


def test_weighted_results_in_every_export_and_the_page(make_workshop, facilitator, join, client, auth):
    workshop, fac, (a, b, c), big, small = _two_cities(make_workshop, facilitator, join)
    for person in big:
        votes.cast_vote(person, a)
    votes.cast_vote(small, b)
    data = json.loads(exports.export_workshop(fac, "json")[0])
    assert [(r["idea_id"], r["rank"], r["raw_rank"]) for r in data["results"]] == [(a, 1, 1), (b, 1, 2), (c, 3, 3)]
    assert data["results"][0]["tied"] is True and data["participation"]["colleges"][1]["voters"] == 1
    rows = list(csv.DictReader(io.StringIO(exports.export_workshop(fac, "csv", sep="comma")[0])))
    by_id = {int(r["Identifiant"]): r for r in rows}
    assert (by_id[a]["Rang"], by_id[a]["Score pondéré"], by_id[a]["Rang sans pondération"]) == ("1 =", "1", "1")
    assert (by_id[b]["Rang"], by_id[b]["Rang Fontenay-sous-Bois"], by_id[b]["Rang Vincennes"]) == ("1 =", "1", "2 =")
    md = exports.export_workshop(fac, "md")[0]
    assert "## Collèges" in md and "Fontenay-sous-Bois : poids 1 (50,0 % du résultat)" in md
    assert "- **1 =** Idée 2 — 1 gommette, score pondéré 1 — rang sans pondération 2" in md
    assert "salle : 3 sur 3 ; à distance : 1 sur 1" in md and "Collège Vincennes : 3 votant·es sur 3" in md
    auth.login()
    html = client.get(f"/w/{workshop.code}/results").get_data(as_text=True)
    assert html.count('data-testid="college-row"') == 2 and "Fontenay-sous-Bois : <strong>1</strong>" in html
    assert "1 =" in html and "Score pondéré" in html and "style=" not in html


def test_hidden_tallies_hide_the_weighted_figures_too(make_workshop, facilitator, join):
    workshop, fac, (a, _b, _c), big, _small = _two_cities(make_workshop, facilitator, join, reveal_votes="end")
    votes.cast_vote(big[0], a)
    for idea in board.snapshot(big[1])["ideas"]:
        assert idea["votes"] is None and "score" not in idea
    assert board.snapshot(fac)["ideas"][0]["score"] == 1.0  # Vincennes' only voter so far gave a its dot


# --- participation in sight ---------------------------------------------------------


def test_participation_is_announced_live(make_workshop, facilitator, join, published):
    workshop, fac, (a, _b, _c), big, small = _two_cities(make_workshop, facilitator, join)
    votes.cast_vote(big[0], a)
    assert any(workshop.id in o.participation for o in published)
    tallies.announce(workshop.id, {a}, participation_too=True)
    event = board.replay(small, 0)["events"][-1]  # a participant sees the counts too, never who
    assert event["type"] == "vote.participation"
    assert event["data"]["voters"] == 1 and event["data"]["present"] == 4
    assert event["data"]["colleges"][0] == {"id": "vincennes", "name": "Vincennes", "voters": 1, "present": 3}
    assert "V0" not in json.dumps(event)


def test_opening_the_vote_and_joining_during_it_mark_participation(make_workshop, facilitator, join, published):
    workshop = make_workshop(user=facilitator)
    fac = Actor(workshop, user=facilitator)
    join(workshop, "Avant")
    assert not any(o.participation for o in published)  # joining outside the vote: nothing to announce
    session.set_phase(fac, "vote")
    opened = [o for o in published if any(e.envelope["type"] == "phase.changed" for e in o.events)]
    assert opened[-1].events[-1].phase == "vote"  # the coalescer announces the opening's participation
    join(workshop, "Pendant")
    assert workshop.id in published[-1].participation


# --- concurrency: exact weighted totals under parallel casts -------------------------


def _in_parallel(app, workshop_id, pids, run, threads=8) -> list[str]:
    """run(actor, pid) for every participant, spread over `threads` threads released together,
    each with its own app context and session (as tests/unit/test_votes.py's _hammer). Returns errors."""
    db.session.rollback()  # SQLite: the test's own open transaction would hold the write lock
    barrier, errors, lock = threading.Barrier(threads), [], threading.Lock()

    def worker(mine):
        with app.app_context():
            try:
                actors = [
                    (Actor(db.session.get(Workshop, workshop_id), participant=db.session.get(Participant, pid)), pid)
                    for pid in mine
                ]
                db.session.rollback()
            finally:
                barrier.wait()
            for actor, pid in actors:
                try:
                    run(actor, pid)
                except Exception as exc:  # noqa: BLE001 — reported to the test
                    with lock:
                        errors.append(repr(exc))
            db.session.remove()

    pool = [threading.Thread(target=worker, args=(pids[i::threads],)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    return errors


def test_parallel_college_votes_are_exact(app, make_workshop, facilitator, join):
    """16 voters in 2 colleges (12 and 4) cast at once, 5 dots each over 4 ideas with retries:
    exact per-college totals, exact weighted scores, budgets held, on each backend."""
    workshop, _fac, ids = _vote_board(make_workshop, facilitator, 4, colleges=CITIES, max_votes_per_idea=5)
    people = [join(workshop, f"V{i}", college="vincennes") for i in range(12)]
    people += [join(workshop, f"F{i}", college="fontenay") for i in range(4)]
    plan = {p.participant_id: [ids[(k + i) % 4] for k in range(7)] for i, p in enumerate(people)}  # 7 wanted, 5 allowed

    def cast(actor, pid):
        for n, idea in enumerate(plan[pid]):
            for _retry in range(2):  # every command sent twice with its client_id
                try:
                    votes.cast_vote(actor, idea, client_id=f"{pid}-{n}")
                except ServiceError as exc:
                    if exc.code != "budget":
                        raise

    errors = _in_parallel(app, workshop.id, [p.participant_id for p in people], cast)
    assert errors == []
    db.session.rollback()
    expected: dict[str, dict[int, int]] = {"vincennes": dict.fromkeys(ids, 0), "fontenay": dict.fromkeys(ids, 0)}
    for p in people:
        for idea in plan[p.participant_id][:5]:
            expected[p.participant.college][idea] += 1
    stored = db.session.execute(
        select(Participant.college, Vote.idea_id, func.sum(Vote.count))
        .join(Vote, Vote.participant_id == Participant.id)
        .group_by(Participant.college, Vote.idea_id)
    ).all()
    assert {(c, i): int(n) for c, i, n in stored} == {(c, i): n for c, per in expected.items() for i, n in per.items()}
    assert db.session.execute(select(func.sum(Participant.votes_used))).scalar_one() == 16 * 5
    tally = votes.tallies(db.session.get(Workshop, workshop.id))
    for idea in ids:
        score = Fraction(expected["vincennes"][idea], 12) + Fraction(expected["fontenay"][idea], 4)
        assert tally[idea]["score"] == round(float(score), 4)
        assert tally[idea]["votes"] == expected["vincennes"][idea] + expected["fontenay"][idea]


def test_parallel_college_grades_are_exact(app, make_workshop, facilitator, join):
    """12 voters in 2 colleges grade 3 ideas at once, some ideas left ungraded: the padded
    profiles and the weighted grade are exact on each backend."""
    workshop, _fac, ids = _vote_board(make_workshop, facilitator, 3, colleges=CITIES, vote_method="majority_judgment")
    people = [join(workshop, f"V{i}", college="vincennes") for i in range(9)]
    people += [join(workshop, f"F{i}", college="fontenay") for i in range(3)]
    grades = {p.participant_id: {ids[k]: (i + k) % 7 for k in range(3) if (i + k) % 4} for i, p in enumerate(people)}

    def grade(actor, pid):
        for idea, g in grades[pid].items():
            votes.cast_vote(actor, idea, grade=g)

    errors = _in_parallel(app, workshop.id, [p.participant_id for p in people], grade)
    assert errors == []
    db.session.rollback()
    tally = votes.tallies(db.session.get(Workshop, workshop.id))
    voters = [p for p in people if grades[p.participant_id]]
    for idea in ids:
        profile = [0] * 7
        for p in voters:
            profile[grades[p.participant_id].get(idea, 0)] += 1
        assert tally[idea]["profile"] == profile and tally[idea]["votes"] == len(voters)


# --- room size ------------------------------------------------------------------------


def test_room_size_weighted_ranking_is_exact_and_quick(make_workshop, facilitator, join):
    """40 people in 3 colleges (25, 10 and 5; weights 1, 1, 2), 120 ideas, each person grading about
    60 % of them: the weighted ranking equals the replicated-ballot reference, in well under a second."""
    import random
    import time
    from math import lcm

    from tests.unit.test_majority import _reference_ranks

    colleges = [{"id": "a", "name": "A", "weight": 1}, {"id": "b", "name": "B", "weight": 1}]
    colleges.append({"id": "c", "name": "C", "weight": 2})
    workshop, fac, ids = _vote_board(
        make_workshop, facilitator, 120, colleges=colleges, vote_method="majority_judgment"
    )
    sizes = {"a": 25, "b": 10, "c": 5}
    people = [(join(workshop, f"{k}{i}", college=k).participant_id, k) for k, n in sizes.items() for i in range(n)]
    rng = random.Random(17)
    ballots = [{ids.index(i): rng.randint(0, 6) for i in ids if rng.random() < 0.6} for _ in people]
    db.session.add_all(
        Vote(workshop_id=workshop.id, idea_id=ids[idea], participant_id=pid, grade=g)
        for (pid, _k), ballot in zip(people, ballots, strict=True)
        for idea, g in ballot.items()
    )
    db.session.commit()
    began = time.perf_counter()
    rows = results.ranking(fac)
    took = time.perf_counter() - began
    common = lcm(*sizes.values())
    weight = {c["id"]: c["weight"] for c in colleges}
    copies = [weight[k] * common // sizes[k] for _pid, k in people]
    expected = _reference_ranks(ballots, len(ids), copies)
    assert {ids.index(r["idea_id"]): r["rank"] for r in rows} == expected
    print(f"\nranking 120 ideas x 40 voters in 3 colleges: {took * 1000:.0f} ms")
    assert took < 2.0


def test_tables_page_puts_a_table_in_a_college(make_workshop, client, auth):
    workshop = make_workshop(settings={"colleges": CITIES})
    auth.login()
    page = client.get(f"/w/{workshop.code}/tables").get_data(as_text=True)
    assert 'data-testid="table-college"' in page and "Fontenay-sous-Bois" in page
    client.post(f"/w/{workshop.code}/tables", data={"name": "Table 2", "size": "5", "college": "fontenay"})
    table = db.session.execute(select(Participant).filter_by(workshop_id=workshop.id, name="Table 2")).scalar_one()
    assert (table.table_size, table.college) == (5, "fontenay")
    assert 'data-testid="table-college"' not in client.get(f"/w/{make_workshop().code}/tables").get_data(as_text=True)


@pytest.mark.parametrize("method", ["dots", "majority_judgment"])
def test_group_csv_has_the_college_columns_of_the_ideas_csv(make_workshop, facilitator, join, method):
    workshop, fac, (a, b, c), big, small = _two_cities(make_workshop, facilitator, join, method)
    ideas.group_idea(fac, a, group_label="Navettes")
    tiers = ideas.group_idea(fac, b, group_label="Tiers-lieux")["idea"]["group_id"]
    ideas.group_idea(fac, c, group_id=tiers)
    mj = method == "majority_judgment"
    for person in big:  # Vincennes: Navettes first
        votes.cast_vote(person, a, **({"grade": 5} if mj else {}))
    votes.cast_vote(small, b, **({"grade": 6} if mj else {}))  # Fontenay: Tiers-lieux first
    if not mj:
        votes.cast_vote(small, b)
    idea_header = next(csv.reader(io.StringIO(exports.export_workshop(fac, "csv", sep="comma")[0])))
    body = exports.export_workshop(fac, "csv", scope="groups", sep="comma")[0]
    rows = {r["Groupe"]: r for r in csv.DictReader(io.StringIO(body))}
    header = next(csv.reader(io.StringIO(body)))
    raw_grade, score, raw_rank = "Mention sans pondération", "Score pondéré", "Rang sans pondération"
    weighted = [raw_grade if mj else score, raw_rank, "Rang Vincennes", "Rang Fontenay-sous-Bois"]
    assert all(col in idea_header for col in weighted) and all(col in header for col in weighted)
    assert (rows["Navettes"]["Rang Vincennes"], rows["Navettes"]["Rang Fontenay-sous-Bois"]) == ("1", "2")
    assert (rows["Tiers-lieux"]["Rang Vincennes"], rows["Tiers-lieux"]["Rang Fontenay-sous-Bois"]) == ("2", "1")
    assert (rows["Navettes"][raw_rank], rows["Tiers-lieux"][raw_rank]) == ("1", "2")
    if mj:
        assert (rows["Navettes"][raw_grade], rows["Tiers-lieux"][raw_grade]) == ("Très bien", "À rejeter")
    else:
        assert (rows["Navettes"][score], rows["Tiers-lieux"][score]) == ("1", "2")
