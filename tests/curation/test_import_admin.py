"""Import and export in the admin: preview every row, confirm exactly that, export safely."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Agent, Document
from curation.import_files import read_import_file
from tests import factories
from tests.curation.conftest import client_for

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_document_import")
CONFIRM_URL = reverse("admin:archive_document_process_import")
CSV_FORMAT = "0"


def upload(client, text: str, *, missing="report", name="batch.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(
        IMPORT_URL,
        {"import_file": file, "format": CSV_FORMAT, "resource": "0", "missing": missing},
    )


GOOD = "record_id;title;date;creators\n501;First;1950;Zhou Enlai\n502;Second;1951;\n"


@pytest.fixture
def zhou(db):
    return factories.AgentFactory(name="Zhou Enlai")


def test_preview_then_confirm_imports_what_was_previewed(zhou, archivist):
    client = client_for(archivist)

    preview = upload(client, GOOD)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "semicolon-separated" in page
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 in error" in page
    assert Document.objects.count() == 0
    confirm = preview.context["confirm_form"]
    stored = confirm.initial["import_file_name"]
    assert default_storage.exists(f"django-import-export/{stored}")

    response = client.post(CONFIRM_URL, confirm.initial)

    assert response.status_code == 302
    assert sorted(Document.objects.values_list("record_id", "status")) == [
        (501, "draft"),
        (502, "draft"),
    ]
    first = Document.objects.get(record_id=501)
    assert first.history.get().history_change_reason == "Imported from batch.csv"
    assert first.history.get().history_user == archivist
    assert not default_storage.exists(f"django-import-export/{stored}")


def test_preview_lists_every_bad_row_and_offers_no_confirm(zhou, archivist):
    text = GOOD + "503;Third;May 30 65;\n504;Fourth;1952;Nobody Known\n"

    preview = upload(client_for(archivist), text)

    result = preview.context["result"]
    assert [(row.number, sorted(row.field_specific_errors)) for row in result.invalid_rows] == [
        (4, ["date"]),
        (5, ["creators"]),
    ]
    assert "confirm_form" not in preview.context
    assert Document.objects.count() == 0


def test_created_authorities_are_listed_in_the_preview(zhou, archivist):
    text = "title;date;creators\nNew;1950;Someone New\n"

    preview = upload(client_for(archivist), text, missing="create")

    assert "Someone New" in preview.content.decode()
    assert not Agent.objects.filter(name="Someone New").exists()
    client_for(archivist).post(CONFIRM_URL, preview.context["confirm_form"].initial)
    assert Document.objects.get(title="New").creators.get().name == "Someone New"


def test_refused_file_says_why(archivist, settings):
    settings.DOSSIER_IMPORT_MAX_BYTES = 10

    response = upload(client_for(archivist), GOOD)

    assert response.status_code == 200
    assert "the limit is" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_only_importers_may_import(who, client, django_user_model):
    if who == "viewer":
        viewer = factories.UserFactory(username="viewer", is_staff=True)
        from django.contrib.auth.models import Permission

        viewer.user_permissions.add(Permission.objects.get(codename="view_document"))
        client.force_login(viewer)
        changelist = client.get(reverse("admin:archive_document_changelist"))
        assert changelist.status_code == 200
        assert IMPORT_URL not in changelist.content.decode()

    response = client.post(IMPORT_URL, {"format": CSV_FORMAT})

    assert response.status_code in (302, 403)
    assert Document.objects.count() == 0


def test_archivist_sees_import_on_the_changelist(archivist):
    page = client_for(archivist).get(reverse("admin:archive_document_changelist"))
    assert IMPORT_URL in page.content.decode()


def test_export_neutralizes_formulas_and_reimports_unchanged(archivist):
    for n, title in enumerate(["=HYPERLINK(1)", "+1", "-2", "@SUM", "\tTab", "Plain"], start=1):
        factories.DocumentFactory(record_id=700 + n, title=title)
    client = client_for(archivist)

    response = client.post(
        reverse("admin:archive_document_export"),
        {"format": CSV_FORMAT, "resource": "0"},
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["title"] for r in rows] == [
        "'=HYPERLINK(1)",
        "'+1",
        "'-2",
        "'@SUM",
        "'\tTab",
        "Plain",
    ]
    from curation.imports import ImportOptions, documents_import

    file = read_import_file(data=response.content, name="export.csv")
    report = documents_import(file=file, user=archivist, options=ImportOptions())
    # Cells are trimmed on import, so only the title that began with a tab changes.
    assert (report.errors, report.unchanged, report.updated) == ([], 5, 1)
    assert report.rows[4].diff == {"title": ("\tTab", "Tab")}


def test_confirm_writes_nothing_if_the_archive_changed_since_the_preview(zhou, archivist):
    client = client_for(archivist)
    preview = upload(client, GOOD)
    factories.DocumentFactory(record_id=502, title="Created meanwhile")

    response = client.post(CONFIRM_URL, preview.context["confirm_form"].initial, follow=True)

    assert "The archive changed since the preview" in response.content.decode()
    assert list(Document.objects.values_list("record_id", flat=True)) == [502]


def test_xlsx_export_neutralizes_formulas(archivist):
    import openpyxl

    factories.DocumentFactory(record_id=801, title="=cmd|' /C calc'!A0")

    response = client_for(archivist).post(
        reverse("admin:archive_document_export"), {"format": "1", "resource": "0"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=cmd|' /C calc'!A0"]


def test_export_follows_the_changelist_filter(archivist):
    factories.DocumentFactory(record_id=901, title="Published one", status="published")
    factories.DocumentFactory(record_id=902, title="Draft one")

    response = client_for(archivist).post(
        reverse("admin:archive_document_export") + "?status__exact=published",
        {"format": CSV_FORMAT, "resource": "0"},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["title"] for r in rows] == ["Published one"]
