from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from archive import feeds, sitemaps
from archive.iiif import views as iiif
from archive.views import browse, collections, declassification, documents, home, versions

app_name = "archive"

scan = "documents/<int:record_id>/scans/<int:position>/"
version = "documents/<int:record_id>/translations/<slug:language>/v<int:number>/"
iiif_image = "iiif/images/<int:scan_id>/<slug:key>"

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
    path(version, versions.translation_version, name="translation_version"),
    path(f"{version}changes/", versions.translation_version_changes, name="version_changes"),
    path(
        f"{version}citation.<slug:fmt>",
        versions.translation_version_citation,
        name="version_citation",
    ),
    path("documents/<int:record_id>/preview/", documents.document_preview, name="document_preview"),
    path(
        "documents/<int:record_id>/<slug:slug>/", documents.document_detail, name="document_detail"
    ),
    # IIIF: manifests, collections, the level-0 image service, text alternatives.
    path("iiif/collection.json", iiif.top_collection, name="iiif_top_collection"),
    path("iiif/collections/<slug:slug>.json", iiif.collection, name="iiif_collection"),
    path("iiif/documents/<int:record_id>/manifest.json", iiif.manifest, name="iiif_manifest"),
    path(iiif_image, iiif.image_base, name="iiif_image"),
    path(f"{iiif_image}/info.json", iiif.image_info, name="iiif_image_info"),
    path(f"{iiif_image}/<path:tile>", iiif.image_tile, name="iiif_image_tile"),
    path(
        "documents/<int:record_id>/translations/<int:pk>.html",
        iiif.translation_text,
        name="iiif_translation_text",
    ),
    path(
        "documents/<int:record_id>/transcripts/<slug:language>.html",
        iiif.transcript_text,
        name="iiif_transcript_text",
    ),
    # Collections.
    path("collections/", collections.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", collections.collection_detail, name="collection_detail"),
    # Browse: the index, each authority (browse.AUTHORITIES), years.
    path("browse/", browse.browse_index, name="browse"),
    *(
        route
        for kind, authority in browse.AUTHORITIES.items()
        for route in (
            path(f"{authority.path}/", browse.authority_list, {"kind": kind}, name=f"{kind}_list"),
            path(
                f"{authority.path}/<slug:slug>/",
                browse.authority_detail,
                {"kind": kind},
                name=f"{kind}_detail",
            ),
        )
    ),
    path("declassified-by/", declassification.authority_list, name="declassifier_list"),
    path(
        "declassified-by/<slug:slug>/",
        declassification.authority_detail,
        name="declassifier_detail",
    ),
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
