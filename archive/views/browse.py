"""Browse by place, topic, translator, funder, repository and year.

Each authority has an index (only names with published documents, with their counts) and
a page listing its published documents by date, with a link to search within them. The
authorities are those of the search facets of the same name (``archive.search.facets``),
declared once in ``AUTHORITIES``; ``archive/urls.py`` routes each to the two views here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from archive import names, selectors
from archive.models import ListingKind
from archive.search.facets import FACETS_BY_PARAM
from archive.views.pagination import NAMES_PER_PAGE, page_of


@dataclass(frozen=True)
class Authority:
    """A kind of authority readers browse: named by its search facet (the URL names are
    "<facet>_list" and "<facet>_detail"; the page's template "<facet>_detail.html")."""

    facet: str
    kind: ListingKind
    path: str
    title: str
    with_counts: Callable[[], QuerySet]
    documents: Callable[[Model], QuerySet]
    intro: str = ""
    prefetch: tuple[str, ...] = ()
    # More for the page's template, given the authority shown.
    context: Callable[[Model], dict] = field(default=lambda obj: {})


AUTHORITIES = {
    authority.facet: authority
    for authority in (
        Authority(
            "place",
            ListingKind.PLACE,
            "places",
            "Places",
            selectors.places_with_counts,
            selectors.place_documents,
            intro="Counts include documents about places inside each place.",
            context=lambda place: {
                "ancestors": selectors.place_ancestors(place),
                "children": place.children.order_by("name"),
            },
        ),
        Authority(
            "topic",
            ListingKind.TOPIC,
            "topics",
            "Topics",
            selectors.topics_with_counts,
            selectors.topic_documents,
        ),
        Authority(
            "translator",
            ListingKind.TRANSLATOR,
            "translators",
            "Translators",
            selectors.translators_with_counts,
            selectors.translator_documents,
            prefetch=("working_languages",),
        ),
        Authority(
            "funder",
            ListingKind.FUNDER,
            "funders",
            "Funders",
            selectors.funders_with_counts,
            selectors.funder_documents,
        ),
        Authority(
            "repository",
            ListingKind.REPOSITORY,
            "repositories",
            "Repositories",
            selectors.repositories_with_counts,
            selectors.repository_documents,
            intro="The archives that hold the originals.",
        ),
    )
}


def _search_url(**filters: str) -> str:
    """The search page, filtered to this page's documents (the agreed search parameters)."""
    return f"{reverse('search:results')}?{urlencode(filters)}"


def _documents_page(
    request, template: str, *, documents, count: int, search: dict[str, str], **context
):
    return render(
        request,
        template,
        {
            "page": page_of(request, documents, count=count),
            "search_url": _search_url(**search),
            **context,
        },
    )


@require_safe
def browse_index(request):
    return render(request, "archive/browse/index.html")


@require_safe
def authority_list(request, kind: str):
    authority, model = AUTHORITIES[kind], FACETS_BY_PARAM[kind].model
    items = authority.with_counts()
    lookup = names.lookup_of(request.GET, model)
    if lookup:
        items = names.named(items, lookup)
    # By name; places of one name (in different countries) by when they were added.
    items = items.order_by("name", "pk")
    return render(
        request,
        "archive/browse/authority_list.html",
        {
            "title": authority.title,
            "intro": authority.intro,
            "lookup": lookup,
            "can_look_up": names.has_variant_names(model),
            "page": page_of(request, items, NAMES_PER_PAGE),
        },
    )


@require_safe
def authority_detail(request, kind: str, slug: str):
    authority, facet = AUTHORITIES[kind], FACETS_BY_PARAM[kind]
    shown = get_object_or_404(
        facet.model.objects.prefetch_related(*authority.prefetch).annotate(
            document_count=selectors.listed_count(authority.kind)
        ),
        **{facet.slug_field: slug},
    )
    return _documents_page(
        request,
        f"archive/browse/{kind}_detail.html",
        documents=authority.documents(shown),
        count=shown.document_count,
        search={facet.param: getattr(shown, facet.slug_field)},
        **{kind: shown},
        **authority.context(shown),
    )


@require_safe
def year_list(request):
    years = selectors.year_counts()
    most = max((y["count"] for y in years), default=0)
    for year in years:
        year["percent"] = round(100 * year["count"] / most) if most else 0
    decades: dict[int, list[dict]] = {}
    for year in years:
        decades.setdefault(year["year"] // 10 * 10, []).append(year)
    return render(request, "archive/browse/year_list.html", {"decades": decades})


@require_safe
def year_detail(request, year: int):
    if not 1 <= year <= 9999:
        raise Http404("Years run from 1 to 9999.")
    return _documents_page(
        request,
        "archive/browse/year_detail.html",
        year=year,
        documents=selectors.year_documents(year),
        count=selectors.year_count(year),
        search={"date_from": f"{year:04d}", "date_to": f"{year:04d}"},
    )
