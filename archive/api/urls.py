"""/api/v1/ and /srv/, every view read-only with CORS and validators (``http.read_only``)."""

from django.urls import include, path

from archive.api import srv
from archive.api.http import read_only_patterns
from archive.api.v1 import api

v1_patterns, _app_name, v1_namespace = api.urls

urlpatterns = [
    path("api/v1/", include((read_only_patterns(v1_patterns), v1_namespace))),
    path("srv/", include((read_only_patterns(srv.urlpatterns), "srv"))),
]
