from django.shortcuts import render
from django.views.decorators.http import require_safe

from archive import selectors


@require_safe
def home(request):
    return render(
        request,
        "archive/home.html",
        {
            "recent_documents": selectors.recent_documents(),
            "featured_collections": selectors.featured_collections(),
        },
    )
