from django.core.paginator import Paginator
from django.shortcuts import render

from archive import selectors

MAX_QUERY_LENGTH = 500


def search(request):
    """A plain title search; the full-text engine replaces it."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    documents = selectors.published_documents().none()
    if query:
        documents = selectors.published_documents().filter(title__icontains=query)
    page = Paginator(documents.order_by("date_earliest", "record_id"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "archive/search/results.html", {"query": query, "page": page})
