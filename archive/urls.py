from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from archive import feeds, sitemaps
from archive.views import browse, collections, documents, home

app_name = "archive"

scan = "documents/<int:record_id>/scans/<int:position>/"

urlpatterns = [
    path("", home.home, name="home"),
    # Documents: the record-ID permalink, the page, citations, scans.
    path("documents/<int:record_id>/", documents.document_redirect, name="document_redirect"),
    path(
        "documents/<int:record_id>/citation.<slug:fmt>",
        documents.document_citation,
        name="document_citation",
    ),
    path(scan, documents.scan_file, name="scan"),
    path(f"{scan}<slug:variant>/", documents.scan_file, name="scan_variant"),
    path("scans/<int:pk>/<slug:variant>/", documents.scan_staff, name="scan_staff"),
    path("documents/<int:record_id>/preview/", documents.document_preview, name="document_preview"),
    path(
        "documents/<int:record_id>/<slug:slug>/", documents.document_detail, name="document_detail"
    ),
    # Collections.
    path("collections/", collections.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", collections.collection_detail, name="collection_detail"),
    # Browse.
    path("browse/", browse.browse_index, name="browse"),
    path("places/", browse.place_list, name="place_list"),
    path("places/<slug:slug>/", browse.place_detail, name="place_detail"),
    path("topics/", browse.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", browse.topic_detail, name="topic_detail"),
    path("translators/", browse.translator_list, name="translator_list"),
    path("translators/<slug:slug>/", browse.translator_detail, name="translator_detail"),
    path("funders/", browse.funder_list, name="funder_list"),
    path("funders/<slug:slug>/", browse.funder_detail, name="funder_detail"),
    path("repositories/", browse.repository_list, name="repository_list"),
    path("repositories/<slug:slug>/", browse.repository_detail, name="repository_detail"),
    path("years/", browse.year_list, name="year_list"),
    path("years/<int:year>/", browse.year_detail, name="year_detail"),
    # Open standards: Atom feeds, sitemaps, robots.txt (OAI-PMH is at /oai/).
    path("feeds/documents/", feeds.NewDocumentsFeed(), name="feed"),
    path("collections/<slug:slug>/feed/", feeds.CollectionFeed(), name="collection_feed"),
    path("places/<slug:slug>/feed/", feeds.PlaceFeed(), name="place_feed"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "archive:sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
