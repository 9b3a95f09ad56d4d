"""sitemap.xml: an index of sections (documents, collections, the browse pages), and
robots.txt naming it. Only published documents, active collections and authorities that
lead to a published document are listed.

The documents section is paged by windows of record IDs rather than Django's
COUNT + OFFSET paginator, so each page of a million-document archive is one range scan on
the record ID index, and the index page needs only MIN/MAX, never a count.
"""

import datetime
import math

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, Min, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive import selectors
from archive.models import (
    Collection,
    Document,
    Funder,
    Place,
    Provenance,
    Repository,
    Topic,
    Translation,
    Translator,
)

PAGE_SIZE = 10_000


class RecordIdWindows:
    """Page n holds the published documents whose record IDs fall in the nth window of
    `size` IDs from the lowest: at most `size` URLs, found by one indexed range scan."""

    def __init__(self, documents, size: int):
        self.documents = documents
        self.size = size
        bounds = documents.aggregate(low=Min("record_id"), high=Max("record_id"))
        self.low, self.high = bounds["low"], bounds["high"]

    @property
    def num_pages(self) -> int:
        if self.low is None:
            return 1
        return math.ceil((self.high - self.low + 1) / self.size)

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results.")
        if self.low is None:
            return _Page([])
        start = self.low + (number - 1) * self.size
        documents = self.documents.filter(record_id__gte=start, record_id__lt=start + self.size)
        fields = ("record_id", "slug", "metadata_changed_at")
        return _Page(list(documents.only(*fields).order_by("record_id")))


class _Page:
    def __init__(self, object_list):
        self.object_list = object_list


class DocumentSitemap(Sitemap):
    limit = PAGE_SIZE

    def __init__(self):
        self._windows = None

    @property
    def paginator(self) -> RecordIdWindows:
        if self._windows is None:
            self._windows = RecordIdWindows(selectors.published_documents(), self.limit)
        return self._windows

    def items(self):
        return selectors.published_documents()

    def location(self, item: Document) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: Document) -> datetime.datetime:
        return item.metadata_changed_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        published = selectors.published_documents()
        return published.aggregate(latest=Max("metadata_changed_at"))["latest"]


class CollectionSitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self):
        return selectors.active_collections().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Collection) -> datetime.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return selectors.active_collections().aggregate(latest=Max("updated_at"))["latest"]


def _leads_to_published(**lookup) -> Exists:
    return Exists(selectors.published_documents().filter(**lookup))


class BrowseSitemap(Sitemap):
    """The pages of one browse facet: its list, and a page per entry that has a published
    document. No lastmod: these pages change with their documents, which carry theirs."""

    limit = PAGE_SIZE
    list_url: str
    detail_url: str

    def entries(self):
        raise NotImplementedError

    def items(self) -> list[str]:
        details = [reverse(self.detail_url, args=[key]) for key in self.entries()]
        return [reverse(self.list_url), *details]

    def location(self, item: str) -> str:
        return item


class PlaceSitemap(BrowseSitemap):
    list_url, detail_url = "archive:place_list", "archive:place_detail"

    def entries(self):
        places = Place.objects.filter(_leads_to_published(places=OuterRef("pk")))
        return places.order_by("slug").values_list("slug", flat=True)


class TopicSitemap(BrowseSitemap):
    list_url, detail_url = "archive:topic_list", "archive:topic_detail"

    def entries(self):
        topics = Topic.objects.filter(_leads_to_published(topics=OuterRef("pk")))
        return topics.order_by("slug").values_list("slug", flat=True)


class TranslatorSitemap(BrowseSitemap):
    list_url, detail_url = "archive:translator_list", "archive:translator_detail"

    def entries(self):
        shown = Translation.objects.public().filter(
            translators=OuterRef("pk"), document__status=Document.Status.PUBLISHED
        )
        translators = Translator.objects.filter(Exists(shown))
        return translators.order_by("slug").values_list("slug", flat=True)


class FunderSitemap(BrowseSitemap):
    list_url, detail_url = "archive:funder_list", "archive:funder_detail"

    def entries(self):
        funders = Funder.objects.filter(_leads_to_published(funders=OuterRef("pk")))
        return funders.order_by("slug").values_list("slug", flat=True)


class RepositorySitemap(BrowseSitemap):
    list_url, detail_url = "archive:repository_list", "archive:repository_detail"

    def entries(self):
        held = Provenance.objects.filter(
            repository=OuterRef("pk"), document__status=Document.Status.PUBLISHED
        )
        repositories = Repository.objects.filter(Exists(held))
        return repositories.order_by("slug").values_list("slug", flat=True)


class YearSitemap(BrowseSitemap):
    list_url, detail_url = "archive:year_list", "archive:year_detail"

    def entries(self):
        # The year list page's own reading: the years published documents begin in.
        return [row["year"] for row in selectors.year_counts()]


SITEMAPS = {
    "documents": DocumentSitemap,
    "collections": CollectionSitemap,
    "places": PlaceSitemap,
    "topics": TopicSitemap,
    "translators": TranslatorSitemap,
    "funders": FunderSitemap,
    "repositories": RepositorySitemap,
    "years": YearSitemap,
}


@require_safe
def robots_txt(request) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("archive:sitemap_index"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
