"""The translation catalogs: extract, fill, compile, check (make i18n, make setup, make lint).

    python tools/i18n.py extract     # messages.pot + js.pot from the sources, then update fr and en
    python tools/i18n.py fill DIR    # English translations from DIR/*.json ({msgid: msgstr | [singular, plural]})
    python tools/i18n.py compile     # .po → .mo (make setup)
    python tools/i18n.py check       # fails on a stale or incomplete catalog, or a user-facing literal outside gettext

French is the source language: `fr` catalogs keep empty msgstrs (gettext returns the msgid), `en` is complete.
"""

import ast
import bisect
import fcntl
import json
import re
import subprocess
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

from babel.messages.jslexer import tokenize
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "translations"
DOMAINS = {"messages": DIR / "babel.cfg", "js": DIR / "babel-js.cfg"}
KEYWORDS = {"messages": ["-k", "lazy_gettext", "-k", "lazy_ngettext:1,2"], "js": ["-k", "t", "-k", "tn:1,2"]}
LANGS = ("fr", "en")
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


@contextmanager
def locked():
    """One catalog writer at a time (several people may fill or extract at once)."""
    with open(DIR / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _run(*args: str) -> None:
    subprocess.run([*PYBABEL, "-q", *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def _extract(domain: str, output: Path) -> None:
    _run("extract", "-F", str(DOMAINS[domain]), *KEYWORDS[domain], "--no-location", "--sort-output",
         "--project", "Fabrique", "--copyright-holder", "Fabrique", "-o", str(output), ".")


def _po(lang: str, domain: str) -> Path:
    return DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def extract() -> None:
    """The templates (.pot) are made afresh in a temporary folder each time: the .po files are the record."""
    with locked(), tempfile.TemporaryDirectory() as tmp:
        for domain in DOMAINS:
            pot = Path(tmp) / f"{domain}.pot"
            _extract(domain, pot)
            for lang in LANGS:
                if _po(lang, domain).exists():
                    _run("update", "-i", str(pot), "-d", str(DIR), "-D", domain, "-l", lang,
                         "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap")
                else:
                    _run("init", "-i", str(pot), "-d", str(DIR), "-D", domain, "-l", lang, "--no-wrap")


def fill(source: Path) -> None:
    translations: dict = {}
    for part in sorted(source.glob("*.json")):
        translations.update(json.loads(part.read_text(encoding="utf-8")))
    with locked():
        for domain in DOMAINS:
            path = _po("en", domain)
            with path.open("rb") as handle:
                catalog = read_po(handle, locale="en")
            for message in catalog:
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if key and key in translations:
                    value = translations[key]
                    if isinstance(message.id, tuple):
                        message.string = tuple(value) if isinstance(value, list) else (value, value)
                    else:
                        message.string = value[0] if isinstance(value, list) else value
            with path.open("wb") as handle:
                write_po(handle, catalog, width=0, omit_header=False)
    print("\n".join(missing()) or "en: complete")


def compile_() -> None:
    for domain in DOMAINS:
        _run("compile", "-d", str(DIR), "-D", domain)


def _catalog(lang: str, domain: str):
    with _po(lang, domain).open("rb") as handle:
        return read_po(handle, locale=lang)


def missing() -> list[str]:
    out = []
    for domain in DOMAINS:
        for message in _catalog("en", domain):
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                out.append(f"en/{domain}: untranslated: {message.id!r}")
    return out


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def check_catalogs() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for domain in DOMAINS:
            pot = Path(tmp) / f"{domain}.pot"
            _extract(domain, pot)
            with pot.open("rb") as handle:
                wanted = {m.id for m in read_po(handle) if m.id}
            for lang in LANGS:
                have = {m.id for m in _catalog(lang, domain) if m.id}
                problems += [f"{lang}/{domain}: not in the catalog (make i18n): {i!r}" for i in sorted(wanted - have, key=str)]
    problems += missing()
    for domain in DOMAINS:
        for message in _catalog("en", domain):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and all(strings) and _placeholders(ids[-1]) != set().union(*map(_placeholders, strings)):
                problems.append(f"en/{domain}: placeholders differ: {message.id!r} → {message.string!r}")
    return problems


# --- Literals outside gettext.

LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]{2,}")
ALLOWED = {"Fabrique", "English", "Français", "CSV", "ODT", "PDF", "JSON", "HTML", "Markdown", "QR", "ESS",
           "iCalendar", "ProConnect", "OpenID", "Connect", "Ko", "KB", "px", "Alt", "Maj", "Esc", "Page", "Shift",
           "Enter", "Ctrl"}
ATTRIBUTES = re.compile(r"""\b(aria-label|aria-roledescription|aria-description|title|placeholder|alt|data-[\w-]+)\s*=\s*"([^"]*)\"""")


def _words(text: str) -> list[str]:
    return [w for w in LETTER.findall(text) if w not in ALLOWED]


def template_literals(path: Path) -> list[str]:
    """Text a reader sees (between tags, and in the attributes read aloud or shown) outside `_()` and
    `{% trans %}`: the template with every Jinja token replaced by \x00, then stripped of its tags."""
    source = path.read_text(encoding="utf-8")
    text, starts, in_trans, previous = [], [], False, ""
    for lineno, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        if kind == "name" and previous == "block_begin":
            in_trans = value in ("trans", "pluralize") or (in_trans and value != "endtrans")
        previous = kind if kind != "whitespace" else previous
        starts.append((sum(map(len, text)), lineno))
        text.append(value if kind == "data" and not in_trans else "\x00")
    text = "".join(text)

    def where(offset: int) -> int:
        return starts[bisect.bisect_right(starts, (offset, 10**9)) - 1][1]

    out = []
    for match in ATTRIBUTES.finditer(text):
        name, value = match.groups()
        if _words(value) and (not name.startswith("data-") or " " in value.strip("\x00 ")):
            out.append(f"{path.relative_to(ROOT)}:{where(match.start())}: {name}=\"{value.strip()}\"")
    text = ATTRIBUTES.sub(lambda m: " " * len(m.group(0)), text)
    text = re.sub(r"<!--.*?-->|<[^>]*>|&\w+;|&#\d+;", lambda m: " " * len(m.group(0)), text, flags=re.S)
    for match in re.finditer(r"[^\x00<>]+", text):
        if _words(match.group(0)):
            out.append(f"{path.relative_to(ROOT)}:{where(match.start())}: {' '.join(match.group(0).split())[:80]!r}")
    return out


MESSAGE_CALLS = {"Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict", "PhaseError", "BudgetError",
                 "TooLarge", "RateLimited", "ServiceError", "ConnectionRefusedError", "flash", "ValidationError"}
FIELD = re.compile(r"\w+Field$")


def _literal(node: ast.AST, constants: dict) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _literal(node.left, constants) or _literal(node.right, constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def python_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets if isinstance(target, ast.Name)
    }
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        args = []
        if name in MESSAGE_CALLS or FIELD.search(name):
            args += node.args[:1]
        field = FIELD.search(name) is not None
        args += [k.value for k in node.keywords if k.arg == "message" or (field and k.arg in ("label", "description"))]
        if name in ("_", "gettext", "lazy_gettext", "ngettext") and node.args and isinstance(node.args[0], ast.JoinedStr):
            out.append(f"{path.relative_to(ROOT)}:{node.lineno}: f-string inside {name}() cannot be extracted")
        for arg in args:
            text = _literal(arg, constants)
            if text and _words(text):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({text[:70]!r}…)")
    return out


FRENCH = re.compile(r"[àâçéèêëîïôûùüÿœÀÂÇÉÈÊÎÔÛ]|\b(vous|votre|les|des|une|est|pour|dans|avec)\b")


def js_literals(path: Path) -> list[str]:
    """French text in a script outside t()/tn(): the scripts' words come from the catalog."""
    source = path.read_text(encoding="utf-8")
    out, recent = [], []
    with warnings.catch_warnings():  # deprecated as public API, kept as Babel's own extractor's lexer
        warnings.simplefilter("ignore", DeprecationWarning)
        tokens = list(tokenize(source, template_string=True))
    for token in tokens:
        if token.type in ("string", "template_string"):
            inside = len(recent) >= 2 and recent[-1] in ("(", ",") and (recent[-2] in ("t", "tn") or (
                recent[-1] == "," and len(recent) >= 4 and recent[-4] == "tn"))
            if not inside and FRENCH.search(token.value):
                out.append(f"{path.relative_to(ROOT)}:{token.lineno}: {token.value[:70]}")
        if token.type not in ("linecomment", "multilinecomment"):
            recent = (recent + [token.value])[-4:]
    return out


def check() -> int:
    problems = check_catalogs()
    for path in sorted((ROOT / "templates").rglob("*.html")):
        problems += template_literals(path)
    for folder in ("app", "realtime", "models"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            problems += python_literals(path)
    for path in sorted((ROOT / "static" / "src").rglob("*.js")):
        problems += js_literals(path)
    print("\n".join(problems) or "i18n: catalogs complete, no literal outside gettext")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "fill":
        fill(Path(sys.argv[2]))
    elif command == "compile":
        compile_()
    else:
        sys.exit(check())
