"""The demo, drawn from the real programme of the 21 November ESS workshops at UPEC. Idempotent."""

from datetime import datetime

from sqlalchemy import select

from app.lib.themes import THEMES, resolved
from app.lib.timezone import to_utc
from app.services.core.accounts import create_facilitator
from app.services.core.actors import Actor
from app.services.core.unit_of_work import transaction
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import set_phase
from app.services.workshop.workshops import DEFAULT_SETTINGS
from models import Axis, Column, Day, Demarche, DemarcheSession, Roadmap, Territory, Workshop, db

DEMO_EMAIL = "animation@fabrique.demo"
DEMO_PASSWORD = "fabrique-demo-2024"

PEMB_CITIES = [
    "Bry-sur-Marne",
    "Champigny-sur-Marne",
    "Charenton-le-Pont",
    "Fontenay-sous-Bois",
    "Joinville-le-Pont",
    "Le Perreux-sur-Marne",
    "Maisons-Alfort",
    "Nogent-sur-Marne",
    "Saint-Mandé",
    "Saint-Maur-des-Fossés",
    "Saint-Maurice",
    "Villiers-sur-Marne",
    "Vincennes",
]
GPSEA_CITIES = [
    "Alfortville",
    "Boissy-Saint-Léger",
    "Bonneuil-sur-Marne",
    "Chennevières-sur-Marne",
    "Créteil",
    "La Queue-en-Brie",
    "Le Plessis-Trévise",
    "Limeil-Brévannes",
    "Mandres-les-Roses",
    "Marolles-en-Brie",
    "Noiseau",
    "Ormesson-sur-Marne",
    "Périgny-sur-Yerres",
    "Santeny",
    "Sucy-en-Brie",
    "Villecresnes",
]

WORKSHOPS = [
    ("JEUXESS2", "Atelier JO 2024 : l'ESS dans les Jeux", "jo2024", "ESS2024", 9),
    ("CPEPHEM3", "Coopératives éphémères : impliquer les étudiant·es", "cooperatives_ephemeres", "Coopaname", 9),
    ("MECENAT4", "Mécénat de compétences : engager les salarié·es", "mecenat_competences", "Probonolab", 9),
    ("TRSPACE5", "Plénière tiers-lieux", "tiers_lieux", "CRESS Île-de-France et Plateau Urbain", 14),
]

SEED_IDEAS = [
    "Réserver des lots des marchés des Jeux aux structures d'insertion du territoire",
    "Un annuaire des fournisseurs ESS de Paris Est Marne&Bois pour les organisateurs",
    "Former les associations sportives locales à répondre aux appels d'offres",
]


def _territory(name: str, kind: str, cities: list[str], parent: Territory | None = None) -> Territory:
    territory = db.session.execute(select(Territory).filter_by(name=name)).scalar_one_or_none()
    if territory is None:
        territory = Territory(name=name, kind=kind, cities=cities, parent=parent)
        db.session.add(territory)
        db.session.flush()
    return territory


def load_demo() -> dict:
    user, _ = create_facilitator(DEMO_EMAIL, "Équipe ESS Paris Est Marne&Bois", DEMO_PASSWORD)
    with transaction():
        val_de_marne = _territory("Val-de-Marne", "departement", [])
        _territory("Hauts-de-Seine", "departement", [])
        pemb = _territory("Paris Est Marne&Bois", "ept", PEMB_CITIES, val_de_marne)
        gpsea = _territory("Grand Paris Sud Est Avenir", "ept", GPSEA_CITIES, val_de_marne)
        for city in PEMB_CITIES:
            _territory(city, "commune", [], pemb)
        created = [_workshop(user, pemb, *spec) for spec in WORKSHOPS]
        _roadmap(user, gpsea)
        created.append(_workshop(user, pemb, *BGE_ATELIER))
        day = _day(user, pemb, created)
    _seed_board(user, created[0])
    _roadmap_actions(user, created[0])
    _process(user, pemb, day)
    return {
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "workshops": [(w.title, w.code) for w in created],
        "day": (day.title, day.code),
    }


# Issue 21: the 21 November programme as one day (four ateliers in parallel, the plenary), inside the PEMB process.
BGE_ATELIER = (
    "BGEADMC6",
    "Mécénat de compétences : créer et reprendre une activité",
    "mecenat_competences",
    "BGE ADIL",
    9,
)
DAY_CODE = "UPECJRNE"
DAY_PROGRAMME = [
    {"time": "9 h", "title": "Accueil et ouverture par l'EPT Paris Est Marne&Bois"},
    {"time": "9 h 30", "title": "Quatre ateliers en parallèle : JO 2024 (ESS2024), coopératives éphémères (Coopaname), "
     "mécénat de compétences (Probonolab, BGE ADIL)"},
    {"time": "14 h", "title": "Plénière tiers-lieux, animée par la CRESS Île-de-France"},
]  # fmt: skip
PROCESS_TITLE = "Feuille de route ESS 2022 — Paris Est Marne&Bois"


def _day(user, pemb: Territory, workshops: list[Workshop]) -> Day:
    day = db.session.execute(select(Day).filter_by(code=DAY_CODE)).scalar_one_or_none()
    if day is None:
        day = Day(code=DAY_CODE, title="Journée ESS du 21 novembre à l'UPEC", date="2026-11-21", created_by_id=user.id)
        day.location, day.territory, day.programme = "Université Paris-Est Créteil (UPEC)", pemb, DAY_PROGRAMME
        day.facilitators.append(user)
        db.session.add(day)
        db.session.flush()
    for workshop in workshops:
        if workshop.day_id is None:
            workshop.day_id = day.id
            workshop.day_role = "plenary" if workshop.theme == "tiers_lieux" else "atelier"
    return day


def _process(user, pemb: Territory, day: Day) -> None:
    if db.session.execute(select(Demarche).filter_by(title=PROCESS_TITLE)).scalar_one_or_none():
        return
    roadmap = db.session.execute(select(Roadmap).filter_by(created_by_id=user.id)).scalars().first()
    with transaction():
        process = Demarche(title=PROCESS_TITLE, territory=pemb, created_by_id=user.id)
        process.roadmap_id = roadmap.id if roadmap else None
        process.description = "Les 13 communes de l'EPT co-construisent leur feuille de route ESS, séance après séance."
        process.sessions.append(DemarcheSession(position=1, day_id=day.id))
        db.session.add(process)


def _workshop(user, territory, code, title, theme, animator, hour) -> Workshop:
    workshop = db.session.execute(select(Workshop).filter_by(code=code)).scalar_one_or_none()
    if workshop is not None:
        return workshop
    spec = resolved(THEMES[theme])
    workshop = Workshop(
        code=code,
        title=title,
        theme=theme,
        prompt=spec["prompt"],
        territory=territory,
        starts_at=to_utc(datetime(2026, 11, 21, hour, 0)),  # the hour on the Paris clock
        location="Université Paris-Est Créteil (UPEC)",
        organiser=f"EPT Paris Est Marne&Bois, animé par {animator}",
        mode="hybrid",
        settings=dict(DEFAULT_SETTINGS),
        hands={},
        created_by_id=user.id,
    )
    workshop.facilitators.append(user)
    workshop.columns = [Column(title=t, position=i) for i, t in enumerate(spec["columns"])]
    db.session.add(workshop)
    db.session.flush()
    return workshop


def _seed_board(user, workshop: Workshop) -> None:
    if workshop.last_seq:
        return
    actor = Actor(workshop, user=user)
    column = workshop.columns[2].id
    for text in SEED_IDEAS:
        create_idea(actor, column, text)
    set_phase(actor, "brainstorm")


def _roadmap(user, gpsea: Territory) -> None:
    title = "Programme ESS de Grand Paris Sud Est Avenir"
    if db.session.execute(select(Roadmap).filter_by(title=title)).scalar_one_or_none():
        return
    axes = ["Mutualisation et coopération", "Accompagnement et financement", "Sensibilisation et promotion"]
    roadmap = Roadmap(
        title=title,
        territory=gpsea,
        year=2026,
        created_by_id=user.id,
        description="Trois axes pour un territoire inclusif, solidaire, innovant et durable.",
    )
    roadmap.axes = [Axis(title=t, position=i) for i, t in enumerate(axes)]
    roadmap.facilitators.append(user)
    db.session.add(roadmap)


# (axis, title, lead, partners, cities, due, status, progress, milestones, indexes of SEED_IDEAS as sources)
DEMO_ACTIONS = [
    (0, "Annuaire partagé des fournisseurs ESS pour les grands événements", "GPSEA", ["CRESS Île-de-France", "ESS 2024"],
     ["Créteil", "Alfortville"], "2026-T2", "in_progress", 40,
     [{"title": "Cartographie des fournisseurs", "date": "2026-02-15", "done": True}], [0, 1]),
    (1, "Former les associations sportives aux marchés publics", "BGE-ADIL", ["France Active", "CRESS Île-de-France"],
     [], "2026-T3", "planned", 10, [{"title": "Premier atelier de formation", "date": "2026-05-20"}], [2]),
    (2, "Mois de l'ESS : vitrine des coopérations locales", "GPSEA", ["CRESS Île-de-France"],
     ["Créteil", "Sucy-en-Brie", "Boissy-Saint-Léger"], "2026-11-30", "proposed", 0, [], []),
]  # fmt: skip


def _roadmap_actions(user, workshop: Workshop) -> None:
    """A few actions sourced from the JO workshop's ideas, then publish: the traceability demo."""
    from app.services.roadmaps.operations import create_action, update_roadmap
    from models import Idea

    roadmap = db.session.execute(select(Roadmap).filter_by(created_by_id=user.id)).scalars().first()
    if roadmap is None or roadmap.actions:
        return
    ideas = {i.text: i.id for i in db.session.execute(select(Idea).filter_by(workshop_id=workshop.id)).scalars()}
    for axis, title, lead, partners, cities, due, status, progress, milestones, sources in DEMO_ACTIONS:
        data = {"title": title, "axis_id": roadmap.axes[axis].id, "lead": lead, "partners": partners, "cities": cities}
        data.update(due=due, status=status, progress=progress, milestones=milestones)
        data["source_ideas"] = [ideas[SEED_IDEAS[i]] for i in sources if SEED_IDEAS[i] in ideas]
        create_action(user, roadmap.id, data)
    update_roadmap(user, roadmap.id, {"published": True})
