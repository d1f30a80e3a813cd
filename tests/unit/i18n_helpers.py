"""What the i18n tests share (issue 18): the catalogs' distinctive words, a page's visible text, tools/i18n.py.

A French page must keep no word that only English uses, and an English page no word that only French
uses. The words come from the catalogs themselves (never a hand-written list), so every new message
extends the check: `distinctive("fr")` are the words of the French msgids (4 letters or more, or with an
accent) that appear in no English msgstr; `distinctive("en")` the words of the English msgstrs that
appear in no French msgid. Placeholders, markup and the product names tools/i18n.py allows are left out.
"""

import importlib.util
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("messages", "js")
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]+")
NOT_WORDS = re.compile(r"%\(\w+\)[sdif]|%[sd]|\{\w+\}|<[^>]*>|&\w+;|&#\d+;")
ADDRESSES = re.compile(r"\S*[/@]\S*")  # URLs, paths and e-mail addresses are no prose


@cache
def tool():
    """tools/i18n.py as a module (`make lint`'s check; tools/ is no package)."""
    spec = importlib.util.spec_from_file_location("fabrique_i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alone(client, method: str, url: str, **options):
    """A request in an app context of its own, as in production. The `app` fixture keeps one app
    context pushed, which the test client's requests reuse: its `g` would keep the first request's
    language (Flask-Babel caches it there), logged-in user (Flask-Login) and socket language (`g.lang`)."""
    with client.application.app_context():
        return client.open(url, method=method, **options)


def get(client, url: str, **options):
    return alone(client, "GET", url, **options)


def catalog(lang: str, domain: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _forms(value) -> tuple:
    return tuple(v for v in (value if isinstance(value, tuple) else (value,)) if v)


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(ADDRESSES.sub(" ", NOT_WORDS.sub(" ", text)))}


@cache
def distinctive(lang: str) -> frozenset[str]:
    """The words only `lang` uses in the catalogs, lower case."""
    french, english = set(), set()
    for domain in DOMAINS:
        for message in catalog("fr", domain):
            if message.id:
                french.update(*map(words, _forms(message.id)))
        for message in catalog("en", domain):
            if message.id:
                english.update(*map(words, _forms(message.string)))
    allowed = {w.lower() for w in tool().ALLOWED}
    mine, theirs = (french, english) if lang == "fr" else (english, french)
    return frozenset(w for w in mine - theirs - allowed if len(w) >= 4 or not w.isascii())


class Visible(HTMLParser):
    """What a reader of an HTML page sees or hears: text outside <script>/<style> (so not the
    #fabrique-i18n catalog) and code (<code>, <kbd>, <samp>: names, not words), the attributes read aloud
    or shown, the button values; and `<html lang>`."""

    SKIP = {"script", "style", "code", "kbd", "samp"}
    SPOKEN = ("aria-label", "aria-roledescription", "aria-description", "title", "placeholder", "alt")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.lang, self.chunks, self._skipping = None, [], 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value for name, value in attrs if value}
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag in self.SKIP:
            self._skipping += 1
        for name in self.SPOKEN:
            if name in attrs:
                self.chunks.append((f"<{tag} {name}>", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and "value" in attrs:
            self.chunks.append(("<input value>", attrs["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.chunks.append(("text", data))


def leftovers(chunks, banned: frozenset[str], typed=()) -> list[tuple[str, str, str]]:
    """(word, where, snippet) for each banned word in `chunks` [(where, text)], once `typed` (what people
    typed: names, titles, codes) is taken out of the text."""
    typed = sorted({t for t in typed if t}, key=len, reverse=True)
    found = []
    for where, text in chunks:
        for value in typed:
            text = text.replace(value, " ")
        text = " ".join(ADDRESSES.sub(" ", text).split())
        for match in WORD.finditer(text):
            if match.group(0).lower() in banned:
                start = max(0, match.start() - 50)
                found.append((match.group(0), where, text[start : match.end() + 50]))
    return found
