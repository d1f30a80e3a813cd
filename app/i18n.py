"""Languages: which one a request speaks, the labels defined once, and the browser scripts' catalog.

French is the source language (msgids are French); `translations/en` is complete. Flask-Babel
translates templates, forms, flashes and services' messages (`gettext` at the moment an error is
raised, in the language of the request or socket that caused it). The browser scripts get a JSON
catalog of the `js` domain embedded in the page (`js_catalog`), with the labels below, so a phase
name or a grade label is written once, here.
"""

from datetime import date
from functools import cache
from pathlib import Path

from babel.support import Translations
from flask import g, has_request_context, request, session
from flask_babel import (
    format_date,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    lazy_gettext,
    ngettext,
    refresh,
)
from flask_babel import gettext as _

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
DIRECTORY = Path(__file__).resolve().parent.parent / "translations"


def choose(value) -> str | None:
    """`value` if it names a language Fabrique speaks (a "en-GB" names "en"), else None."""
    if not isinstance(value, str):
        return None
    lang = value.strip().lower().replace("_", "-").split("-")[0]
    return lang if lang in LANGUAGES else None


# The locale each language formats dates and numbers with: English for a European public
# ("30 November 2026", 24-hour times), not the United States' defaults of Babel's plain "en".
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


# Pages that must set no cookie (a presenter link is the key to a projector: nothing there may stand
# for a session): `?lang=` is followed there, not kept.
COOKIELESS = frozenset({"main.presenter_view", "main.presenter_results"})


def select_locale() -> str:
    """Flask-Babel's locale selector: the locale of `language()`."""
    return LOCALES[language()]


def language() -> str:
    """The request's language.

    A socket command speaks its socket's language (`g.lang`, set from the connection). The JSON API
    follows `Accept-Language` (the browser scripts send the page's language). A page follows
    `?lang=` (kept in the session), then the session, then `Accept-Language` on a first visit.
    """
    if not has_request_context():
        return DEFAULT
    if g.get("lang"):
        return g.lang
    asked = choose(request.args.get("lang"))
    if request.path.startswith("/api/"):
        return asked or _accepted()
    if asked and request.endpoint in COOKIELESS:
        return asked
    if asked:
        session["lang"] = asked
    return choose(session.get("lang")) or _accepted()


def _accepted() -> str:
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) if has_request_context() else DEFAULT


def current() -> str:
    """The language Flask-Babel speaks now ("fr" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


# --- Labels defined once: the pages, the exports and the browser scripts all take them from here.

PHASES = {
    "setup": lazy_gettext("Préparation"),
    "brainstorm": lazy_gettext("Remue-méninges"),
    "cluster": lazy_gettext("Regroupement"),
    "vote": lazy_gettext("Vote"),
    "discuss": lazy_gettext("Discussion"),
    "closed": lazy_gettext("Clos"),
}

# Majority judgment's grades, index = grade (6 best); app/lib/majority.py keeps the French ones.
GRADES = [
    lazy_gettext("À rejeter"),
    lazy_gettext("Insuffisant"),
    lazy_gettext("Passable"),
    lazy_gettext("Assez bien"),
    lazy_gettext("Bien"),
    lazy_gettext("Très bien"),
    lazy_gettext("Excellent"),
]

COLORS = {
    "yellow": lazy_gettext("Jaune"),
    "pink": lazy_gettext("Rose"),
    "blue": lazy_gettext("Bleu"),
    "green": lazy_gettext("Vert"),
    "orange": lazy_gettext("Orange"),
    "purple": lazy_gettext("Violet"),
}


def phase_label(phase: str) -> str:
    return str(PHASES.get(phase, phase))


def grade_label(grade: int | None) -> str | None:
    return None if grade is None else str(GRADES[grade])


def grade_labels() -> list[str]:
    return [str(label) for label in GRADES]


def labels() -> dict:
    return {
        "phases": {key: str(value) for key, value in PHASES.items()},
        "grades": grade_labels(),
        "colors": {key: str(value) for key, value in COLORS.items()},
    }


# --- The browser scripts' catalog.


@cache
def _js_messages(lang: str) -> dict:
    """msgid → msgstr (or [singular, plural]) of the `js` domain in `lang`; French (the source) needs none."""
    if lang == DEFAULT:
        return {}
    translations = Translations.load(str(DIRECTORY), [lang], domain="js")
    messages = {}
    for key, value in getattr(translations, "_catalog", {}).items():
        if isinstance(key, tuple):  # (msgid, n) of a plural entry
            msgid, index = key
            forms = messages.setdefault(msgid, [None, None])
            if index < 2:
                forms[index] = value
        elif key:  # "" is the header
            messages[key] = value
    return messages


def js_catalog() -> dict:
    lang = current()
    return {"lang": lang, "messages": _js_messages(lang), "labels": labels()}


# --- Dates and numbers: one documented form per language (docs/i18n.md).


def day(value) -> str:
    """A date: « 30 novembre 2026 » / "30 November 2026" (Babel's long form, never ambiguous). A stored
    ISO text ("2026-11-21", or a moment's first ten characters) reads the same; another text stays as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, "long")


def moment(value) -> str:
    """A date and time already in the zone to show: « 30 novembre 2026 à 15:30 » / "November 30, 2026 at 3:30 PM"."""
    if not value:
        return ""
    return _("%(day)s à %(time)s", day=format_date(value, "long"), time=format_time(value, "short"))


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def percent(value) -> str:
    """`value` in 0..1: « 42 % » / "42%"."""
    return format_percent(value) if value is not None else ""


def install(app) -> None:
    """Flask-Babel's functions in every template, the catalog the scripts read, the date and number filters."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(DIRECTORY))
    app.jinja_env.globals.update(get_locale=get_locale, current_lang=current, js_catalog=js_catalog,
                                 phase_label=phase_label, grade_label=grade_label)
    app.jinja_env.filters.update(day=day, moment=moment, number=number, percent=percent)
    app.before_request(forget)


def forget() -> None:
    """Each request chooses its language afresh: Flask-Babel keeps the locale it chose on `g`, which
    outlives a request when an application context is already pushed (tests, a socket's handshake)."""
    g.pop("lang", None)
    refresh()


def speak(lang: str) -> None:
    """From now on in this context, speak `lang` (a socket command speaks its socket's language)."""
    g.lang = lang
    refresh()


__all__ = ["GRADES", "LANGUAGES", "PHASES", "_", "choose", "grade_label", "labels", "ngettext", "phase_label"]
