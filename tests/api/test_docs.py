"""/api/docs/: the API reference, rendered on the server from the schema /api/schema/ serves."""

import html
import json
import re
from html.parser import HTMLParser

import pytest
from drf_spectacular.renderers import OpenApiJsonRenderer

from api import reference

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
METHODS = {"get", "put", "post", "patch", "delete"}
PROGRESS = "op-api_v1_campaigns_progress_retrieve"


class Page(HTMLParser):
    """The tags of a page, with their attributes, and its text."""

    def __init__(self, body: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def section(body: str, anchor: str) -> str:
    start = body.index(f'<section id="{anchor}"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def docs(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response


def test_the_reference_is_plain_html_without_javascript(docs):
    assert docs["Content-Type"].startswith("text/html")
    body = docs.content.decode()
    reference_part = body[body.index('<div class="api-docs">') :]
    assert "<script" not in reference_part
    assert "<noscript" not in body
    assert "Progress" in Page(body).plain  # the content is in the HTML, not fetched by a script


def test_every_operation_of_the_schema_is_on_the_page(docs):
    schema, _views = reference.generate_schema()
    body = docs.content.decode()
    text = Page(body).plain
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(operations) >= 20
    for method, path, operation in operations:
        anchor = f"op-{operation['operationId']}"
        assert f'id="{anchor}"' in body, anchor
        assert f'href="#{anchor}"' in body, f"{anchor} is not in the contents"
        assert f"{method.upper()} {path}" in text, f"{method.upper()} {path}"
        if operation.get("summary"):
            assert html.escape(operation["summary"]) in section(body, anchor)


def test_the_page_is_built_from_the_schema_that_is_served(client):
    served = client.get("/api/schema/?format=json").json()
    schema, _views = reference.generate_schema()
    assert json.loads(OpenApiJsonRenderer().render(schema)) == served


def test_the_docs_pages_are_not_api_operations(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert not [path for path in paths if path.startswith("/api/docs") or "schema" in path]


def test_the_progress_answer_lists_its_fields(docs):
    progress = section(docs.content.decode(), PROGRESS)
    text = Page(progress).plain
    assert "total_signatures integer" in text
    assert "Confirmed signatures." in text
    assert "updated_at string(date-time) can be null" in text
    assert "One of: live, closed" in text  # an enum behind a $ref
    assert 'href="#type-Figure"' in progress  # a nested object, described under Data types
    assert 'id="type-Figure"' in docs.content.decode()
    assert "Cache-Control: public, max-age=" in text
    assert "No authentication" in text


def test_partner_operations_say_which_token_scope_they_need(docs):
    body = docs.content.decode()
    signing = Page(section(body, "op-api_v1_campaigns_signatures_create")).plain
    assert "Partner token, scope signatures:write" in signing
    assert "120/min signatures per token" in signing
    assert "Cache-Control: private, no-store" in signing
    # The request body: what to send, without the fields the server fills in.
    assert "email string required" in signing
    assert "Authorization: Bearer $TOKEN" in signing
    webhooks = Page(section(body, "op-api_v1_partners_me_webhooks_create")).plain
    request_part = webhooks[webhooks.index("Request body") : webhooks.index("Responses")]
    assert "url string(uri) required" in request_part
    assert "created_at" not in request_part
    assert "One of: signature.confirmed" in request_part  # an array of an enum
    basics = Page(section(body, "basics")).plain
    assert "Authorization: Bearer <token>" in basics
    assert "stats:read" in basics and "webhooks:manage" in basics


def test_the_page_has_one_h1_and_says_its_language_and_direction(docs):
    page = Page(docs.content.decode())
    assert len(page.all("h1")) == 1
    (root,) = page.all("html")
    assert root["lang"] == "en" and root["dir"] == "ltr"


def test_the_page_loads_nothing_from_another_origin(docs, client):
    page = Page(docs.content.decode())
    loaded = [a.get("src") for _tag, a in page.tags if a.get("src")]
    loaded += [a.get("href") for a in page.all("link") if a.get("rel") != "alternate"]
    assert loaded
    for url in loaded:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not [attrs for _tag, attrs in page.tags if "style" in attrs], "CSP: no inline style"
    assert "frame-ancestors 'none'" in docs["Content-Security-Policy"]
    stylesheet = client.get("/static/css/api-docs.css")
    assert stylesheet.status_code == 200
    css = b"".join(stylesheet.streaming_content).decode()
    assert "url(" not in css and "@import" not in css


def test_the_page_has_no_email_address_and_is_small(docs, client):
    """Small on a slow connection: what travels is the compressed page (GZipMiddleware), and
    what a phone parses stays bounded too."""
    for path in ("/api/docs/", "/ar/api/docs/"):
        response = client.get(path)
        assert not EMAIL.search(response.content.decode())
        assert len(response.content) < 150_000
        sent = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert sent["Content-Encoding"] == "gzip"
        assert len(sent.content) < 25_000


def test_the_arabic_page_is_right_to_left_with_left_to_right_code(client):
    response = client.get("/ar/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    page = Page(body)
    (root,) = page.all("html")
    assert root["lang"] == "ar" and root["dir"] == "rtl"
    pre = page.all("pre")
    assert pre and all(attrs.get("dir") == "ltr" for attrs in pre)
    code = page.all("code")
    # Every <code> is an island of its own, but for the one inside each <pre>.
    assert len(code) > 100
    assert sum(attrs.get("dir") == "ltr" for attrs in code) == len(code) - len(pre)
    assert '<h3><span class="api-method api-get">GET</span> <code dir="ltr">' in body
    # The schema's own texts are English: marked so, in their own direction.
    assert '<p class="api-summary" lang="en" dir="auto">' in section(body, PROGRESS)


def test_unprefixed_docs_are_english_and_link_to_the_other_languages(client):
    response = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="ar")
    body = response.content.decode()
    assert '<html lang="en"' in body  # unprefixed pages are English, as everywhere on the site
    assert 'href="/ar/api/docs/"' in body
    assert client.get("/fr/api/docs/").status_code == 200


def test_docs_guide_and_explorer_link_to_each_other(docs, client):
    body = docs.content.decode()
    assert 'href="/partners/"' in body
    assert 'href="/api/docs/explorer/"' in body
    assert "needs JavaScript" in body
    assert 'href="/api/schema/"' in body
    assert 'href="/api/docs/"' in client.get("/partners/").content.decode()
    assert 'href="/ar/api/docs/"' in client.get("/ar/partners/").content.decode()
    assert 'href="/ar/partners/"' in client.get("/ar/api/docs/").content.decode()


def test_the_interactive_explorer_answers_at_its_new_path(client):
    response = client.get("/api/docs/explorer/")
    assert response.status_code == 200
    assert "swagger-ui-bundle.js" in response.content.decode()
    assert client.get("/api/docs/explorer/?script=").status_code == 200


def test_the_api_still_answers_json_around_the_docs(client):
    assert client.get("/api/docs").json()["error"]["code"] == "not_found"
    assert client.get("/api/docs/nothing/").json()["error"]["code"] == "not_found"
    assert client.get("/api/schema/?format=json").status_code == 200


def test_the_reference_is_built_once_per_language(client, monkeypatch):
    monkeypatch.setattr(reference, "_pages", {})
    monkeypatch.setattr(reference, "_schema", None)
    generated = []
    real = reference.generate_schema

    def counting():
        generated.append(1)
        return real()

    monkeypatch.setattr(reference, "generate_schema", counting)
    for path in ("/api/docs/", "/api/docs/", "/ar/api/docs/", "/ar/api/docs/"):
        assert client.get(path).status_code == 200
    assert len(generated) == 1
    assert {language for language, _site in reference._pages} == {"en", "ar"}
