"""The one-line help shown under the phase when a page is drawn (static/src/lib/labels.js words it for
each role once the board runs). The phase names are in app/i18n.py; translated lazily, so each request
reads them in its own language.
"""

from flask_babel import lazy_gettext

PHASE_HELP = {
    "setup": lazy_gettext("L'atelier va commencer : l'animateur prépare le tableau."),
    "brainstorm": lazy_gettext("Proposez vos idées dans les colonnes."),
    "cluster": lazy_gettext("Regroupez les idées proches."),
    "vote": lazy_gettext("Votez pour les idées que vous jugez prioritaires."),
    "discuss": lazy_gettext("Discussion des idées retenues."),
    "closed": lazy_gettext("L'atelier est clos : le tableau est en lecture seule."),
}
