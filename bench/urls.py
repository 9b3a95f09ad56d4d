"""The site's URLs plus /__hello__/, the benchmark's baseline through the same stack."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world")


urlpatterns = [path("__hello__/", hello), *site_urlpatterns]
