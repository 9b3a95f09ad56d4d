"""IIIF Presentation 3 manifests and collections (issue 16, item 2), checked against the IIIF
consortium's JSON schema (vendored in tests/data) and loaded in iiif-prezi3, two things this
project did not write. Only published material appears; every answer allows any origin."""

import json
from pathlib import Path

import iiif_prezi3
import jsonschema
import pytest
from django.core.cache import cache
from django.urls import reverse

from archive.models import Document, Translation
from tests import factories
from tests.archive import pdf_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """PDF page sizes are cached by scan id, which rolled-back tests hand out again."""
    cache.clear()


SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "iiif_presentation_3_schema.json").read_text()
)
ARCHIVE_NAME = "Test Digital Archive"


def assert_valid_iiif(data: dict) -> None:
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(data), key=str)
    assert not errors, [error.message for error in errors]


def manifest_url(document) -> str:
    return reverse("archive:iiif_manifest", args=[document.record_id])


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json() if status == 200 else None


@pytest.fixture(autouse=True)
def archive_name(settings):
    settings.DOSSIER_ARCHIVE_NAME = ARCHIVE_NAME


@pytest.fixture
def document(db):
    """A published cable with an image scan, a two-page PDF, texts and every kind of term."""
    document = factories.PublishedDocumentFactory(
        title="Cable from the Chinese Embassy in Hanoi",
        summary="The embassy reports on talks.",
        rights_statement=factories.RightsStatementFactory(
            url="https://rightsstatements.org/vocab/InC-EDU/1.0/"
        ),
    )
    factories.ScanFactory(
        document=document,
        position=1,
        file=factories.png_upload("page-one.png", size=(900, 1200)),
        label="Page 1",
        alt_text="Typed cable, first page",
    )
    factories.ScanFactory(
        document=document,
        position=2,
        file=factories.SimpleUploadedFile("whole.pdf", pdf_files.image_pdf(pages=2)),
        label="Original in Chinese",
    )
    document.places.add(factories.PlaceFactory(name="Hanoi"))
    document.topics.add(factories.TopicFactory(name="Vietnam War"))
    document.creators.add(factories.AgentFactory(name="Chinese Embassy in Hanoi"))
    document.funders.add(
        factories.FunderFactory(
            name="Luce", credit_line="Made possible with support from the Luce Foundation"
        )
    )
    factories.ProvenanceFactory(document=document, archival_reference="PRC FMA 109-03654-02")
    factories.TranscriptFactory(document=document)
    translation = factories.TranslationFactory(document=document)
    Translation.objects.filter(pk=translation.pk).update(
        approved_body="<p>To the Foreign Ministry:</p>", state=Translation.State.APPROVED
    )
    return document


def test_manifest_validates_against_the_iiif_schema_and_loads_in_prezi3(client, document):
    data = get_json(client, manifest_url(document))

    assert_valid_iiif(data)
    loaded = iiif_prezi3.Manifest(**data)
    assert loaded.label == {"en": ["Cable from the Chinese Embassy in Hanoi"]}
    assert len(loaded.items) == 3


def test_manifest_has_one_canonical_url_which_is_its_id(client, document):
    data = get_json(client, manifest_url(document))

    assert data["id"] == f"http://testserver/iiif/documents/{document.record_id}/manifest.json"
    assert data["type"] == "Manifest"
    assert data["homepage"][0]["id"] == f"http://testserver{document.get_absolute_url()}"


def test_one_canvas_per_image_and_per_pdf_page_with_its_real_size(client, document):
    canvases = get_json(client, manifest_url(document))["items"]

    image, *pdf_pages = canvases
    assert (image["width"], image["height"]) == (900, 1200)
    body = image["items"][0]["items"][0]["body"]
    assert body["type"] == "Image"
    assert body["service"][0]["type"] == "ImageService3"
    assert body["service"][0]["profile"] == "level0"
    assert image["summary"] == {"en": ["Typed cable, first page"]}
    # Pillow writes a 100 x 140 pixel page at 72 dpi: 100 x 140 points, 208 x 292 at 150 dpi.
    assert [(page["width"], page["height"]) for page in pdf_pages] == [(208, 292), (208, 292)]
    assert [page["label"]["en"][0] for page in pdf_pages] == [
        "Original in Chinese, page 1 of 2",
        "Original in Chinese, page 2 of 2",
    ]
    assert pdf_pages[1]["rendering"][0]["id"].endswith(
        f"/documents/{document.record_id}/scans/2/#page=2"
    )
    assert len({canvas["id"] for canvas in canvases}) == 3


def test_pdf_pages_are_painted_with_their_rendered_image_at_the_canvas_size(client, document):
    pdf_pages = get_json(client, manifest_url(document))["items"][1:]

    for number, canvas in enumerate(pdf_pages, start=1):
        body = canvas["items"][0]["items"][0]["body"]
        service = body["service"][0]["id"]
        assert service.endswith(f"-{number}")
        info = get_json(client, service + "/info.json")
        assert (info["width"], info["height"]) == (canvas["width"], canvas["height"])
        image = client.get(body["id"])
        assert image.status_code == 200
        assert image["Content-Type"] == "image/jpeg"


def test_a_pdf_page_beyond_the_pixel_limit_keeps_only_its_pdf_link(client, document, settings):
    settings.DOSSIER_MAX_IMAGE_PIXELS = 208 * 292 - 1

    pdf_page = get_json(client, manifest_url(document))["items"][1]

    assert pdf_page["items"][0]["items"] == []
    assert pdf_page["rendering"][0]["format"] == "application/pdf"


def test_manifest_carries_the_records_metadata_rights_and_attribution(client, document):
    data = get_json(client, manifest_url(document))

    metadata = {row["label"]["en"][0]: row["value"]["none"] for row in data["metadata"]}
    assert metadata["Date"] == ["May 30, 1965"]
    assert metadata["Associated places"] == ["Hanoi"]
    assert metadata["Associated topics"] == ["Vietnam War"]
    assert metadata["Created by"] == ["Chinese Embassy in Hanoi"]
    assert metadata["Archival reference"] == ["PRC FMA 109-03654-02"]
    assert metadata["Record ID"] == [str(document.record_id)]
    assert data["summary"] == {"en": ["The embassy reports on talks."]}
    # The spec's rights URIs are http:// ones.
    assert data["rights"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    assert data["requiredStatement"]["value"]["none"] == [
        ARCHIVE_NAME,
        "Made possible with support from the Luce Foundation",
    ]


def test_rights_are_left_out_when_the_statement_has_no_uri_the_spec_allows(client, document):
    document.rights_statement.url = "https://example.org/our-own-terms"
    document.rights_statement.save()

    data = get_json(client, manifest_url(document))

    assert "rights" not in data
    assert_valid_iiif(data)


def test_pdf_and_texts_are_offered_as_renderings_each_served(client, document):
    renderings = get_json(client, manifest_url(document))["rendering"]

    formats = [(r["format"], r["label"]["en"][0]) for r in renderings]
    assert formats == [
        ("application/pdf", "Original in Chinese (PDF)"),
        ("text/html", "English translation"),
        ("text/html", "Original transcript (Chinese)"),
    ]
    pdf, translation, transcript = (client.get(r["id"]) for r in renderings)
    assert pdf["Content-Type"] == "application/pdf"
    assert "To the Foreign Ministry:" in translation.content.decode()
    assert "致外交部" in transcript.content.decode()
    assert transcript["Access-Control-Allow-Origin"] == "*"


def test_a_translation_not_yet_approved_has_no_text_alternative(client, document):
    draft = factories.TranslationFactory(
        document=document, language=factories.LanguageFactory(code="fr", name="French")
    )

    renderings = get_json(client, manifest_url(document))["rendering"]

    assert "French translation" not in [r["label"]["en"][0] for r in renderings]
    url = reverse("archive:iiif_translation_text", args=[document.record_id, draft.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("status", [Document.Status.DRAFT, Document.Status.WITHDRAWN])
def test_unpublished_documents_have_no_manifest_nor_texts(client, document, status):
    Document.objects.filter(pk=document.pk).update(status=status)
    translation = document.translations.get()

    get_json(client, manifest_url(document), status=404)
    text = reverse("archive:iiif_translation_text", args=[document.record_id, translation.pk])
    assert client.get(text).status_code == 404
    transcript = reverse("archive:iiif_transcript_text", args=[document.record_id, "zh"])
    assert client.get(transcript).status_code == 404


def test_a_document_without_scans_has_no_manifest(client):
    document = factories.PublishedDocumentFactory()

    get_json(client, manifest_url(document), status=404)


def test_collection_lists_sub_collections_and_published_manifests(client, document):
    parent = factories.CollectionFactory(title="Sino-Vietnamese relations")
    child = factories.CollectionFactory(title="1965", parent=parent)
    factories.CollectionFactory(title="Hidden", parent=parent, active=False)
    draft = factories.DocumentFactory(title="A draft with a scan")
    factories.ScanFactory(document=draft)
    document.collections.add(parent)
    draft.collections.add(parent)

    data = get_json(client, reverse("archive:iiif_collection", args=[parent.slug]))

    assert_valid_iiif(data)
    assert iiif_prezi3.Collection(**data).label == {"en": ["Sino-Vietnamese relations"]}
    assert [(item["type"], item["label"]["en"][0]) for item in data["items"]] == [
        ("Collection", "1965"),
        ("Manifest", "Cable from the Chinese Embassy in Hanoi"),
    ]
    assert data["items"][1]["id"] == f"http://testserver{manifest_url(document)}"
    child_data = get_json(client, reverse("archive:iiif_collection", args=[child.slug]))
    assert child_data["partOf"][0]["id"] == data["id"]
    manifest = get_json(client, manifest_url(document))
    assert manifest["partOf"] == [{"id": data["id"], "type": "Collection"}]


def test_inactive_collection_has_no_iiif_collection(client):
    hidden = factories.CollectionFactory(active=False)

    get_json(client, reverse("archive:iiif_collection", args=[hidden.slug]), status=404)


def test_top_collection_lists_collections_and_uncollected_documents(client, document):
    collected = factories.PublishedDocumentFactory(title="In a collection")
    factories.ScanFactory(document=collected)
    collection = factories.CollectionFactory(title="Cables")
    collected.collections.add(collection)
    withdrawn = factories.PublishedDocumentFactory(status=Document.Status.WITHDRAWN)
    factories.ScanFactory(document=withdrawn)

    data = get_json(client, reverse("archive:iiif_top_collection"))

    assert_valid_iiif(data)
    assert [item["label"]["en"][0] for item in data["items"]] == [
        "Cables",
        "Cable from the Chinese Embassy in Hanoi",
    ]
    assert data["label"] == {"en": [ARCHIVE_NAME]}


def test_document_page_links_its_manifest(client, document):
    page = client.get(document.get_absolute_url()).content.decode()

    assert f'data-manifest="{manifest_url(document)}"' in page


def test_manifest_queries_do_not_grow_with_scans_and_pdfs_are_parsed_once(
    client, document, django_assert_max_num_queries
):
    client.get(manifest_url(document))  # reads each PDF's page sizes once, then caches them
    with django_assert_max_num_queries(10) as first:
        client.get(manifest_url(document))
    for position in range(3, 8):
        factories.ScanFactory(document=document, position=position)

    with django_assert_max_num_queries(len(first.captured_queries)):
        data = get_json(client, manifest_url(document))

    assert len(data["items"]) == 8


def test_manifest_answers_not_modified_to_a_client_with_its_etag(client, document):
    first = client.get(manifest_url(document))

    again = client.get(manifest_url(document), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
