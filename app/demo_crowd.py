"""Rehearsal at room size (issue 14): `flask --app wsgi demo crowd CODE --people 40 --ideas 120`.

Fills a workshop through the service layer, as if a real room had joined: French names, ESS
organisations, room and remote people, ideas in French spread over the columns, a few groups.
Deterministic for a given seed, so a rehearsal can be replayed.
"""

import random
from dataclasses import dataclass

from app.services.core.actors import Actor
from app.services.workshop.ideas import create_idea, group_idea
from app.services.workshop.session import set_phase
from app.services.workshop.workshops import get_workshop, join_workshop
from models import Workshop

FIRST_NAMES = (
    "Amina Bastien Camille Chloé Daniel Élodie Farid Gaëlle Hugo Inès Jérôme Karima Léa Lucas Malik Manon "
    "Nadia Nicolas Océane Olivier Pauline Quentin Rachid Sarah Sébastien Sofiane Thomas Valérie Yasmine Zoé "
    "Aurélie Benoît Claire Djibril Émilie Fatou Guillaume Hélène Ibrahim Julie Kevin Laure Mathieu Noémie"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert Bonnet Benali "
    "Diallo Traoré Nguyen Haddad Ferreira Da Silva Lopez Fontaine Chevalier Rousseau Blanc Guerin Muller"
).split()
ORGANISATIONS = (
    "Coopaname",
    "ESS 2024",
    "CRESS Île-de-France",
    "Plateau Urbain",
    "Emmaüs Défi",
    "La Ressourcerie du Val-de-Marne",
    "SCIC Enercoop",
    "Probonolab",
    "BGE ADIL",
    "Association Les Petits Débrouillards",
    "Régie de quartier de Créteil",
    "Coopérative Pointcarré",
    "Le Mouvement associatif",
    "France Active Île-de-France",
    "Mairie de Champigny-sur-Marne",
    "Paris Est Marne&Bois",
    "Grand Paris Sud Est Avenir",
    "UPEC",
    "Atelier Chantier d'insertion Rejoué",
    "Fondation de France",
    "",
)
# Stems (with the group a room would put them in) and complements: 40 × 12 distinct ideas, of the kind a room
# writes on sticky notes.
STEMS = (
    ("Une navette solidaire entre les communes", "Mobilité"),
    ("Une ressourcerie mobile sur les marchés", "Réemploi"),
    ("Une coopérative d'habitants pour l'énergie", "Financement"),
    ("Un atelier de réparation de vélos", "Mobilité"),
    ("Une cantine partagée entre tiers-lieux", "Alimentation"),
    ("Une monnaie locale pour les commerces de proximité", "Financement"),
    ("Un jardin partagé au pied des immeubles", "Alimentation"),
    ("Le prêt de matériel entre associations", "Réemploi"),
    ("Réserver des lots des marchés publics aux structures d'insertion", "Achats responsables"),
    ("Un annuaire des fournisseurs ESS du territoire", "Achats responsables"),
    ("Former les associations à répondre aux appels d'offres", "Achats responsables"),
    ("Une coopérative éphémère d'étudiant·es pour l'été", "Jeunesse"),
    ("Un guichet unique pour les porteurs de projets", "Financement"),
    ("Des locaux vacants des bailleurs sociaux à loyer modéré", "Locaux partagés"),
    ("Un groupement d'achat pour les petites structures", "Achats responsables"),
    ("Une plateforme de mécénat de compétences", "Emploi et insertion"),
    ("Des chantiers participatifs de rénovation", "Locaux partagés"),
    ("Un festival de l'ESS dans l'espace public", "Jeunesse"),
    ("Une conciergerie solidaire", "Emploi et insertion"),
    ("Un fonds de garantie pour les coopératives naissantes", "Financement"),
    ("Des binômes entre salarié·es d'entreprise et bénévoles", "Emploi et insertion"),
    ("Une recyclerie des équipements sportifs", "Réemploi"),
    ("Un tiers-lieu nourricier", "Alimentation"),
    ("Des permanences juridiques pour les associations", "Emploi et insertion"),
    ("Une carte interactive des lieux partagés", "Locaux partagés"),
    ("Un parcours découverte de l'ESS pour les lycéen·nes", "Jeunesse"),
    ("Une épicerie solidaire étudiante", "Alimentation"),
    ("La mutualisation des postes administratifs", "Emploi et insertion"),
    ("Un espace de coworking associatif", "Locaux partagés"),
    ("Des clauses sociales dans tous les marchés de la ville", "Achats responsables"),
    ("Un réseau de livraison à vélo en coopérative", "Mobilité"),
    ("Une formation au modèle coopératif pour les jeunes", "Jeunesse"),
    ("Un comptoir de prêt d'outils", "Réemploi"),
    ("Des repas solidaires pendant les grands événements", "Alimentation"),
    ("Un fablab ouvert aux demandeurs d'emploi", "Emploi et insertion"),
    ("Une bourse aux locaux entre structures", "Locaux partagés"),
    ("Un forum annuel des partenariats", "Financement"),
    ("Une charte d'achats responsables pour les collectivités", "Achats responsables"),
    ("La valorisation des bénévoles dans un portfolio", "Jeunesse"),
    ("Un incubateur de projets ESS dans chaque EPT", "Financement"),
)
COMPLEMENTS = (
    "",
    " à Créteil",
    " à Champigny",
    " avec les lycées professionnels",
    " pour les quartiers prioritaires",
    ", même le week-end",
    " en lien avec la mairie",
    " avec un financement participatif",
    " et une gouvernance partagée",
    " pour les personnes éloignées de l'emploi",
    " à Vincennes",
    " après les Jeux",
)
GROUP_LABELS = (
    "Mobilité",
    "Alimentation",
    "Emploi et insertion",
    "Locaux partagés",
    "Achats responsables",
    "Jeunesse",
    "Réemploi",
    "Financement",
)


@dataclass
class CrowdResult:
    participants: int
    ideas: int
    groups: int


def people(count: int, rng: random.Random) -> list[dict]:
    """Join bodies for `count` distinct people: two thirds in the room, one third remote."""
    names, out = set(), []
    while len(out) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in names and len(names) < len(FIRST_NAMES) * len(LAST_NAMES):
            continue
        names.add(name)
        attendance = "remote" if len(out) % 3 == 2 else "room"
        out.append({"name": name, "organisation": rng.choice(ORGANISATIONS), "attendance": attendance})
    return out


def idea_texts(count: int, rng: random.Random) -> list[str]:
    """`count` distinct idea texts while they last (480), then numbered."""
    pool = [stem + complement for complement in COMPLEMENTS for stem, _label in STEMS]
    rng.shuffle(pool)
    return [pool[i] if i < len(pool) else f"{pool[i % len(pool)]} ({i // len(pool) + 1})" for i in range(count)]


def theme_of(text: str) -> str:
    """The group a room would put this idea in."""
    return next(label for stem, label in STEMS if text.startswith(stem))


def fill(workshop: Workshop, n_people: int, n_ideas: int, n_groups: int = 6, seed: int = 14) -> CrowdResult:
    """Join `n_people` and post `n_ideas` spread over the columns, then group some of them.

    Participants post only during brainstorm: a workshop in another phase goes there for the posting and
    back to its phase afterwards. Raises what the services raise (a closed workshop, a quota…)."""
    rng = random.Random(seed)
    fac = Actor(workshop, user=workshop.facilitators[0])
    actors = [Actor(workshop, participant=join_workshop(workshop.code, body)[0]) for body in people(n_people, rng)]
    if not actors or not n_ideas:
        return CrowdResult(len(actors), 0, 0)
    previous = workshop.phase
    if previous != "brainstorm":
        set_phase(fac, "brainstorm")
    columns = [c.id for c in workshop.columns]
    made = []
    for i, text in enumerate(idea_texts(n_ideas, rng)):
        made.append((create_idea(actors[i % len(actors)], columns[i % len(columns)], text)["idea"]["id"], text))
    groups = _group(fac, made, n_groups, rng)
    if previous != "brainstorm":
        set_phase(fac, previous)
    return CrowdResult(len(actors), len(made), groups)


def _group(fac: Actor, made: list[tuple[int, str]], n_groups: int, rng: random.Random) -> int:
    """About a quarter of the ideas, in `n_groups` groups by theme (« Mobilité », « Alimentation »…)."""
    labels = rng.sample(GROUP_LABELS, min(n_groups, len(GROUP_LABELS)))
    quota = max(3, len(made) // 4 // max(len(labels), 1))
    made_groups = 0
    for label in labels:
        members = [idea_id for idea_id, text in made if theme_of(text) == label][:quota]
        if len(members) < 2:
            continue
        group_id = group_idea(fac, members[0], group_label=label)["idea"]["group_id"]
        for idea_id in members[1:]:
            group_idea(fac, idea_id, group_id=group_id)
        made_groups += 1
    return made_groups


def crowd(code: str, n_people: int, n_ideas: int, n_groups: int = 6, seed: int = 14) -> CrowdResult:
    """The CLI's entry: raises NotFound for an unknown code."""
    return fill(get_workshop(code), n_people, n_ideas, n_groups, seed)
