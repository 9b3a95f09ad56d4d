"""Atom feeds of newly published documents: the whole archive, and per collection, place
and topic. Newest first by first publication; only published documents (selectors).

Each feed is one or two queries however large the archive: the newest `ITEMS` rows of an
indexed ordering, with only the columns an entry shows.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from archive import selectors
from archive.models import Collection, Document, Place, Topic

ITEMS = 30
ENTRY_FIELDS = ("record_id", "slug", "title", "summary", "first_published_at", "updated_at")


def newest_first(documents) -> list[Document]:
    documents = documents.only(*ENTRY_FIELDS).order_by("-first_published_at", "-record_id")
    return list(documents[:ITEMS])


class NewDocumentsFeed(Feed):
    """Newly published documents in the whole archive."""

    feed_type = Atom1Feed

    def title(self, obj=None) -> str:
        return f"{settings.DOSSIER_ARCHIVE_NAME}: newly published documents"

    def subtitle(self, obj=None) -> str:
        return "Documents as they are published, newest first."

    def link(self, obj=None) -> str:
        return reverse("archive:home")

    def items(self, obj=None) -> list[Document]:
        return newest_first(selectors.published_documents())

    def item_title(self, item: Document) -> str:
        return item.title

    def item_description(self, item: Document) -> str:
        return item.summary

    def item_link(self, item: Document) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Document) -> str:
        # The permalink (record ID) stays when a title, and so the slug, changes.
        return reverse("archive:document_redirect", kwargs={"record_id": item.record_id})

    item_guid_is_permalink = True

    def get_feed(self, obj, request):
        # Atom entry ids must be absolute; Django makes links absolute but not guids.
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["unique_id"] = request.build_absolute_uri(item["unique_id"])
        return feed

    def item_pubdate(self, item: Document):
        return item.first_published_at

    def item_updateddate(self, item: Document):
        return item.updated_at


class CollectionFeed(NewDocumentsFeed):
    """Newly published documents of one collection (active collections only)."""

    def get_object(self, request, slug: str) -> Collection:
        return get_object_or_404(selectors.active_collections(), slug=slug)

    def title(self, obj: Collection) -> str:
        return f"{obj.title}: newly published documents"

    def link(self, obj: Collection) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Collection) -> list[Document]:
        return newest_first(selectors.published_documents().filter(collections=obj))


class PlaceFeed(NewDocumentsFeed):
    """Newly published documents about a place or any place inside it, as its page lists."""

    def get_object(self, request, slug: str) -> Place:
        return get_object_or_404(Place, slug=slug)

    def title(self, obj: Place) -> str:
        return f"{obj.name}: newly published documents"

    def link(self, obj: Place) -> str:
        return reverse("archive:place_detail", kwargs={"slug": obj.slug})

    def items(self, obj: Place) -> list[Document]:
        return newest_first(selectors.place_documents(obj))


class TopicFeed(NewDocumentsFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:
        return f"{obj.name}: newly published documents"

    def link(self, obj: Topic) -> str:
        return reverse("archive:topic_detail", kwargs={"slug": obj.slug})

    def items(self, obj: Topic) -> list[Document]:
        return newest_first(selectors.topic_documents(obj))
