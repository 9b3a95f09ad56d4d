"""Browse by declassifying authority: who released the originals, and what they released."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from archive import declassification
from archive.views.pagination import NAMES_PER_PAGE, page_of


@require_safe
def authority_list(request):
    authorities = declassification.authorities_with_counts().order_by("name")
    return render(
        request,
        "archive/browse/authority_list.html",
        {
            "title": "Declassified by",
            "intro": "The governments and agencies whose review released the originals.",
            "detail_url": "archive:declassifier_detail",
            "page": page_of(request, authorities, NAMES_PER_PAGE),
        },
    )


@require_safe
def authority_detail(request, slug: str):
    authority = get_object_or_404(declassification.authority_with_count(slug=slug))
    documents = declassification.declassified_documents(authority)
    search = urlencode({"declassified_by": authority.slug})
    return render(
        request,
        "archive/browse/declassifier_detail.html",
        {
            "authority": authority,
            "page": page_of(request, documents, count=authority.document_count),
            "search_url": f"{reverse('search:results')}?{search}",
        },
    )
