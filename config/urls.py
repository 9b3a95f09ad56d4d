from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Dossier — editors' desk"
admin.site.site_title = "Dossier"
admin.site.index_title = "Records, review and publishing"

urlpatterns = [
    path("admin/desk/", include("curation.urls")),
    path("admin/", admin.site.urls),
    path("search/", include("archive.search.urls")),
    path("", include("archive.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
