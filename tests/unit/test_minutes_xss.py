"""No active content through any output path of the minutes: API, pages, HTML/ODT/MD exports."""

import io
import re
import zipfile

import pytest

from app.services.minutes import operations as minutes
from app.services.minutes.template import opening_template
from tests.conftest import api_headers
from tests.office import to_pdf
from tests.unit.test_minutes import Editor
from tests.unit.test_minutes_text import XSS_CORPUS, _assert_safe, _body, _browser_url, _parse_tags

BAD_SCHEME = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
ALL_PAYLOADS = "\n\n".join(XSS_CORPUS) + "\n\n/action <script>alert(1)</script> @x due:2025-01-01\n"


def write(actor, text: str) -> None:
    ed = Editor(minutes.sync_minutes(actor)["state"])
    minutes.apply_update(actor, ed.edit(lambda t: (t.clear(), t.insert(0, text))))


@pytest.fixture
def guest(client, workshop, join):
    actor, token = join(workshop, with_token=True)
    with client.session_transaction() as sess:
        sess["guests"] = {workshop.code: token}
    return actor, token


def get(client, path: str, token: str):
    r = client.get(path, headers=api_headers(token))
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_api_html_and_html_export_are_safe(client, workshop, guest, payload):
    actor, token = guest
    write(actor, payload)
    data = get(client, f"/api/v1/workshops/{workshop.code}/minutes", token).get_json()
    assert data["markdown"] == payload
    _assert_safe(data["html"])
    document = get(client, f"/api/v1/workshops/{workshop.code}/minutes/export?format=html", token)
    text = document.get_data(as_text=True)
    assert "<script" not in text.lower()
    _assert_safe(_body(text))


def _assert_page_safe(page: str) -> None:
    for tag, attrs in _parse_tags(page):
        names = dict(attrs)
        if tag == "script":
            assert (names.get("src") or "").startswith("/static/") or names.get("type") == "application/json", attrs
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, attrs)
            if name in {"href", "src", "action", "formaction", "data", "xlink:href"}:
                assert not BAD_SCHEME.match(_browser_url(value or "")), (tag, attrs)
        assert tag not in {"iframe", "svg", "math", "object", "embed", "img", "style", "base", "meta"} or (
            tag == "meta" and "http-equiv" not in names
        ), (tag, attrs)


def test_pages_are_safe(client, workshop, guest):
    actor, _token = guest
    write(actor, ALL_PAYLOADS)
    page = client.get(f"/w/{workshop.code}/minutes").get_data(as_text=True)
    _assert_page_safe(page)
    board = client.get(f"/w/{workshop.code}").get_data(as_text=True)
    panel = re.search(r'<section id="minutes".*?</section>', board, re.DOTALL)
    assert panel, "the board page includes the minutes panel"
    _assert_page_safe(panel.group(0))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, in the editor and the register


def test_markdown_export_is_an_attachment_of_raw_text(client, workshop, guest):
    actor, token = guest
    write(actor, ALL_PAYLOADS)
    r = get(client, f"/api/v1/workshops/{workshop.code}/minutes/export?format=md", token)
    assert r.mimetype == "text/markdown" and r.headers["Content-Disposition"].startswith("attachment;")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.get_data(as_text=True).startswith(ALL_PAYLOADS)


def test_odt_export_has_no_active_links(client, workshop, guest):
    actor, token = guest
    write(actor, ALL_PAYLOADS)
    data = get(client, f"/api/v1/workshops/{workshop.code}/minutes/export?format=odt", token).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml").decode()
    hrefs = re.findall(r'xlink:href="([^"]*)"', content)
    assert all(not BAD_SCHEME.match(_browser_url(h)) for h in hrefs), hrefs
    assert "<script" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert not re.search(r"<(office:script|script:)", content)


def test_odt_http_export_converts_to_pdf(client, workshop, guest, tmp_path):
    actor, token = guest
    write(actor, opening_template(workshop) + "\n/décision Ouvrir un tiers-lieu\n/action Visiter @ana due:2025-04-01\n")
    odt = get(client, f"/api/v1/workshops/{workshop.code}/minutes/export?format=odt", token).data
    pdf = to_pdf(odt, tmp_path, "compte-rendu")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
