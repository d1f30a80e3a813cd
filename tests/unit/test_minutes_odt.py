"""The ODT export of the minutes is valid OpenDocument 1.2 for any Markdown a person can type (issue 16).

Every part of the package (content, styles, meta, manifest) is validated against the OASIS ODF 1.2 RelaxNG
schemas vendored in tests/odf12/ (no network), and LibreOffice opens the corpus and converts it to PDF.
"""

from __future__ import annotations

import io
import time
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from odf import teletype
from odf.opendocument import load
from odf.table import TableCell
from odf.text import H, P

from app.lib.minutes_odt import to_odt
from tests.office import to_pdf

SCHEMAS = Path(__file__).resolve().parent.parent / "odf12"
PARTS = ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml")

CORPUS = {
    "headings": "# Compte rendu — Atelier\n\n## Ordre du jour\n\n### Détails\n\n#### Quatre\n\n##### Cinq\n\n###### Six",
    "lists": (
        "Ordre du jour :\n- point 1\n- point 2\n  - sous-point\n    - encore\n\n3. trois\n4. quatre\n\n"
        "2026. Une année charnière\n\n- [ ] case\n- **gras** et *italique*"
    ),
    "table in list": (
        "- avant\n- élément :\n\n  | Nom | Rôle |\n  |:--|--:|\n  | Zoé | animatrice |\n\n  suite du point\n- après\n\n"
        "1. un\n2. deux\n   - imbriqué\n\n     | a | b |\n     |---|---|\n     | 1 | 2 |\n\n     fin\n3. trois"
    ),
    "quotes and code": (
        "> Citation\n> ```\n> code dans une citation\n> ```\n>\n> - liste citée\n>\n>   ```\n>   code\n>   ```\n\n"
        "```python\nif a < b:\n    print('é')\n```\n\n    indenté\n\n- item\n\n  ```\n  code dans une liste\n  ```"
    ),
    "headings and rules in lists": "- # titre dans une liste\n- ---\n- > citation\n\n> | t |\n> |---|\n> | x |",
    "inline": (
        '**gras** *it* ~~barré~~ `code` [lien](https://exemple.fr "t") <https://a.fr> ![img](https://t.fr/x.png)\n'
        "ligne 2 \\\ncassée [![logo](https://t/x.png)](https://ok.fr) <b>brut</b> &copy; [ref][r]\n\n[r]: https://r.fr"
    ),
    "accents and emoji": "Été, ça déjà vu — « guillemets » 🎉 👩🏽‍🌾 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200b zéro\x00 contrôle\x0b",
    "empty": "",
    "blank": "\n\n   \n",
    "register": "/décision On ouvre\n- /action Trouver un local @amina due:2026-06-30\n",
    "odd": "|\n|-\n\n- \n\n1.\n\n>\n\n***\n\n`\n\n[]()\n\n<!-- x -->\n\n| a |\n|---|\n",
}


@cache
def _validator(name: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / name)))


def assert_valid_odf12(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        for part in PARTS:
            document = etree.fromstring(archive.read(part))
            schema = (
                "OpenDocument-v1.2-os-manifest-schema.rng" if "manifest" in part else "OpenDocument-v1.2-os-schema.rng"
            )
            validator = _validator(schema)
            errors = "" if validator.validate(document) else str(validator.error_log.last_error)
            assert not errors, f"{part}: {errors}"
        manifest = etree.fromstring(archive.read("META-INF/manifest.xml"))
        assert manifest.get("{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}version") == "1.2"


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_validates_against_the_odf12_schema(name):
    assert_valid_odf12(to_odt(CORPUS[name], "Compte rendu — Atelier"))


# What people type, in pieces: any sequence of them is Markdown someone could write.
TYPED = [
    "- ", "  - ", "    - ", "1. ", "3) ", "> ", "> > ", "# ", "### ", "```\n", "~~~\n", "| a | b |\n|---|:-:|\n",
    "| x |", "---\n", "***", "    ", "\n", "\n\n", "texte", "**gras**", "*it*", "~~s~~", "`c`", "[l](https://a.fr)",
    "![i](https://x/y.png)", "<b>", "&amp;", "é🎉", "\\", "|", "[", "]", "_", "\x00", "\x0b", "<https://a.fr>",
    "[r]: https://r.fr\n", "[r]",
]  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TYPED), min_size=1, max_size=60))
def test_any_sequence_of_what_people_type_validates(pieces):
    assert_valid_odf12(to_odt("".join(pieces), "Compte rendu"))


def test_the_schema_catches_what_the_export_used_to_write():
    """The check can fail: text properties before paragraph properties (what styles.xml had) are refused."""
    data = to_odt("texte", "T")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("styles.xml").decode()
    start = styles.index("<style:paragraph-properties")
    end = styles.index("/>", start) + 2
    paragraph = styles[start:end]
    text_start = styles.index("<style:text-properties", end)
    text_end = styles.index("/>", text_start) + 2
    swapped = styles[:start] + styles[end:text_end] + paragraph + styles[text_end:]
    assert not _validator("OpenDocument-v1.2-os-schema.rng").validate(etree.fromstring(swapped.encode()))


def _texts(data: bytes) -> tuple[list[str], list[str], list[str]]:
    doc = load(io.BytesIO(data))
    return (
        [teletype.extractText(h) for h in doc.getElementsByType(H)],
        [teletype.extractText(p) for p in doc.getElementsByType(P)],
        [teletype.extractText(c) for c in doc.getElementsByType(TableCell)],
    )


def test_one_title_and_everything_kept_around_a_table_in_a_list():
    headings, paragraphs, cells = _texts(to_odt(CORPUS["table in list"], "Compte rendu"))
    assert headings == ["Compte rendu"]  # the minutes have no heading: the title once
    assert {"avant", "élément :", "suite du point", "après", "imbriqué", "fin", "trois"} <= set(paragraphs)
    assert cells == ["Nom", "Rôle", "Zoé", "animatrice", "a", "b", "1", "2"]
    headings, _, _ = _texts(to_odt(CORPUS["headings"], "Compte rendu — Atelier"))
    assert headings.count("Compte rendu — Atelier") == 1 and headings[0] == "Compte rendu — Atelier"


def test_ordered_lists_keep_their_start_numbers():
    for source, number in (("3. trois\n4. quatre", "3"), ("Texte.\n\n2026. Une année charnière", "2026")):
        with zipfile.ZipFile(io.BytesIO(to_odt(source, "T"))) as archive:
            content = archive.read("content.xml").decode()
        assert content.count("text:start-value=") == 1 and f'text:start-value="{number}"' in content


def _long_minutes(chars: int = 200_000) -> str:
    blocks, n = [], 0
    while sum(map(len, blocks)) < chars:
        blocks.append(
            f"## Point {n}\n\nLe groupe {n} propose une *piste* ([fiche](https://exemple.fr/{n})) et `code {n}`.\n"
            f"- élément {n}\n  - détail 🎉\n\n  | a | b |\n  |---|--:|\n  | {n} | ok |\n\n> citation {n}\n"
        )
        n += 1
    return "\n".join(blocks)[:chars]


def test_two_hundred_thousand_characters_validate_in_bounded_time():
    source = _long_minutes()
    start = time.perf_counter()
    data = to_odt(source, "Long")
    elapsed = time.perf_counter() - start
    print(f"\nODT of {len(source)} characters: {elapsed:.2f} s, {len(data)} bytes")
    assert elapsed < 30
    assert_valid_odf12(data)


def test_libreoffice_opens_the_corpus_and_converts_it_to_pdf(tmp_path):
    pdf = to_pdf(to_odt("\n\n".join(CORPUS.values()) + "\n\n" + _long_minutes(20_000), "Corpus"), tmp_path, "corpus")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_an_export_failure_is_a_french_message_never_a_trace(client, workshop, join, monkeypatch):
    from app.services.minutes import rendering

    _alice, token = join(workshop, with_token=True)

    def broken(*_args):
        raise RuntimeError("IllegalChild: table:table in text:list-item")

    monkeypatch.setattr(rendering, "to_odt", broken)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    r = client.get(
        f"/api/v1/workshops/{workshop.code}/minutes/export?format=odt", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 500 and r.is_json
    message = r.json["error"]["message"]
    assert "Erreur interne" in message and "IllegalChild" not in r.get_data(as_text=True)
    page = client.get("/w/NEXISTEPAS/minutes")
    assert page.status_code in (302, 404)
    missing = client.get("/aucune-page-ici")
    assert missing.status_code == 404 and "Page introuvable" in missing.get_data(as_text=True)
    assert "Not Found" not in missing.get_data(as_text=True)
    r = client.get(
        f"/api/v1/workshops/{workshop.code}/minutes/export?format=pdf", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 400 and "format" in r.json["error"]["message"]
