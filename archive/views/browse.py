"""Browse by place, topic, translator, funder, repository and year.

Each authority has an index (only names with published documents, with their counts) and
a page listing its published documents by date, with a link to search within them.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from archive import names, selectors
from archive.models import Funder, Place, Repository, Topic, Translator
from archive.views.pagination import NAMES_PER_PAGE, page_of


def _search_url(**filters: str) -> str:
    """The search page, filtered to this page's documents (the agreed search parameters)."""
    return f"{reverse('search:results')}?{urlencode(filters)}"


@require_safe
def browse_index(request):
    return render(request, "archive/browse/index.html")


def _authority_list(request, *, items, title: str, detail: str, intro: str = ""):
    lookup = names.lookup_of(request.GET, items.model)
    if lookup:
        items = names.named(items, lookup)
    return render(
        request,
        "archive/browse/authority_list.html",
        {
            "title": title,
            "intro": intro,
            "lookup": lookup,
            "can_look_up": names.has_variant_names(items.model),
            "detail_url": detail,
            "page": page_of(request, items.order_by("name"), NAMES_PER_PAGE),
        },
    )


def _authority_detail(request, template: str, *, documents, search: dict[str, str], **context):
    return render(
        request,
        template,
        {
            "page": page_of(request, documents),
            "search_url": _search_url(**search),
            **context,
        },
    )


@require_safe
def place_list(request):
    return _authority_list(
        request,
        items=selectors.places_with_counts(),
        title="Places",
        detail="archive:place_detail",
        intro="Counts include documents about places inside each place.",
    )


@require_safe
def place_detail(request, slug: str):
    place = get_object_or_404(Place, slug=slug)
    return _authority_detail(
        request,
        "archive/browse/place_detail.html",
        place=place,
        ancestors=selectors.place_ancestors(place),
        children=place.children.order_by("name"),
        documents=selectors.place_documents(place),
        search={"place": place.slug},
    )


@require_safe
def topic_list(request):
    return _authority_list(
        request, items=selectors.topics_with_counts(), title="Topics", detail="archive:topic_detail"
    )


@require_safe
def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    return _authority_detail(
        request,
        "archive/browse/topic_detail.html",
        topic=topic,
        documents=selectors.topic_documents(topic),
        search={"topic": topic.slug},
    )


@require_safe
def translator_list(request):
    return _authority_list(
        request,
        items=selectors.translators_with_counts(),
        title="Translators",
        detail="archive:translator_detail",
    )


@require_safe
def translator_detail(request, slug: str):
    translator = get_object_or_404(
        Translator.objects.prefetch_related("working_languages"), slug=slug
    )
    return _authority_detail(
        request,
        "archive/browse/translator_detail.html",
        translator=translator,
        documents=selectors.translator_documents(translator),
        search={"translator": translator.slug},
    )


@require_safe
def funder_list(request):
    return _authority_list(
        request,
        items=selectors.funders_with_counts(),
        title="Funders",
        detail="archive:funder_detail",
    )


@require_safe
def funder_detail(request, slug: str):
    funder = get_object_or_404(Funder, slug=slug)
    return _authority_detail(
        request,
        "archive/browse/funder_detail.html",
        funder=funder,
        documents=selectors.funder_documents(funder),
        search={"funder": funder.slug},
    )


@require_safe
def repository_list(request):
    return _authority_list(
        request,
        items=selectors.repositories_with_counts(),
        title="Repositories",
        detail="archive:repository_detail",
        intro="The archives that hold the originals.",
    )


@require_safe
def repository_detail(request, slug: str):
    repository = get_object_or_404(Repository, slug=slug)
    return _authority_detail(
        request,
        "archive/browse/repository_detail.html",
        repository=repository,
        documents=selectors.repository_documents(repository),
        search={"repository": repository.slug},
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
    return _authority_detail(
        request,
        "archive/browse/year_detail.html",
        year=year,
        documents=selectors.year_documents(year),
        search={"date_from": f"{year:04d}", "date_to": f"{year:04d}"},
    )
