"""A day's data entry in the admin, done as an archivist would do it."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from archive import models
from curation.roles import ARCHIVIST
from tests import factories

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:archive_document_add")
CHANGELIST_URL = reverse("admin:archive_document_changelist")


@pytest.fixture
def archivist_client(client):
    user = factories.UserFactory(username="archivist", is_staff=True)
    user.groups.add(Group.objects.get(name=ARCHIVIST))
    client.force_login(user)
    return client


@pytest.fixture
def authorities():
    return {
        "chinese": factories.LanguageFactory(code="zh", name="Chinese"),
        "english": factories.LanguageFactory(code="en", name="English"),
        "cable": factories.DocumentTypeFactory(name="Cable"),
        "secret": factories.ClassificationFactory(name="Secret"),
        "rights": factories.RightsStatementFactory(),
        "moscow": factories.PlaceFactory(name="Moscow"),
        "vietnam_war": factories.TopicFactory(name="Vietnam War"),
        "luce": factories.FunderFactory(name="Henry Luce Foundation"),
        "embassy": factories.AgentFactory(name="Chinese Embassy in the Soviet Union"),
        "ministry": factories.AgentFactory(name="PRC Foreign Ministry"),
        "archive": factories.RepositoryFactory(name="PRC Foreign Ministry Archive"),
        "cowhig": factories.TranslatorFactory(name="David Cowhig"),
        "collection": factories.CollectionFactory(title="Sino-Soviet Split"),
    }


def inline_management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def image_bytes(size=(1200, 1600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (230, 225, 210)).save(buffer, "JPEG")
    return buffer.getvalue()


def document_form(a, **overrides) -> dict:
    data = {
        "title": "Cable from the Chinese Embassy in the Soviet Union",
        "slug": "",
        "summary": "The Chinese Embassy in Moscow claims Soviet support is merely empty words.",
        "date_entered": "May 30, 1965",
        "document_type": a["cable"].pk,
        "classification": a["secret"].pk,
        "original_languages": [a["chinese"].pk],
        "creators": [a["embassy"].pk],
        "recipients": [a["ministry"].pk],
        "places": [a["moscow"].pk],
        "topics": [a["vietnam_war"].pk],
        "collections": [a["collection"].pk],
        "funders": [a["luce"].pk],
        "rights_statement": a["rights"].pk,
        "status": "draft",
        **inline_management("provenance", 1),
        "provenance-0-repository": a["archive"].pk,
        "provenance-0-archival_reference": "PRC FMA 109-03654-02, 23-26",
        **inline_management("scans", 1),
        "scans-0-position": "1",
        "scans-0-file": SimpleUploadedFile("page1.jpg", image_bytes(), "image/jpeg"),
        "scans-0-alt_text": "First page of the telegram",
        **inline_management("transcripts", 1),
        "transcripts-0-language": a["chinese"].pk,
        "transcripts-0-body": "<p>外交部：</p>",
        **inline_management("translations", 1),
        "translations-0-language": a["english"].pk,
        "translations-0-translators": [a["cowhig"].pk],
        "translations-0-body": "<p>To the Foreign Ministry:</p><script>x()</script>",
        "translations-0-state": "draft",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_an_archivist_creates_a_complete_document(archivist_client, authorities):
    response = archivist_client.post(ADD_URL, document_form(authorities))

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    document = models.Document.objects.get()
    assert document.slug == "cable-from-the-chinese-embassy-in-the-soviet-union"
    assert document.date_display == "May 30, 1965"
    assert document.provenance.archival_reference == "PRC FMA 109-03654-02, 23-26"
    assert document.provenance.repository == authorities["archive"]
    scan = document.scans.get()
    assert scan.kind == models.Scan.Kind.IMAGE
    assert scan.thumbnail and scan.web_image
    assert document.transcripts.get().language == authorities["chinese"]
    translation = document.translations.get()
    assert translation.body == "<p>To the Foreign Ministry:</p>"
    assert translation.credit() == "Translated by David Cowhig"
    assert list(document.places.all()) == [authorities["moscow"]]
    assert list(document.topics.all()) == [authorities["vietnam_war"]]
    assert list(document.funders.all()) == [authorities["luce"]]
    assert list(document.creators.all()) == [authorities["embassy"]]
    assert list(document.collections.all()) == [authorities["collection"]]


def test_the_archivist_finds_it_again_by_search_and_filters(archivist_client, authorities):
    archivist_client.post(ADD_URL, document_form(authorities))
    factories.DocumentFactory(title="Unrelated memorandum", date_entered="1971-02")
    document = models.Document.objects.get(title__startswith="Cable")

    def found(params):
        response = archivist_client.get(CHANGELIST_URL, params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert found({"q": "Soviet Union"}) == [document]
    assert found({"q": "109-03654-02"}) == [document]
    assert found({"q": "Chinese Embassy in the Soviet"}) == [document]
    assert found({"document_type__id__exact": authorities["cable"].pk}) == [document]
    assert found({"funders__id__exact": authorities["luce"].pk}) == [document]
    assert found({"collections__id__exact": authorities["collection"].pk}) == [document]
    assert found({"date_earliest__year": "1965"}) == [document]


def test_a_bad_date_is_refused_with_the_accepted_forms(archivist_client, authorities):
    response = archivist_client.post(
        ADD_URL, document_form(authorities, date_entered="the spring after the war")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["date_entered"]
    assert "Accepted forms" in errors[0]
    assert not models.Document.objects.exists()


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (SimpleUploadedFile("page.jpg", b"MZ\x90\x00 not an image", "image/jpeg"), "PDF"),
        (SimpleUploadedFile("original.pdf", b"<html>not a pdf</html>", "application/pdf"), "PDF"),
    ],
    ids=["executable-named-jpg", "html-named-pdf"],
)
def test_a_wrong_file_type_is_refused_and_nothing_is_saved(
    archivist_client, authorities, upload, reason
):
    response = archivist_client.post(
        ADD_URL, document_form(authorities, **{"scans-0-file": upload})
    )
    assert response.status_code == 200
    scan_errors = response.context["inline_admin_formsets"][1].formset.errors[0]["file"]
    assert reason in scan_errors[0]
    assert not models.Document.objects.exists()
    assert not models.Scan.objects.exists()


def test_an_oversized_file_is_refused(archivist_client, authorities, settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 10_000
    big = SimpleUploadedFile("page.jpg", image_bytes((2000, 2000)), "image/jpeg")
    response = archivist_client.post(ADD_URL, document_form(authorities, **{"scans-0-file": big}))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]["file"]
    assert "MB" in errors[0]
    assert not models.Document.objects.exists()


def test_a_decompression_bomb_is_refused(archivist_client, authorities, settings):
    settings.DOSSIER_MAX_IMAGE_PIXELS = 1_000_000
    bomb = SimpleUploadedFile("page.jpg", image_bytes((2000, 2000)), "image/jpeg")
    response = archivist_client.post(ADD_URL, document_form(authorities, **{"scans-0-file": bomb}))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]["file"]
    assert "pixels" in errors[0]
    assert not models.Scan.objects.exists()
