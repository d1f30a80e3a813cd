"""Tests for app.lib.minutes_text (rendering, register, ODT export) and the printable page built on it."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
from odf import teletype
from odf.opendocument import load
from odf.table import TableCell
from odf.text import H, P

from app.api.minutes import print_page
from app.lib.minutes_odt import to_odt
from app.lib.minutes_text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    extract_register,
    render_markdown,
)
from tests.office import to_pdf

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav\tascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](  javascript:alert(1)  )",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.gif)",
    "[![x](https://tracker.example/p.gif)](https://ok.example)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<iframe src=https://evil.example></iframe>",
    "<iframe src=javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](vbscript:msgbox(1))",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<details open ontoggle=alert(1)>",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: JAVASCRIPT:alert(1)",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '[x](http://a "\\" onmouseover=alert(1) x=\\"")',
    "[x](http://a 'x\\' onmouseover=alert(1)')",
    '[x](https://ok.example "a" onclick="alert(1)")',
    "<div onmouseover=alert(1)>x</div>",
    "<p style=\"background:url('javascript:alert(1)')\">x</p>",
    "<!-- <script>alert(1)</script> -->",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "    <img src=x onerror=alert(1)>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <svg onload=alert(1)> |",
    "*<img src=x onerror=alert(1)>*",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "\x00<script>alert(1)</script>",
    "<a href=&#x6A;avascript:alert(1)>x</a>",
    "<foo@bar.example>",
]

FORBIDDEN_TAGS = {
    "script",
    "svg",
    "iframe",
    "style",
    "img",
    "math",
    "object",
    "embed",
    "form",
}
EVENT_ATTR_RE = re.compile(r"^on\w+$", re.IGNORECASE)
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "srcset",
    "poster",
}
BAD_SCHEME_RE = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


class _TagCollector(HTMLParser):
    """Parse HTML like a browser would and record every start tag with its attributes."""

    def __init__(self) -> None:
        """Start with no tag seen."""
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag (attribute values arrive entity-decoded)."""
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _parse_tags(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return the start tags of an HTML fragment."""
    collector = _TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector.tags


def _browser_url(value: str) -> str:
    """Normalise a decoded URL the way the WHATWG URL parser does before the scheme."""
    return re.sub(r"[\t\n\r]", "", value).strip(C0_AND_SPACE)


def _body(document: str) -> str:
    """Return what lies between <body> and </body>."""
    match = re.search(r"<body>(.*)</body>", document, re.DOTALL)
    assert match, "no <body> element"
    return match.group(1)


def _assert_safe(output: str) -> None:
    """Assert an HTML fragment has no active content or dangerous URLs."""
    assert not re.search(r"<\s*(script|svg|iframe|style|img|math)", output, re.IGNORECASE)
    for tag, attrs in _parse_tags(output):
        assert tag in ALLOWED_TAGS and tag not in FORBIDDEN_TAGS, (tag, output)
        for name, value in attrs:
            assert name in {"href", "title", "rel"}, (name, output)
            assert not EVENT_ATTR_RE.match(name), output
            if name in URL_ATTRS:
                assert not BAD_SCHEME_RE.match(_browser_url(value or "")), output


# --------------------------------------------------------------------------
# render_markdown: XSS corpus
# --------------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_render_markdown_neutralises_xss(payload: str) -> None:
    """Every payload renders without active content."""
    _assert_safe(render_markdown(payload))


def to_print_html(source: str, title: str, lang: str = "fr") -> str:
    """The printable page of the HTML export, from Markdown (rendering it needs the app's templates)."""
    return print_page(render_markdown(source), title, lang)


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_print_html_body_neutralises_xss(payload: str) -> None:
    """The printable document body is as safe as render_markdown."""
    document = to_print_html(payload, "Titre")
    _assert_safe(_body(document))
    assert "<script" not in document.lower()


def test_raw_html_is_shown_as_text() -> None:
    """Raw HTML typed in the minutes is displayed literally, not interpreted."""
    out = render_markdown("Avant <b>gras</b> <script>alert(1)</script> après")
    assert "&lt;b&gt;gras&lt;/b&gt;" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "après" in out


def test_raw_html_block_is_shown_as_text() -> None:
    """A raw HTML block is escaped too."""
    out = render_markdown('<div class="x">\n<p>bloc</p>\n</div>')
    assert "&lt;div" in out and "<div" not in out


def test_images_are_replaced_by_alt_text() -> None:
    """Images never produce a request: only their alt text remains."""
    out = render_markdown("Voir ![le schéma](https://tracker.example/x.png) ici")
    assert "<img" not in out and "tracker.example" not in out
    assert "Voir le schéma ici" in out


def test_linked_image_keeps_link_with_alt_text() -> None:
    """An image inside a link becomes the link's text."""
    out = render_markdown("[![Logo](https://t.example/l.png)](https://ok.example/)")
    assert re.search(r'<a href="https://ok.example/"[^>]*>Logo</a>', out)


def test_entities_stay_text() -> None:
    """Entity tricks render as text, never as markup."""
    out = render_markdown("&lt;script&gt; &amp; &copy;")
    assert "&lt;script&gt;" in out and "<script" not in out
    assert "&amp;" in out and "©" in out


def test_title_injection_stays_inside_attribute() -> None:
    """A crafted link title cannot break out of its attribute."""
    out = render_markdown('[x](http://a "\\" onmouseover=alert(1) x=\\"")')
    [(tag, attrs)] = _parse_tags(out)[1:]
    assert tag == "a"
    assert dict(attrs) == {
        "href": "http://a",
        "title": '" onmouseover=alert(1) x="',  # CommonMark unescapes \\" in a title
        "rel": "noopener noreferrer nofollow",
    }


def test_dangerous_scheme_links_lose_href() -> None:
    """Links with forbidden schemes are no links: their source shows as text (markdown-it's validateLink)."""
    for src in (
        "[x](javascript:alert(1))",
        "[x](data:text/html,hi)",
        "[x](vbscript:y)",
    ):
        out = render_markdown(src)
        assert "href" not in out and "<a" not in out and out == f"<p>{src}</p>"


# --------------------------------------------------------------------------
# render_markdown: features kept
# --------------------------------------------------------------------------


def test_allow_list_constants() -> None:
    """The exported allow-list matches the documented policy."""
    assert {"p", "a", "table", "pre", "code", "del"} <= ALLOWED_TAGS
    assert not {"img", "script", "style", "svg", "iframe"} & ALLOWED_TAGS
    assert ALLOWED_ATTRIBUTES == {"a": frozenset({"href", "title"}), "ol": frozenset({"start"})}
    assert URL_SCHEMES == frozenset({"http", "https", "mailto"})


def test_headings_and_accents() -> None:
    """Headings render and French accents are preserved."""
    out = render_markdown("# Réunion d'été\n\n## Éléments à noter\n\nÇa a été déjà vu, où ?")
    assert "<h1>Réunion d'été</h1>" in out or "<h1>Réunion d&#39;été</h1>" in out
    assert "<h2>Éléments à noter</h2>" in out
    assert "Ça a été déjà vu, où ?" in out


def test_lists() -> None:
    """Bullet, numbered and nested lists render."""
    out = render_markdown("- un\n- deux\n    - trois\n\n1. premier\n2. second")
    assert "<ul>" in out and "<ol>" in out
    assert out.count("<li>") == 5


def test_https_link_kept_with_rel() -> None:
    """Allowed links are kept, with a safe rel attribute."""
    out = render_markdown('[site](https://exemple.fr/a?b=1&c=2 "Le site")')
    assert 'href="https://exemple.fr/a?b=1&amp;c=2"' in out
    assert 'title="Le site"' in out
    assert 'rel="noopener noreferrer nofollow"' in out


def test_mailto_and_autolink_kept() -> None:
    """mailto links and <https://…> autolinks are kept."""
    out = render_markdown("[écrire](mailto:a@b.fr) et <https://exemple.fr>")
    assert 'href="mailto:a@b.fr"' in out
    assert 'href="https://exemple.fr"' in out


def test_code_blocks() -> None:
    """Fenced and inline code render, with their content escaped."""
    out = render_markdown("```python\nif a < b:\n    print('é')\n```\n\nEt `x<y`.")
    assert "<pre><code>" in out and "if a &lt; b:" in out and "print('é')" in out
    assert "<code>x&lt;y</code>" in out


def test_blockquote_and_emphasis() -> None:
    """Markdown blockquotes (>) still work although raw HTML is disabled."""
    out = render_markdown("> **Important** : *à lire*")
    assert "<blockquote>" in out
    assert "<strong>Important</strong>" in out and "<em>à lire</em>" in out


def test_tables() -> None:
    """Pipe tables render with their alignment as a class, never a style attribute (the pages' CSP)."""
    out = render_markdown("| Nom | Rôle | Âge |\n|:---|---:|---|\n| Zoé | animatrice | 30 |")
    assert (
        "<table>" in out
        and '<th class="align-left">Nom</th>' in out
        and '<td class="align-right">animatrice</td>' in out
    )
    assert "<td>30</td>" in out and "style=" not in out


def test_line_breaks_and_rule() -> None:
    """Single newlines become <br> and --- becomes <hr>."""
    out = render_markdown("ligne 1\nligne 2\n\n---\n\nfin")
    assert "<br>" in out and "<hr>" in out


def test_empty_source() -> None:
    """Empty or None input renders to an empty string."""
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# to_print_html
# --------------------------------------------------------------------------


@pytest.mark.usefixtures("app")
def test_print_html_document_structure() -> None:
    """The printable document is standalone, escaped and script-free."""
    doc = to_print_html("# Bilan\n\nTexte", 'CR <atelier> & "été"', lang="fr")
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in doc and '<meta charset="utf-8">' in doc
    assert "<title>CR &lt;atelier&gt; &amp; &quot;été&quot;</title>" in doc
    assert "@media print" in doc and "@page" in doc
    assert "<script" not in doc.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc.split("<body>")[0])
    assert "<link" not in doc and "@import" not in doc
    assert _body(doc).strip() == render_markdown("# Bilan\n\nTexte")


@pytest.mark.usefixtures("app")
def test_print_html_lang() -> None:
    """A valid lang is used; an invalid one falls back to French."""
    assert '<html lang="en-GB">' in to_print_html("x", "t", lang="en-GB")
    assert '<html lang="fr">' in to_print_html("x", "t", lang='"><script>')


# --------------------------------------------------------------------------
# extract_register
# --------------------------------------------------------------------------

REGISTER_SOURCE = """# Compte rendu

/décision On garde le créneau du jeudi
- /action Réserver la salle @zoé due:2024-05-03
* /decision Budget validé : 300 €
  - /action Envoyer le devis — @jean-paul.dupont échéance:2024-06-15
1. /Action Préparer l'affiche @Élodie_2
/action Relancer le fournisseur due:2024-02-30 @marc
/action sans responsable ni date
Texte normal avec /action au milieu
/actions pas un tag
/décisions pas un tag non plus
```
/action dans un bloc de code @x due:2024-01-01
```
- [ ] /action Case à cocher @lea echeance:2024-12-31
/décision
/action Écrire à marie@exemple.fr @paul due:2025-01-10 avant midi
"""


def test_register_decisions() -> None:
    """Decisions are found in French and English forms, with list markers."""
    decisions = extract_register(REGISTER_SOURCE)["decisions"]
    assert decisions == [
        {"line": 3, "text": "On garde le créneau du jeudi"},
        {"line": 5, "text": "Budget validé : 300 €"},
    ]


def test_register_actions() -> None:
    """Actions carry owner and due date; invalid dates stay in the text."""
    actions = extract_register(REGISTER_SOURCE)["actions"]
    assert actions == [
        {"line": 4, "text": "Réserver la salle", "owner": "zoé", "due": "2024-05-03"},
        {
            "line": 6,
            "text": "Envoyer le devis",
            "owner": "jean-paul.dupont",
            "due": "2024-06-15",
        },
        {"line": 7, "text": "Préparer l'affiche", "owner": "Élodie_2", "due": None},
        {
            "line": 8,
            "text": "Relancer le fournisseur due:2024-02-30",
            "owner": "marc",
            "due": None,
        },
        {"line": 9, "text": "sans responsable ni date", "owner": None, "due": None},
        {"line": 16, "text": "Case à cocher", "owner": "lea", "due": "2024-12-31"},
        {
            "line": 18,
            "text": "Écrire à marie@exemple.fr avant midi",
            "owner": "paul",
            "due": "2025-01-10",
        },
    ]


def test_register_english_forms_and_colon() -> None:
    """English tags and a colon after the tag are accepted."""
    reg = extract_register("/decision: ship it\n/action: write docs @bob due:2030-01-31")
    assert reg["decisions"] == [{"line": 1, "text": "ship it"}]
    assert reg["actions"] == [{"line": 2, "text": "write docs", "owner": "bob", "due": "2030-01-31"}]


def test_register_decomposed_accents() -> None:
    """A tag typed with a combining accent (NFD) is recognised."""
    reg = extract_register("/de\u0301cision Texte")
    assert reg["decisions"] == [{"line": 1, "text": "Texte"}]


def test_register_owner_trailing_dot_and_first_owner() -> None:
    """Only the first @token is the owner; a sentence dot is not part of it."""
    reg = extract_register("/action Voir avec @anne. Puis @bruno")
    assert reg["actions"] == [{"line": 1, "text": "Voir avec . Puis @bruno", "owner": "anne", "due": None}]


def test_register_text_is_plain() -> None:
    """Register text is returned raw (escaping is the template's job)."""
    reg = extract_register("/décision <script>alert(1)</script>")
    assert reg["decisions"][0]["text"] == "<script>alert(1)</script>"


def test_register_line_numbers_follow_editor_lines() -> None:
    """CRLF counts as one break; form feeds or U+2028 do not start a new line."""
    reg = extract_register("a\r\nb\x0cc\u2028d\r/décision ok")
    assert reg["decisions"] == [{"line": 3, "text": "ok"}]


def test_register_empty() -> None:
    """Empty input gives empty lists."""
    assert extract_register("") == {"decisions": [], "actions": []}


# --------------------------------------------------------------------------
# to_odt
# --------------------------------------------------------------------------

ODT_SOURCE = """# Ordre du jour

Premier paragraphe avec **gras**, *italique* et [un lien](https://exemple.fr).

## Décisions

- Point un
- Point deux
    - sous-point

1. étape A
2. étape B

> Citation importante

```
code   indenté
```

| Nom | Rôle |
|-----|------|
| Zoé | animatrice |

---

Dernier paragraphe <script>alert(1)</script> ![image](https://t.example/x.png)
"""


def _odt_texts(data: bytes) -> tuple[list[str], list[str], list[str]]:
    """Reload an ODT and return (headings, paragraphs, table cells) as text."""
    doc = load(io.BytesIO(data))
    headings = [teletype.extractText(h) for h in doc.getElementsByType(H)]
    paragraphs = [teletype.extractText(p) for p in doc.getElementsByType(P)]
    cells = [teletype.extractText(c) for c in doc.getElementsByType(TableCell)]
    return headings, paragraphs, cells


def test_to_odt_is_a_valid_package() -> None:
    """The export is a zip whose first entry is the uncompressed ODT mimetype."""
    data = to_odt(ODT_SOURCE, "Atelier vélo — 12 mai")
    assert isinstance(data, bytes) and data.startswith(b"PK")
    assert b"application/vnd.oasis.opendocument.text" in data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert {"content.xml", "styles.xml", "META-INF/manifest.xml"} <= set(archive.namelist())


def test_to_odt_content() -> None:
    """Headings (title first), paragraphs, lists, quote, code and table survive."""
    headings, paragraphs, cells = _odt_texts(to_odt(ODT_SOURCE, "Atelier vélo — 12 mai"))
    assert headings == ["Ordre du jour", "Décisions"]  # the minutes' own first heading: no second title
    assert "Premier paragraphe avec gras, italique et un lien." in paragraphs
    for expected in ("Point un", "sous-point", "étape B", "Citation importante"):
        assert expected in paragraphs
    assert "code   indenté" in paragraphs
    assert "Dernier paragraphe <script>alert(1)</script> image" in paragraphs
    assert cells == ["Nom", "Rôle", "Zoé", "animatrice"]


def test_to_odt_heading_levels() -> None:
    """Headings keep their outline level."""
    doc = load(io.BytesIO(to_odt("# Un\n\n## Deux\n\n### Trois", "T")))
    levels = [h.getAttribute("outlinelevel") for h in doc.getElementsByType(H)]
    assert levels == ["1", "2", "3"]


def test_to_odt_drops_invalid_xml_characters() -> None:
    """Control characters cannot corrupt the XML."""
    headings, paragraphs, _ = _odt_texts(to_odt("a\x00b\x0cc", "ti\x07tre"))
    assert headings == ["titre"]
    assert "a\ufffdbc" in paragraphs  # CommonMark replaces NUL by U+FFFD; the form feed is dropped


def test_to_odt_empty() -> None:
    """An empty minutes document still exports its title."""
    headings, _, _ = _odt_texts(to_odt("", "Vide"))
    assert headings == ["Vide"]


def test_to_odt_converts_to_pdf_with_libreoffice(tmp_path) -> None:
    """LibreOffice opens the export and converts it to PDF."""
    pdf = to_pdf(to_odt(ODT_SOURCE, "Atelier vélo"), tmp_path, "compte-rendu")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
