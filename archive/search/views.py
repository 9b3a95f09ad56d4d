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


def _refused(request, context, *errors):
    context["errors"] = list(errors)
    return render(request, "archive/search/results.html", context, status=400)


def search(request):
    params = clean_params(request.GET)
    filterset = DocumentFilter(params, queryset=Search())
    context = {"filter": filterset, "form": filterset.form, "params": params, "errors": []}
    context["kept"] = _kept_filters(params)
    if not filterset.is_valid():
        return _refused(request, context, *(m for ms in filterset.form.errors.values() for m in ms))
    search = filterset.qs
    context["search"] = search
    if search.is_blank:
        return render(request, "archive/search/results.html", context)
    with get_backend().session():
        return _results(request, context, filterset, search, params)


def _results(request, context, filterset, search, params):
    results = SearchPlan(search)
    paginator = Paginator(results, PER_PAGE)
    number = params.get("page") or 1
    if results.estimated and str(number).isdecimal() and int(number) > MAX_ESTIMATED_PAGES:
        message = _(
            "Only the first %(pages)d pages of so many results can be shown: "
            "add a word or a filter to narrow the search."
        )
        return _refused(request, context, message % {"pages": MAX_ESTIMATED_PAGES})
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        return _refused(
            request, context, _("“%(page)s” is not a page number.") % {"page": number[:20]}
        )
    except EmptyPage:
        message = _("There is no page %(page)s: these results have %(pages)d page(s).")
        return _refused(
            request, context, message % {"page": number[:20], "pages": paginator.num_pages}
        )
    selected = filterset.selected()
    counts, estimated = results.facet_counts()
    last_page = paginator.num_pages
    context.update(
        searched=True,
        page=page,
        last_page=min(last_page, MAX_ESTIMATED_PAGES) if results.estimated else last_page,
        results=page.object_list,
        facets=facet_groups(counts, selected, params),
        facets_estimated=estimated,
        count_estimated=results.estimated,
        within=[(FACETS_BY_PARAM[p], value) for p, values in selected.items() for value in values],
    )
    return render(request, "archive/search/results.html", context)
