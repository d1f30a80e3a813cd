"""Phase labels and the one-line help shown under the phase, on every page.

The labels themselves are defined once, in app/i18n.py; the help sentences are translated lazily
(each request reads them in its own language).
"""

from flask_babel import lazy_gettext

from app.i18n import PHASES

PHASE_LABELS = PHASES

PHASE_HELP = {
    "setup": lazy_gettext("L'atelier va commencer : l'animateur prépare le tableau."),
    "brainstorm": lazy_gettext("Proposez vos idées dans les colonnes."),
    "cluster": lazy_gettext("Regroupez les idées proches."),
    "vote": lazy_gettext("Votez pour les idées que vous jugez prioritaires."),
    "discuss": lazy_gettext("Discussion des idées retenues."),
    "closed": lazy_gettext("L'atelier est clos : le tableau est en lecture seule."),
}
