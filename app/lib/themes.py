"""Theme templates: the columns, prompt and minutes agenda a new workshop starts from.

Their words are translatable (lazy): a workshop created from a theme takes them in its creator's language
(`resolved`), and then keeps them as its own text.
"""

from flask_babel import lazy_gettext

THEMES: dict[str, dict] = {
    "jo2024": {
        "label": lazy_gettext("Jeux Olympiques et Paralympiques 2024"),
        "prompt": lazy_gettext("Comment les acteurs de l'ESS du territoire peuvent-ils contribuer aux Jeux 2024 et à leur héritage ?"),
        "columns": [lazy_gettext("Opportunités pour l'ESS"), lazy_gettext("Freins et besoins"), lazy_gettext("Idées d'actions"), lazy_gettext("Héritage après 2024")],
        "agenda": [lazy_gettext("Tour de table"), lazy_gettext("Les marchés des Jeux ouverts à l'ESS"), lazy_gettext("Idées d'actions"), lazy_gettext("Priorisation")],
    },
    "cooperatives_ephemeres": {
        "label": lazy_gettext("Coopératives éphémères"),
        "prompt": lazy_gettext("Comment inciter les étudiant·es à s'impliquer dans l'ESS grâce aux coopératives éphémères ?"),
        "columns": [lazy_gettext("Ce qui motive les jeunes"), lazy_gettext("Obstacles"), lazy_gettext("Idées de coopératives"), lazy_gettext("Partenaires à mobiliser")],
        "agenda": [lazy_gettext("Présentation des coopératives d'activité et d'emploi"), lazy_gettext("Obstacles"), lazy_gettext("Idées"), lazy_gettext("Priorisation")],
    },
    "mecenat_competences": {
        "label": lazy_gettext("Mécénat de compétences"),
        "prompt": lazy_gettext("Comment rapprocher les compétences des entreprises locales et les besoins des structures de l'ESS ?"),
        "columns": [lazy_gettext("Besoins des structures"), lazy_gettext("Compétences disponibles"), lazy_gettext("Formats de mise en relation"), lazy_gettext("Actions")],
        "agenda": [lazy_gettext("Retours d'expérience"), lazy_gettext("Besoins et offres"), lazy_gettext("Formats"), lazy_gettext("Priorisation")],
    },
    "tiers_lieux": {
        "label": lazy_gettext("Tiers-lieux"),
        "prompt": lazy_gettext("Quelles alternatives pour partager des espaces : bailleurs sociaux, coworking, achat immobilier groupé ?"),
        "columns": [lazy_gettext("Besoins d'espaces"), lazy_gettext("Lieux et ressources"), lazy_gettext("Modèles économiques"), lazy_gettext("Actions")],
        "agenda": [lazy_gettext("Témoignage"), lazy_gettext("Besoins d'espaces"), lazy_gettext("Modèles"), lazy_gettext("Priorisation")],
    },
    "custom": {
        "label": lazy_gettext("Thème libre"),
        "prompt": "",
        "columns": [lazy_gettext("Idées"), lazy_gettext("Questions"), lazy_gettext("Actions")],
        "agenda": [lazy_gettext("Tour de table"), lazy_gettext("Idées"), lazy_gettext("Priorisation"), lazy_gettext("Suites à donner")],
    },
}


def resolved(theme: dict) -> dict:
    """A theme in plain strings, in the current language (what a new workshop stores)."""
    return {key: [str(x) for x in value] if isinstance(value, list) else str(value) for key, value in theme.items()}


def theme_label(key: str | None) -> str:
    """A theme's name in the current language (its key when unknown)."""
    theme = THEMES.get(key or "")
    return str(theme["label"]) if theme else (key or "")


def theme_choices() -> list[tuple[str, str]]:
    return [(key, theme["label"]) for key, theme in THEMES.items()]
