"""French labels of phases, shown on every page."""

PHASE_LABELS = {
    "setup": "Préparation",
    "brainstorm": "Remue-méninges",
    "cluster": "Regroupement",
    "vote": "Vote",
    "discuss": "Discussion",
    "closed": "Clos",
}

PHASE_HELP = {
    "setup": "L'atelier va commencer : l'animateur prépare le tableau.",
    "brainstorm": "Proposez vos idées dans les colonnes.",
    "cluster": "Regroupez les idées proches.",
    "vote": "Votez pour les idées que vous jugez prioritaires.",
    "discuss": "Discussion des idées retenues.",
    "closed": "L'atelier est clos : le tableau est en lecture seule.",
}
