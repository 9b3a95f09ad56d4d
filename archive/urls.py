from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/<int:record_id>/", views.document_redirect, name="document_redirect"),
    path("documents/<int:record_id>/<slug:slug>/", views.document_detail, name="document_detail"),
    path("collections/", views.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection_detail"),
]
