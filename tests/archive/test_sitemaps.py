"""sitemap.xml and robots.txt: an index of sections valid against the sitemaps.org
schemas, documents paged for large archives with their real change times, published
material only, and a fixed number of queries per page."""

import datetime

import pytest

from archive import sitemaps
from archive.models import Document
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    FunderFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    RepositoryFactory,
    TopicFactory,
    TranslationFactory,
    TranslatorFactory,
)
from tests.xml_schemas import assert_valid

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CHANGED = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)


def index_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = assert_valid(response.content, "siteindex.xsd")
    return [loc.text for loc in index.iter(f"{SM}loc")]


def section(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return assert_valid(response.content, "sitemap.xsd")


def urls_in(urlset) -> dict[str, str | None]:
    return {
        url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in urlset.iter(f"{SM}url")
    }


def tagged(document: Document, **terms) -> Document:
    for relation, term in terms.items():
        getattr(document, relation).add(term)
    return document


@pytest.fixture
def archive():
    """A published document with every browse facet, and a draft and a withdrawn document
    with facets of their own that lead nowhere public."""
    collection = CollectionFactory(slug="letters")
    hidden = CollectionFactory(slug="hidden", active=False)
    translator, funder = TranslatorFactory(slug="cowhig"), FunderFactory(slug="luce")
    published = tagged(
        PublishedDocumentFactory(date_entered="1965-05-30"),
        collections=collection,
        places=PlaceFactory(slug="hanoi"),
        topics=TopicFactory(slug="diplomacy"),
        funders=funder,
    )
    ProvenanceFactory(document=published, repository=RepositoryFactory(slug="fma"))
    translation = TranslationFactory(document=published, approved_body="<p>Approved</p>")
    translation.translators.add(translator)
    Document.objects.filter(pk=published.pk).update(metadata_changed_at=CHANGED)

    draft = tagged(
        DocumentFactory(title="Draft cable", date_entered="1931"),
        collections=hidden,
        places=PlaceFactory(slug="secret-place"),
        topics=TopicFactory(slug="secret-topic"),
        funders=FunderFactory(slug="secret-funder"),
    )
    ProvenanceFactory(document=draft, repository=RepositoryFactory(slug="secret-repository"))
    TranslationFactory(document=draft, approved_body="<p>x</p>").translators.add(
        TranslatorFactory(slug="secret-translator")
    )
    withdrawn = tagged(
        PublishedDocumentFactory(title="Forged cable", date_entered="1932"),
        topics=TopicFactory(slug="forgery"),
    )
    withdrawn.status = Document.Status.WITHDRAWN
    withdrawn.save()
    return {"published": published, "draft": draft, "withdrawn": withdrawn}


def test_the_index_lists_every_section_and_each_validates(client, archive):
    locations = index_locations(client)

    assert locations == [f"http://testserver/sitemap-{name}.xml" for name in sitemaps.SITEMAPS]
    everything = {}
    for location in locations:
        everything |= urls_in(section(client, location.removeprefix("http://testserver")))

    document = archive["published"]
    assert everything[f"http://testserver{document.get_absolute_url()}"] == "2024-06-01"
    assert set(everything) == {
        f"http://testserver{path}"
        for path in (
            document.get_absolute_url(),
            "/collections/letters/",
            "/places/",
            "/places/hanoi/",
            "/topics/",
            "/topics/diplomacy/",
            "/translators/",
            "/translators/cowhig/",
            "/funders/",
            "/funders/luce/",
            "/repositories/",
            "/repositories/fma/",
            "/years/",
            "/years/1965/",
        )
    }
    for path in set(everything):
        assert client.get(path.removeprefix("http://testserver")).status_code == 200, path


def test_documents_are_paged_by_record_id_and_every_page_is_listed(client, monkeypatch):
    monkeypatch.setattr(sitemaps.DocumentSitemap, "limit", 3)
    documents = [PublishedDocumentFactory() for _ in range(8)]
    draft = DocumentFactory()

    pages = [loc for loc in index_locations(client) if "sitemap-documents" in loc]

    assert pages == [
        "http://testserver/sitemap-documents.xml",
        "http://testserver/sitemap-documents.xml?p=2",
        "http://testserver/sitemap-documents.xml?p=3",
    ]
    listed = []
    for page in pages:
        urls = urls_in(section(client, page.removeprefix("http://testserver")))
        assert len(urls) <= 3
        listed += urls
    assert listed == [f"http://testserver{d.get_absolute_url()}" for d in documents]
    assert f"/documents/{draft.record_id}/" not in str(listed)
    for bad in ("?p=4", "?p=0", "?p=x"):
        assert client.get(f"/sitemap-documents.xml{bad}").status_code == 404


def test_the_index_gives_each_section_its_latest_change(client, archive):
    response = client.get("/sitemap.xml")
    index = assert_valid(response.content, "siteindex.xsd")
    lastmods = {
        entry.findtext(f"{SM}loc"): entry.findtext(f"{SM}lastmod")
        for entry in index.iter(f"{SM}sitemap")
    }
    assert lastmods["http://testserver/sitemap-documents.xml"].startswith("2024-06-01T12:00:00")


def test_an_empty_archive_still_validates(client):
    for location in index_locations(client):
        response = client.get(location.removeprefix("http://testserver"))
        assert response.status_code == 200


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.text.splitlines()
    assert "Disallow: /admin/" in response.text.splitlines()


@pytest.mark.parametrize(
    "url, queries",
    [
        # Years: the maintained counts of the years (archive/listings.py).
        ("/sitemap.xml", 10),
        ("/sitemap-documents.xml", 2),
        ("/sitemap-collections.xml", 2),
        ("/sitemap-places.xml", 1),
        ("/sitemap-years.xml", 1),
    ],
)
def test_each_sitemap_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, url, queries
):
    collection, place = CollectionFactory(), PlaceFactory()
    for size in (2, 30):
        while Document.objects.count() < size:
            tagged(PublishedDocumentFactory(), collections=collection, places=place)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
