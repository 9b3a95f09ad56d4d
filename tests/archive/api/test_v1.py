"""/api/v1/: what clients depend on: published material only, the search page's filters and
messages, links to scans and citations, tombstones, CORS, validators, constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from archive.models import Collection, Place
from tests.archive.test_public_queries import bulk_documents
from tests.factories import AgentFactory, CollectionFactory, PlaceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def titles(response) -> set[str]:
    return {item["title"] for item in response.json()["results"]}


# Documents ----------------------------------------------------------------------------------


def test_document_list_shows_published_documents_only(client, archive):
    response = get(client, f"{API}/documents")
    assert response.status_code == 200
    assert titles(response) == {archive.document.title, archive.related.title}
    assert response.json()["count"] == 2


def test_document_list_pages(client, archive):
    first = get(client, f"{API}/documents?per_page=1").json()
    assert (first["page"], first["pages"], first["previous"]) == (1, 2, None)
    second = get(client, first["next"]).json()
    assert second["page"] == 2 and second["next"] is None
    assert {first["results"][0]["title"], second["results"][0]["title"]} == {
        archive.document.title,
        archive.related.title,
    }


@pytest.mark.parametrize(
    "query",
    [
        "q=treaty+negotiations",
        "place=china",
        "place=beijing&topic=vietnam-war",
        "creator=mao-zedong",
        "language=zh",
        "translation_language=en",
        "translator=david-cowhig",
        "funder=luce",
        "collection=sino-soviet",
        "type=telegram",
        "date_from=1950-01&date_to=1950-01-31",
    ],
)
def test_document_list_takes_the_search_filters(client, archive, query):
    assert titles(get(client, f"{API}/documents?{query}")) == {archive.document.title}


@pytest.mark.parametrize(
    "query",
    [
        "date_from=1965-13",
        "date_from=yesterday",
        "date_from=1966&date_to=1965",
        "place=atlantis",
        "collection=hidden",
        "sort=sideways",
        "q=" + "word+" * 40,
        "q=" + "x" * 600,
    ],
)
def test_bad_filters_give_the_search_pages_message(client, archive, query):
    response = get(client, f"{API}/documents?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request"
    page = client.get(f"/search/?{query}")
    assert page.status_code == 400
    assert escape(body["detail"]) in page.content.decode()


@pytest.mark.parametrize("page", ["abc", "7"])
def test_bad_page_numbers_give_the_search_pages_message(client, archive, page):
    response = get(client, f"{API}/documents?q=treaty&page={page}")
    assert response.status_code == 400
    search_page = client.get(f"/search/?q=treaty&page={page}").content.decode()
    assert escape(response.json()["detail"]) in search_page


def test_document_detail_has_every_public_field_and_its_links(client, archive):
    document = archive.document
    response = get(client, f"{API}/documents/{document.record_id}")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == document.title
    assert data["date"]["edtf"] == "1950-01-07"
    assert data["document_type"] == "Telegram"
    assert data["classification"] == "Top Secret"
    assert [c["name"] for c in data["creators"]] == ["Mao Zedong"]
    assert [r["name"] for r in data["recipients"]] == ["Zhou Enlai"]
    assert [p["slug"] for p in data["places"]] == ["beijing"]
    assert [t["slug"] for t in data["topics"]] == ["vietnam-war"]
    assert [f["name"] for f in data["funders"]] == ["Henry Luce Foundation"]
    assert [c["slug"] for c in data["collections"]] == ["sino-soviet"]  # not the inactive one
    assert data["provenance"]["repository"]["name"] == archive.repository.name
    assert data["transcripts"][0]["html"] == "<p>恩来同志</p>"
    translation = data["translations"][0]
    assert translation["html"] == "<p>Comrade Enlai</p>"
    assert translation["translators"][0]["name"] == "David Cowhig"
    assert data["permalink"] == f"http://testserver/documents/{document.record_id}/"
    assert data["citation"]["chicago"].startswith('"Telegram, Mao Zedong to Zhou Enlai,"')
    # Related: the published one only, never the draft or the withdrawn one.
    assert [d["title"] for d in data["related_documents"]] == [archive.related.title]
    # Every link works.
    assert [s["kind"] for s in data["scans"]] == ["image", "pdf"]
    for url in [
        data["scans"][0]["url"],
        data["scans"][0]["thumbnail_url"],
        data["scans"][1]["url"],
        data["citation"]["ris"],
        data["citation"]["bibtex"],
        data["citation"]["csl_json"],
        data["url"],
    ]:
        assert client.get(url).status_code == 200, url


def test_withdrawn_document_is_a_tombstone_with_410(client, archive):
    response = get(client, f"{API}/documents/{archive.withdrawn.record_id}")
    assert response.status_code == 410
    data = response.json()
    assert data["status"] == "withdrawn"
    assert data["reason"] == "Rights could not be cleared."
    assert data["error"] == "gone"
    assert "transcripts" not in data and "scans" not in data


@pytest.mark.parametrize("record_id", ["draft", 999999, 2**40])
def test_draft_and_missing_documents_are_404(client, archive, record_id):
    if record_id == "draft":
        record_id = archive.draft.record_id
    response = get(client, f"{API}/documents/{record_id}")
    assert response.status_code == 404
    assert set(response.json()) == {"error", "detail"}


# Collections and authorities ----------------------------------------------------------------


def test_collections_are_active_ones_only(client, archive):
    data = get(client, f"{API}/collections").json()
    assert [c["slug"] for c in data["results"]] == ["sino-soviet"]
    assert data["results"][0]["document_count"] == 1  # not the draft nor the withdrawn one
    assert get(client, f"{API}/collections/sino-soviet").json()["document_count"] == 1
    assert get(client, f"{API}/collections/hidden").status_code == 404


def test_collection_detail_lists_active_children_only(client, archive):
    CollectionFactory(title="Child", slug="child", parent=archive.collection)
    CollectionFactory(title="Hidden child", slug="hidden-child", parent=archive.collection,
                      active=False)  # fmt: skip
    data = get(client, f"{API}/collections/sino-soviet").json()
    assert [c["slug"] for c in data["children"]] == ["child"]


AUTHORITIES = [
    ("places", {"china", "beijing"}, "secret-island"),
    ("topics", {"vietnam-war"}, "secret-topic"),
    ("people", {"mao-zedong"}, "secret-agent"),
    ("translators", {"david-cowhig"}, None),
    ("funders", {"luce"}, None),
    ("repositories", None, None),
]


@pytest.mark.parametrize(("path", "public", "secret"), AUTHORITIES)
def test_authorities_list_names_with_published_documents_only(
    client, archive, path, public, secret
):
    data = get(client, f"{API}/{path}").json()
    slugs = {item["slug"] for item in data["results"]}
    assert slugs == (public or {archive.repository.slug})
    for item in data["results"]:
        detail = get(client, item["api_url"])
        assert detail.status_code == 200
        assert detail.json()["slug"] == item["slug"]
        assert archive.document.title in titles(get(client, item["documents_url"]))
    if secret:
        assert get(client, f"{API}/{path}/{secret}").status_code == 404


def test_recipients_have_their_entry_too(client, archive):
    data = get(client, f"{API}/documents/{archive.document.record_id}").json()
    [zhou] = data["recipients"]
    detail = get(client, zhou["api_url"])
    assert detail.status_code == 200
    assert detail.json()["name"] == "Zhou Enlai"


def test_place_detail_has_ancestors_and_public_children(client, archive):
    Place.objects.create(name="Empty district", slug="empty", parent=archive.china)
    china = get(client, f"{API}/places/china").json()
    assert [c["slug"] for c in china["children"]] == ["beijing"]
    assert [a["slug"] for a in get(client, f"{API}/places/beijing").json()["ancestors"]] == [
        "china"
    ]


# HTTP: errors, CORS, validators -------------------------------------------------------------


def test_cors_on_get_and_preflight(client, archive):
    response = client.get(f"{API}/documents")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{API}/documents",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("url", [f"{API}/documents", f"{API}/places/china", "/srv/record.json"])
def test_head_answers_like_get_without_a_body(client, archive, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response["ETag"] == client.get(url)["ETag"]
    assert response.content == b""


def test_writes_are_refused_with_a_json_error(client, archive):
    response = client.post(f"{API}/documents", {"title": "x"})
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_etag_gives_304_and_changes_with_the_content(client, archive):
    url = f"{API}/documents/{archive.document.record_id}"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    archive.topic.name = "Renamed topic"
    archive.topic.save()
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_list_etag_gives_304(client, archive):
    first = client.get(f"{API}/places")
    assert client.get(f"{API}/places", headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_unknown_api_path_is_json_404(client, archive):
    response = client.get(f"{API}/topics/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# The description and its page ---------------------------------------------------------------


def test_openapi_describes_every_endpoint(client):
    schema = get(client, f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ["documents", "collections", "places", "topics", "people", "translators",
                 "funders", "repositories"]:  # fmt: skip
        assert f"{API}/{path}" in paths
    names = {p["name"] for p in schema["paths"][f"{API}/documents"]["get"]["parameters"]}
    assert {"q", "date_from", "date_to", "sort", "place", "topic", "creator", "page"} <= names


def test_docs_page_uses_local_scripts_only(client):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    # No inline script a strict Content-Security-Policy would block: only JSON data.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline)
    for src in re.findall(r'src="([^"]+)"', html):
        assert client.get(src).status_code == 200


# Queries: constant however much is listed ---------------------------------------------------


LIST_URLS = [
    f"{API}/documents",
    f"{API}/documents?q=bulk",
    f"{API}/documents?place=china",
    f"{API}/collections",
    f"{API}/places",
    f"{API}/topics",
    f"{API}/people",
    f"{API}/translators",
    f"{API}/funders",
    f"{API}/repositories",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_queries_do_not_grow_with_the_archive(client, archive, url):
    def add_documents(count: int) -> None:
        china = Place.objects.get(slug="china")
        for document in bulk_documents(count):
            document.places.add(PlaceFactory(parent=china))
            document.creators.add(AgentFactory())
            document.collections.add(Collection.objects.create(title=f"C{document.pk}"))

    add_documents(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_documents(25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    queries = [q["sql"] for q in large.captured_queries]
    if "q=" in url:
        # A search's strategy depends on how many documents match (PostgreSQL may read
        # a small result set whole): bounded, not identical.
        assert len(small) <= 12 and len(large) <= 12, queries
    else:
        assert len(large) == len(small) <= 12, queries
