from django.contrib import admin
from django.urls import path

from curation import stale_views, views

app_name = "curation"


def desk(view):
    """Admin login, staff check and CSRF, as for every admin page."""
    return admin.site.admin_view(view)


urlpatterns = [
    path("review/", desk(views.review_queue), name="review_queue"),
    path("review/<int:pk>/", desk(views.review), name="review"),
    path("stale/", desk(stale_views.stale_translations), name="stale_translations"),
    path("documents/<int:pk>/publication/", desk(views.publication), name="publication"),
    path("activity/", desk(views.activity), name="activity"),
    path("scans/upload/", desk(views.scans_upload), name="scans_upload"),
]
