"""Issue 18: which language a request speaks (app/i18n.py, docs/i18n.md), the scripts' catalog, plural
forms, and `make lint`'s check of literals outside gettext (tools/i18n.py)."""

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from babel.support import Translations
from flask_babel import force_locale, ngettext

from app import i18n
from app.extensions import socketio
from app.services.workshop.session import set_phase
from models import db
from tests.unit.i18n_helpers import ROOT, Visible, alone, catalog, get, tool

JS_I18N = ROOT / "static" / "src" / "lib" / "i18n.js"


def lang_of(response) -> str | None:
    return Visible(response.get_data(as_text=True)).lang


def english(message: str, domain: str = "messages") -> str:
    """The English catalog's translation of a French msgid (the compiled .mo the app reads)."""
    return Translations.load(str(i18n.DIRECTORY), ["en"], domain=domain).gettext(message)


# --- Pages: ?lang= (kept in the session) > session > Accept-Language > French.


def test_a_page_speaks_french_by_default(client):
    assert lang_of(get(client, "/")) == "fr"


def test_lang_in_the_query_is_kept_for_the_pages_that_follow(client):
    assert lang_of(get(client, "/?lang=en")) == "en"
    assert lang_of(get(client, "/login")) == "en"
    assert lang_of(get(client, "/join")) == "en"
    assert lang_of(get(client, "/login?lang=fr")) == "fr"
    assert lang_of(get(client, "/")) == "fr"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en-GB", "en"),
        ("en-US,en;q=0.9", "en"),
        ("de", "fr"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("fr-FR", "fr"),
        ("", "fr"),
    ],
)
def test_accept_language_chooses_on_a_first_visit(client, header, lang):
    assert lang_of(get(client, "/", headers={"Accept-Language": header})) == lang


def test_the_session_beats_accept_language(client):
    get(client, "/?lang=fr")
    assert lang_of(get(client, "/", headers={"Accept-Language": "en-GB"})) == "fr"
    get(client, "/?lang=en")
    assert lang_of(get(client, "/", headers={"Accept-Language": "fr-FR"})) == "en"


def test_an_unknown_lang_in_the_query_changes_nothing(client):
    get(client, "/?lang=en")
    assert lang_of(get(client, "/?lang=xx")) == "en"
    with client.session_transaction() as session:
        assert session["lang"] == "en"


# --- The JSON API: ?lang= or Accept-Language, never the session (the scripts send the page's language).


def _api_message(client, **options) -> str:
    response = alone(client, "GET", "/api/v1/no-such-thing" + options.pop("query", ""), **options)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    return response.json["error"]["message"]


def test_api_errors_follow_accept_language_and_lang(client):
    french = _api_message(client)
    assert english(french) != french, "the API's 404 message has no English translation"
    assert _api_message(client, headers={"Accept-Language": "en-GB,en;q=0.9"}) == english(french)
    assert _api_message(client, query="?lang=en") == english(french)
    assert _api_message(client, headers={"Accept-Language": "de"}) == french
    assert _api_message(client, query="?lang=fr", headers={"Accept-Language": "en"}) == french


def test_api_ignores_the_page_language_kept_in_the_session(client):
    french = _api_message(client)
    get(client, "/?lang=en")
    assert _api_message(client) == french
    assert _api_message(client, headers={"Accept-Language": "en"}) == english(french)


def test_a_refused_service_call_answers_in_the_callers_language(client, workshop, auth):
    """A ServiceError raised deep in a service (gettext at raise time) reaches the API in English."""
    headers = auth.api_headers()
    code = workshop.code
    db.session.close()  # on SQLite its transaction would hold the write lock the requests below need
    fr = alone(client, "GET", f"/api/v1/workshops/{code}/participants/999999/export", headers=headers)
    en = alone(
        client,
        "GET",
        f"/api/v1/workshops/{code}/participants/999999/export",
        headers={**headers, "Accept-Language": "en"},
    )
    assert fr.status_code == en.status_code == 404
    assert en.json["error"]["message"] == english(fr.json["error"]["message"]) != fr.json["error"]["message"]


# --- Sockets: auth.lang at connection, else the handshake's session or Accept-Language.


def test_a_socket_speaks_the_language_of_its_auth(app, workshop, join, fac):
    set_phase(fac, "setup")
    _alice, token = join(workshop, "Alice", with_token=True)
    column = workshop.columns[0].id
    messages = {}
    for lang in ("fr", "en"):
        c = socketio.test_client(app, auth={"token": token, "workshop": workshop.code, "lang": lang})
        try:
            refused = c.emit("idea.create", {"column_id": column, "text": "Lorem"}, callback=True)
        finally:
            c.disconnect()
        assert refused["ok"] is False and refused["error"]["code"] == "phase"
        messages[lang] = refused["error"]["message"]
    assert messages["en"] == english(messages["fr"]) != messages["fr"]


# --- The scripts' catalog embedded in every page (#fabrique-i18n).


class _Catalog(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.inside, self.text = False, ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and ("id", "fabrique-i18n") in attrs

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def page_catalog(client, lang: str) -> dict:
    return json.loads(_Catalog(get(client, f"/?lang={lang}").get_data(as_text=True)).text)


def test_the_page_embeds_the_scripts_catalog_in_its_language(client):
    en, fr = page_catalog(client, "en"), page_catalog(client, "fr")
    assert en["lang"] == "en" and fr["lang"] == "fr"
    assert fr["messages"] == {}  # French is the source: t() returns the msgid
    wanted = {m.id[0] if isinstance(m.id, tuple) else m.id: m.string for m in catalog("en", "js") if m.id}
    assert wanted and set(en["messages"]) == set(wanted)
    for msgid, string in wanted.items():
        assert en["messages"][msgid] == (list(string) if isinstance(string, tuple) else string), msgid
    assert (
        en["labels"]["phases"]["brainstorm"] == "Brainstorm"
        and fr["labels"]["phases"]["brainstorm"] == "Remue-méninges"
    )
    assert en["labels"]["grades"][5] == "Very good" and fr["labels"]["grades"][5] == "Très bien"
    assert len(en["labels"]["grades"]) == len(fr["labels"]["grades"]) == 7
    assert en["labels"]["colors"]["yellow"] == "Yellow" and fr["labels"]["colors"]["yellow"] == "Jaune"
    assert set(en["labels"]["phases"]) == set(fr["labels"]["phases"]) == set(i18n.PHASES)


# --- Plural forms: French takes the singular for 0 and 1, English for 1 only.


def _plural(domain: str):
    """A plural entry of the English catalog whose only placeholder is the count: (singular msgid,
    plural msgid, English singular, English plural)."""
    count = {"messages": {"num"}, "js": {"n"}}[domain]
    for message in catalog("en", domain):
        texts = (*message.id, *message.string) if isinstance(message.id, tuple) else ()
        if texts and all(texts) and all(tool()._placeholders(text) == count for text in texts):
            return (*message.id, *message.string[:2])
    pytest.fail(f"no translated plural entry in translations/en/LC_MESSAGES/{domain}.po")


def test_ngettext_forms_for_zero_one_two(app):
    singular, plural, en_one, en_many = _plural("messages")
    expected = {
        "fr": [singular, singular, plural],
        "en": [en_many, en_one, en_many],
    }
    with app.test_request_context("/"):
        for lang, forms in expected.items():
            with force_locale(lang):
                got = [ngettext(singular, plural, n) for n in (0, 1, 2)]
            assert got == [form % {"num": n} for form, n in zip(forms, (0, 1, 2), strict=True)], lang


def test_the_catalogs_declare_their_plural_rules():
    for domain in ("messages", "js"):
        assert catalog("en", domain).plural_expr == "(n != 1)"
        assert catalog("fr", domain).plural_forms.startswith("nplurals=")
        assert catalog("fr", domain).plural_expr.startswith("(n == 0 || n == 1) ? 0")  # 0 and 1 singular


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the browser scripts' module")
def test_the_scripts_tn_chooses_the_same_forms(tmp_path, app):
    """static/src/lib/i18n.js's tn(), run by node on the catalog a page embeds."""
    singular, plural, en_one, en_many = _plural("js")
    module = tmp_path / "i18n.mjs"
    module.write_text(JS_I18N.read_text(encoding="utf-8"), encoding="utf-8")
    script = tmp_path / "run.mjs"
    script.write_text(
        "const catalog = JSON.parse(process.argv[2]);\n"
        "globalThis.document = { getElementById: () => ({ textContent: JSON.stringify(catalog) }),"
        " documentElement: { lang: catalog.lang } };\n"
        f"const {{ tn }} = await import({json.dumps(module.as_uri())});\n"
        "console.log(JSON.stringify([0, 1, 2].map((n) => tn(process.argv[3], process.argv[4], n))));\n",
        encoding="utf-8",
    )
    with app.test_request_context("/"):
        for lang, forms in {"fr": [singular, singular, plural], "en": [en_many, en_one, en_many]}.items():
            with force_locale(lang):
                embedded = i18n.js_catalog()
            out = subprocess.run(
                ["node", str(script), json.dumps(embedded), singular, plural],
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            )
            assert json.loads(out.stdout) == [
                form.replace("{n}", str(n)) for form, n in zip(forms, (0, 1, 2), strict=True)
            ], lang


# --- `make lint`'s check: its detectors flag a bare literal and accept a wrapped one.


@pytest.fixture
def checker(tmp_path, monkeypatch):
    module = tool()
    monkeypatch.setattr(module, "ROOT", tmp_path)

    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return module, write


def test_the_template_check_flags_bare_text_and_attributes(checker):
    module, write = checker
    bare = write("bare.html", '<p>Bonjour tout le monde</p>\n<button aria-label="Fermer le panneau">×</button>\n')
    found = module.template_literals(bare)
    assert any("Bonjour tout le monde" in line for line in found), found
    assert any('aria-label="Fermer le panneau"' in line for line in found), found
    wrapped = write(
        "wrapped.html",
        "<p>{{ _('Bonjour tout le monde') }}</p>\n<button aria-label=\"{{ _('Fermer le panneau') }}\">×</button>\n"
        "{% trans n=3 %}Il reste {{ n }} minutes à la discussion.{% endtrans %}\n<p>Fabrique — CSV</p>\n",
    )
    assert module.template_literals(wrapped) == []


def test_the_python_check_flags_bare_messages(checker):
    module, write = checker
    bare = write(
        "bare.py",
        'NOPE = "Accès refusé à cet atelier."\n'
        'raise Forbidden("Vous n\'animez pas cet atelier.")\n'
        'flash(NOPE, "error")\n'
        'title = StringField("Titre de l\'atelier")\n'
        'text = _(f"Bonjour {name}")\n',
    )
    found = "\n".join(module.python_literals(bare))
    assert "Vous n'animez pas" in found and "Accès refusé" in found and "Titre de l" in found, found
    assert "f-string inside _()" in found, found
    wrapped = write(
        "wrapped.py",
        'NOPE = lazy_gettext("Accès refusé à cet atelier.")\n'
        'raise Forbidden(_("Vous n\'animez pas cet atelier."))\n'
        'flash(NOPE, "error")\n'
        'title = StringField(lazy_gettext("Titre de l\'atelier"))\n'
        'text = _("Bonjour %(name)s", name=name)\n',
    )
    assert module.python_literals(wrapped) == []


def test_the_script_check_flags_french_outside_t(checker):
    module, write = checker
    bare = write(
        "bare.js",
        'status.textContent = "Vous êtes hors ligne";\nbutton.title = `Fermer ${name} pour les participants`;\n',
    )
    found = "\n".join(module.js_literals(bare))
    assert "Vous êtes hors ligne" in found and "Fermer" in found, found
    wrapped = write(
        "wrapped.js",
        'import { t, tn } from "./lib/i18n.js";\n'
        'status.textContent = t("Vous êtes hors ligne");\n'
        'button.title = t("Fermer {name} pour les participants", { name });\n'
        'note.textContent = tn("{n} idée restante", "{n} idées restantes", count);\n'
        'node.dataset.state = "closed";\n',
    )
    assert module.js_literals(wrapped) == []


def test_the_catalog_check_compares_placeholders(checker):
    module, _write = checker
    assert module._placeholders("Bonjour %(name)s, {n} idées") == {"name", "n"}
    assert module._placeholders("Hello %(name)s") != module._placeholders("Bonjour %(nom)s")
