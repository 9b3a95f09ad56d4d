import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from config import health

admin.site.site_header = "Dossier — editors' desk"
admin.site.site_title = "Dossier"
admin.site.index_title = "Records, review and publishing"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/desk/", include("curation.urls")),
    path("admin/", admin.site.urls),
    path("search/", include("archive.search.urls")),
    path("oai/", include("archive.oai.urls")),
    # The JSON API (/api/v1/) and the Wilson Center compatible API (/srv/).
    path("", include("archive.api.urls")),
    path("", include("archive.urls")),
]

# Media folders whose files are public: collection images and funder logos. Scans are
# private (drafts are not public) and are served only through archive:scan and
# archive:scan_staff, which check who is asking. In production the web server or bucket in
# front of MEDIA_ROOT must expose these folders only, likewise.
PUBLIC_MEDIA_FOLDERS = frozenset({"collections", "funders"})


def serve_public_media(request, path: str):
    """Development media, from the public folders only, and only for a path spelled as it is
    stored: no empty, "." or ".." segment, no backslash, the folder's exact case. A
    whitelist rather than a "not scans" rule, so no spelling (``//scans``, ``./scans``,
    ``Scans`` on a case-insensitive disk) reaches a scan."""
    segments = path.split("/")
    if (
        segments[0] not in PUBLIC_MEDIA_FOLDERS
        or any(segment in ("", ".", "..") for segment in segments)
        or "\\" in path
        or "\x00" in path
    ):
        raise Http404("Not a public media file.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.DEBUG:
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{re.escape(media)}(?P<path>.*)$", serve_public_media)]
