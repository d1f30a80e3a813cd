"""Theme templates: the columns, prompt and minutes agenda a new workshop starts from."""

THEMES: dict[str, dict] = {
    "jo2024": {
        "label": "Jeux Olympiques et Paralympiques 2024",
        "prompt": "Comment les acteurs de l'ESS du territoire peuvent-ils contribuer aux Jeux 2024 et à leur héritage ?",
        "columns": ["Opportunités pour l'ESS", "Freins et besoins", "Idées d'actions", "Héritage après 2024"],
        "agenda": ["Tour de table", "Les marchés des Jeux ouverts à l'ESS", "Idées d'actions", "Priorisation"],
    },
    "cooperatives_ephemeres": {
        "label": "Coopératives éphémères",
        "prompt": "Comment inciter les étudiant·es à s'impliquer dans l'ESS grâce aux coopératives éphémères ?",
        "columns": ["Ce qui motive les jeunes", "Obstacles", "Idées de coopératives", "Partenaires à mobiliser"],
        "agenda": ["Présentation des coopératives d'activité et d'emploi", "Obstacles", "Idées", "Priorisation"],
    },
    "mecenat_competences": {
        "label": "Mécénat de compétences",
        "prompt": "Comment rapprocher les compétences des entreprises locales et les besoins des structures de l'ESS ?",
        "columns": ["Besoins des structures", "Compétences disponibles", "Formats de mise en relation", "Actions"],
        "agenda": ["Retours d'expérience", "Besoins et offres", "Formats", "Priorisation"],
    },
    "tiers_lieux": {
        "label": "Tiers-lieux",
        "prompt": "Quelles alternatives pour partager des espaces : bailleurs sociaux, coworking, achat immobilier groupé ?",
        "columns": ["Besoins d'espaces", "Lieux et ressources", "Modèles économiques", "Actions"],
        "agenda": ["Témoignage", "Besoins d'espaces", "Modèles", "Priorisation"],
    },
    "custom": {
        "label": "Thème libre",
        "prompt": "",
        "columns": ["Idées", "Questions", "Actions"],
        "agenda": ["Tour de table", "Idées", "Priorisation", "Suites à donner"],
    },
}


def theme_choices() -> list[tuple[str, str]]:
    return [(key, theme["label"]) for key, theme in THEMES.items()]
