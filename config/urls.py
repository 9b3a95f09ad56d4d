import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = "Dossier — editors' desk"
admin.site.site_title = "Dossier"
admin.site.index_title = "Records, review and publishing"

urlpatterns = [
    path("admin/desk/", include("curation.urls")),
    path("admin/", admin.site.urls),
    path("search/", include("archive.search.urls")),
    # The JSON API (/api/v1/) and the Wilson Center compatible API (/srv/).
    path("", include("archive.api.urls")),
    path("", include("archive.urls")),
]

if settings.DEBUG:
    # Uploaded media for development, except scans: those are served only through
    # archive:scan, which checks that their document is published.
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(
            rf"^{re.escape(media)}(?!scans/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
