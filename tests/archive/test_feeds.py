"""Atom feeds of newly published documents, read by feedparser: the whole archive and per
collection, place and topic; linked from those pages' <head>; published documents only."""

import datetime

import feedparser
import pytest

from archive.models import Document
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    PublishedDocumentFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
FIRST = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


@pytest.fixture
def archive():
    """Three published documents in a collection, about a city and a topic, a draft and a
    withdrawn document tagged the same way."""
    collection = CollectionFactory(title="Sino-Soviet Relations", slug="sino-soviet")
    country = PlaceFactory(name="China", slug="china")
    city = PlaceFactory(name="Beijing", slug="beijing", parent=country)
    topic = TopicFactory(name="Diplomacy", slug="diplomacy")
    published = [
        PublishedDocumentFactory(title=f"Cable {n}", first_published_at=FIRST + n * DAY)
        for n in range(3)
    ]
    draft = DocumentFactory(title="Draft cable")
    withdrawn = PublishedDocumentFactory(title="Forged cable", first_published_at=FIRST + 9 * DAY)
    withdrawn.status = Document.Status.WITHDRAWN
    withdrawn.save()
    for document in [*published, draft, withdrawn]:
        document.collections.add(collection)
        document.places.add(city)
        document.topics.add(topic)
    return published


FEEDS = [
    "/feeds/documents/",
    "/collections/sino-soviet/feed/",
    "/places/china/feed/",  # documents about places inside it too
    "/places/beijing/feed/",
    "/topics/diplomacy/feed/",
]


@pytest.mark.parametrize("url", FEEDS)
def test_each_feed_lists_published_documents_newest_first(client, archive, url):
    feed = parsed(client, url)

    assert [entry.title for entry in feed.entries] == ["Cable 2", "Cable 1", "Cable 0"]
    newest = feed.entries[0]
    document = archive[2]
    assert newest.link == f"http://testserver{document.get_absolute_url()}"
    assert newest.id == f"http://testserver/documents/{document.record_id}/"
    assert newest.summary == document.summary
    assert newest.published_parsed[:5] == (2024, 3, 3, 9, 0)
    assert "Draft cable" not in str(feed) and "Forged cable" not in str(feed)


def test_feeds_of_unknown_or_inactive_things_are_404(client, archive):
    CollectionFactory(slug="hidden", active=False)
    for url in (
        "/collections/hidden/feed/",
        "/collections/nope/feed/",
        "/places/nope/feed/",
        "/topics/nope/feed/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "page, feed",
    [
        ("/", "/feeds/documents/"),
        ("/collections/sino-soviet/", "/collections/sino-soviet/feed/"),
        ("/places/beijing/", "/places/beijing/feed/"),
        ("/topics/diplomacy/", "/topics/diplomacy/feed/"),
    ],
)
def test_pages_link_their_feed_from_the_head(client, archive, page, feed):
    html = client.get(page).text
    head = html[: html.index("</head>")]

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Newly published documents" '
        'href="/feeds/documents/">' in head
    )
    assert f'href="{feed}"' in head
    assert parsed(client, feed).entries


@pytest.mark.parametrize(
    "url, queries", [(FEEDS[0], 1), *((u, 2) for u in FEEDS[1:] if "beijing" not in u)]
)
def test_a_feed_runs_a_fixed_number_of_queries(client, django_assert_num_queries, url, queries):
    collection = CollectionFactory(slug="sino-soviet")
    place, topic = PlaceFactory(slug="china"), TopicFactory(slug="diplomacy")
    for size in (2, 40):
        while Document.objects.count() < size:
            document = PublishedDocumentFactory()
            document.collections.add(collection)
            document.places.add(place)
            document.topics.add(topic)
        with django_assert_num_queries(queries):
            feed = client.get(url)
        assert feed.status_code == 200
        assert len(feedparser.parse(feed.content).entries) == min(size, 30)
