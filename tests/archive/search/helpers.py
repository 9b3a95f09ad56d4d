from django.http import QueryDict

from archive.search.backends import Search, get_backend
from archive.search.engine import SearchPlan
from archive.search.filters import DocumentFilter


def search_for(query: str = "", **params) -> Search:
    data = QueryDict(mutable=True)
    if query:
        data["q"] = query
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    filterset = DocumentFilter(data, queryset=Search())
    assert filterset.is_valid(), filterset.form.errors
    return filterset.qs


def found(query: str = "", **params) -> list[str]:
    """Titles of all matching documents, in result order."""
    search = search_for(query, **params)
    results = SearchPlan(search)
    return [result.document.title for result in results[0 : results.count()]]


def facet_counts(query: str = "", **params):
    return get_backend().facet_counts(search_for(query, **params))
