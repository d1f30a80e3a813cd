"""Territories (issue 19): a deployment with no demo creates its EPT and communes by CLI, API, page and CSV,
then its first roadmap; an unknown territory is created only by an admin, and the refusal says who can."""

import pytest
from sqlalchemy import func, select

from app.services.core.errors import Invalid
from app.services.core.territories import import_communes
from app.services.roadmaps.operations import create_roadmap
from models import Roadmap, Territory, db

GOSB = "Grand Orly Seine Bièvre"
GOSB_CITIES = [
    "Ablon-sur-Seine", "Arcueil", "Athis-Mons", "Cachan", "Chevilly-Larue", "Choisy-le-Roi", "Fresnes", "Gentilly",
    "Ivry-sur-Seine", "Juvisy-sur-Orge", "L'Haÿ-les-Roses", "Le Kremlin-Bicêtre", "Morangis", "Orly",
    "Paray-Vieille-Poste", "Rungis", "Savigny-sur-Orge", "Thiais", "Valenton", "Villejuif", "Villeneuve-le-Roi",
    "Villeneuve-Saint-Georges", "Viry-Châtillon", "Vitry-sur-Seine",
]  # fmt: skip
AXES = ["Emploi et insertion", "Transition écologique"]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_cli_creates_an_ept_with_its_24_communes_under_a_departement(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["territory", "create", "Val-de-Marne", "--kind", "departement"])
    assert r.exit_code == 0, r.output
    args = ["territory", "create", GOSB, "--kind", "ept", "--parent", "Val-de-Marne", "--cities", ",".join(GOSB_CITIES)]
    r = runner.invoke(args=args)
    assert r.exit_code == 0, r.output
    assert "24 communes" in r.output
    gosb = db.session.execute(select(Territory).filter_by(name=GOSB)).scalar_one()
    assert gosb.kind == "ept" and gosb.parent.name == "Val-de-Marne" and gosb.cities == GOSB_CITIES
    communes = db.session.execute(select(Territory).filter_by(kind="commune", parent_id=gosb.id)).scalars().all()
    assert sorted(c.name for c in communes) == sorted(GOSB_CITIES)
    again = runner.invoke(args=["territory", "create", GOSB, "--kind", "ept"])
    assert again.exit_code != 0 and "existe déjà" in again.output
    bad = runner.invoke(args=["territory", "create", "Orly-Nord", "--kind", "ept", "--parent", "Nulle-Part"])
    assert bad.exit_code != 0 and "Territoire inconnu" in bad.output and count(Territory) == 26


def test_api_lists_and_admins_create(client, auth, admin, facilitator):
    body = {"name": GOSB, "kind": "ept", "cities": GOSB_CITIES}
    assert client.post("/api/v1/territories", json=body).status_code == 401
    r = client.post("/api/v1/territories", json=body, headers=auth.api_headers(facilitator))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert "administrateurs" in r.json["error"]["message"] and count(Territory) == 0
    headers = auth.api_headers(admin)
    dep = client.post("/api/v1/territories", json={"name": "Val-de-Marne", "kind": "departement"}, headers=headers)
    assert dep.status_code == 201
    r = client.post("/api/v1/territories", json={**body, "parent": "Val-de-Marne"}, headers=headers)
    assert r.status_code == 201, r.json
    assert (r.json["name"], r.json["kind"], r.json["parent_id"]) == (GOSB, "ept", dep.json["id"])
    assert r.json["cities"] == GOSB_CITIES
    listed = client.get("/api/v1/territories").json["territories"]
    assert {"id", "name", "kind", "parent_id", "cities"} <= set(listed[0])
    assert [t["name"] for t in listed[:2]] == ["Val-de-Marne", GOSB] and len(listed) == 26
    assert client.post("/api/v1/territories", json=body, headers=headers).json["error"]["code"] == "conflict"
    r = client.post("/api/v1/territories", json={"name": "X", "kind": "region"}, headers=headers)
    assert r.status_code == 400 and r.json["error"]["field"] == "kind"


def test_an_unknown_territory_is_created_only_by_an_admin(client, auth, admin, facilitator):
    body = {"title": "Feuille de route ESS 2027", "territory": GOSB, "year": 2027, "axes": AXES}
    r = client.post("/api/v1/roadmaps", json=body, headers=auth.api_headers(facilitator))
    assert r.status_code == 400 and r.json["error"]["field"] == "territory"
    assert GOSB in r.json["error"]["message"] and "administrateur" in r.json["error"]["message"]
    w = client.post(
        "/api/v1/workshops",
        json={"title": "Atelier", "theme": "custom", "territory": GOSB},
        headers=auth.api_headers(facilitator),
    )
    assert w.status_code == 400 and "administrateur" in w.json["error"]["message"]
    assert count(Territory) == 0 and count(Roadmap) == 0
    r = client.post("/api/v1/roadmaps", json=body, headers=auth.api_headers(admin))
    assert r.status_code == 201 and r.json["territory"]["name"] == GOSB
    assert db.session.execute(select(Territory).filter_by(name=GOSB)).scalar_one().kind == "ept"


def test_a_roadmap_for_the_new_territory_through_api_and_page(client, auth, admin, facilitator):
    headers = auth.api_headers(admin)
    created = client.post(
        "/api/v1/territories", json={"name": GOSB, "kind": "ept", "cities": GOSB_CITIES}, headers=headers
    )
    territory_id = created.json["id"]
    r = client.post(
        "/api/v1/roadmaps",
        json={"title": "ESS 2027", "territory": GOSB, "axes": AXES},
        headers=auth.api_headers(facilitator),
    )
    assert r.status_code == 201 and r.json["cities"] == GOSB_CITIES
    action = client.post(
        f"/api/v1/roadmaps/{r.json['id']}/actions",
        json={"title": "Un tiers-lieu", "axis_id": r.json["axes"][0]["id"], "cities": ["Ivry-sur-Seine"]},
        headers=auth.api_headers(facilitator),
    )
    assert action.status_code == 201
    auth.login(facilitator)
    page = client.get("/roadmaps/")
    assert GOSB in page.get_data(as_text=True)
    form = {"title": "ESS par la page", "territory": str(territory_id), "year": "2027", "axes": "Axe un\nAxe deux"}
    r = client.post("/roadmaps/", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    roadmap = db.session.execute(select(Roadmap).filter_by(title="ESS par la page")).scalar_one()
    assert roadmap.territory_id == territory_id and roadmap.facilitators == [facilitator]


def test_admin_page_creates_and_imports(client, auth, admin, facilitator):
    auth.login(facilitator)
    assert client.get("/admin/").status_code == 403
    auth.logout()
    auth.login(admin)
    assert client.get("/admin/").status_code == 200
    r = client.post(
        "/admin/territories",
        data={
            "territory-name": GOSB,
            "territory-kind": "ept",
            "territory-parent": "",
            "territory-cities": "Orly\nRungis",
        },
    )
    assert r.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert GOSB in page and "Territoire « Grand Orly Seine Bièvre » créé (2 communes)" in page
    csv = "insee;nom;ept\n94054;Orly;Grand Orly Seine Bièvre\n94065;Rungis;Grand Orly Seine Bièvre\n"
    from io import BytesIO

    r = client.post(
        "/admin/territories/import",
        data={"communes-file": (BytesIO(csv.encode()), "communes.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert db.session.execute(select(Territory.insee).filter_by(name="Orly")).scalar_one() == "94054"


def test_csv_import_by_insee_code_creates_parents_and_is_all_or_nothing(app):
    csv = (
        "\ufeffcode_insee;nom_commune;ept;departement\n"
        "94041;Ivry-sur-Seine;Grand Orly Seine Bièvre;Val-de-Marne\n"
        "94081;Vitry-sur-Seine;Grand Orly Seine Bièvre;Val-de-Marne\n"
        "91027;Athis-Mons;Grand Orly Seine Bièvre;Essonne\n"
    )
    result = import_communes(csv.encode())
    assert result == {"rows": 3, "created": 3, "updated": 0}
    gosb = db.session.execute(select(Territory).filter_by(name=GOSB)).scalar_one()
    assert gosb.kind == "ept" and gosb.parent.name == "Val-de-Marne"
    assert gosb.cities == ["Ivry-sur-Seine", "Vitry-sur-Seine", "Athis-Mons"]
    ivry = db.session.execute(select(Territory).filter_by(insee="94041")).scalar_one()
    assert (ivry.name, ivry.kind, ivry.parent_id) == ("Ivry-sur-Seine", "commune", gosb.id)
    assert (
        import_communes(csv.encode())["updated"] == 3 and count(Territory) == 6
    )  # idempotent: 3 communes, 1 EPT, 2 départements
    before = count(Territory)
    with pytest.raises(Invalid) as exc:
        import_communes("insee,nom\n94028,Créteil\n9402,Faux\n")
    assert exc.value.message.startswith("Ligne 3") and count(Territory) == before
    with pytest.raises(Invalid):
        import_communes("commune;population\nCréteil;90000\n")


def test_the_roadmap_service_refuses_a_new_name_to_a_facilitator(facilitator):
    with pytest.raises(Invalid) as exc:
        create_roadmap(facilitator, {"title": "T", "territory": "Inconnu", "axes": AXES})
    assert "administrateur" in exc.value.message and count(Territory) == 0
