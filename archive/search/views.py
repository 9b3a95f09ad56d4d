from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from archive.search.backends import Search, get_backend
from archive.search.engine import SearchPlan
from archive.search.facets import FACETS_BY_PARAM, facet_groups
from archive.search.filters import DocumentFilter

PER_PAGE = 20
# Pages of an estimated (very large) result set a reader may open: deeper pages would
# each read most of the matches, for minutes on a million documents.
MAX_ESTIMATED_PAGES = 250
MAX_PARAM_LENGTH = 1000
_INVISIBLE = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def clean_params(params: QueryDict) -> QueryDict:
    """The query string without control characters (databases refuse NUL) and with
    overlong values cut, so what is left can be validated and shown back safely."""
    cleaned = QueryDict(mutable=True)
    for name, values in params.lists():
        name = name.translate(_INVISIBLE)[:100]
        cleaned.setlist(name, [v.translate(_INVISIBLE)[: MAX_PARAM_LENGTH + 1] for v in values])
    return cleaned


def _kept_filters(params: QueryDict) -> list[tuple[str, str]]:
    """Facet parameters the keyword form carries along as hidden fields."""
    names = {*FACETS_BY_PARAM, *(f"{name}_match" for name in FACETS_BY_PARAM)}
    return [(name, value) for name, values in params.lists() if name in names for value in values]


def search(request):
    params = clean_params(request.GET)
    filterset = DocumentFilter(params, queryset=Search())
    context = {
        "filter": filterset,
        "form": filterset.form,
        "params": params,
        "errors": [],
        "kept": _kept_filters(params),
    }
    if not filterset.is_valid():
        context["errors"] = [
            message for errors in filterset.form.errors.values() for message in errors
        ]
        return render(request, "archive/search/results.html", context, status=400)

    search = filterset.qs
    context["search"] = search
    if search.is_blank:
        return render(request, "archive/search/results.html", context)

    with get_backend().session():
        return _results(request, context, filterset, search, params)


def _results(request, context, filterset, search, params):
    results = SearchPlan(search)
    paginator = Paginator(results, PER_PAGE)
    page_number = params.get("page") or 1
    if (
        results.estimated
        and str(page_number).isdecimal()
        and int(page_number) > MAX_ESTIMATED_PAGES
    ):
        context["errors"] = [
            _(
                "Only the first %(pages)d pages of so many results can be shown: "
                "add a word or a filter to narrow the search."
            )
            % {"pages": MAX_ESTIMATED_PAGES}
        ]
        return render(request, "archive/search/results.html", context, status=400)
    try:
        page = paginator.page(page_number)
    except PageNotAnInteger:
        context["errors"] = [_("“%(page)s” is not a page number.") % {"page": page_number[:20]}]
        return render(request, "archive/search/results.html", context, status=400)
    except EmptyPage:
        context["errors"] = [
            _("There is no page %(page)s: these results have %(pages)d page(s).")
            % {"page": page_number[:20], "pages": paginator.num_pages}
        ]
        return render(request, "archive/search/results.html", context, status=400)

    selected = filterset.selected()
    counts, estimated = results.facet_counts()
    context.update(
        searched=True,
        page=page,
        last_page=min(paginator.num_pages, MAX_ESTIMATED_PAGES)
        if results.estimated
        else paginator.num_pages,
        results=page.object_list,
        facets=facet_groups(counts, selected, params),
        facets_estimated=estimated,
        count_estimated=results.estimated,
        within=[
            (FACETS_BY_PARAM[param], value)
            for param, values in selected.items()
            for value in values
        ],
    )
    return render(request, "archive/search/results.html", context)
