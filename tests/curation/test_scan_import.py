"""Scans in bulk: a folder or ZIP attached by record ID, with the single upload's checks."""

import io
import stat
import time
import zipfile

import pytest
from django.core.management import CommandError, call_command

from archive.models import Scan
from curation.scan_import import MAX_RATIO, UnsafeArchive, scans_attach
from tests import factories
from tests.archive import pdf_files


def png_bytes(color=(200, 190, 170), size=(64, 48)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def make_zip(path, entries: dict[str, bytes], *, symlinks: dict[str, str] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


@pytest.fixture
def documents(db):
    return {rid: factories.DocumentFactory(record_id=rid) for rid in (100003, 100004, 100005)}


def test_a_zip_attaches_good_files_and_reports_unmatched_and_malicious_ones(
    documents, archivist, tmp_path
):
    pdf = pdf_files.image_pdf()
    source = make_zip(
        tmp_path / "batch-7.zip",
        {
            "batch/100003.pdf": pdf,
            "batch/deeper/100004-2.png": png_bytes(),
            "999999.pdf": pdf,  # no such record
            "scan of the cable.pdf": pdf,  # name not matching the pattern
            "../100005-3.pdf": pdf,  # zip-slip
            "/etc/100005-4.pdf": pdf,  # absolute path
            "C:/100005-5.pdf": pdf,  # drive letter
            "100005-6.png": b"\0" * (MAX_RATIO * 4000),  # zip bomb: inflates far beyond ratio
            "100005.pdf": pdf_files.open_action_javascript_pdf(),
            "__MACOSX/batch/._100003.pdf": b"resource fork",
            "batch/.DS_Store": b"finder",
        },
        symlinks={"100005-7.pdf": "/etc/passwd"},
    )

    report = scans_attach(source=source, user=archivist)

    assert sorted(report.attached) == ["batch/100003.pdf", "batch/deeper/100004-2.png"]
    assert [name for name, _why in report.unmatched] == ["999999.pdf", "scan of the cable.pdf"]
    assert "999999" in report.unmatched[0][1]
    refused = dict(report.refused)
    assert set(refused) == {
        "../100005-3.pdf",
        "/etc/100005-4.pdf",
        "C:/100005-5.pdf",
        "100005-6.png",
        "100005.pdf",
        "100005-7.pdf",
    }
    assert "outside" in refused["../100005-3.pdf"]
    assert "absolute" in refused["/etc/100005-4.pdf"]
    assert "absolute" in refused["C:/100005-5.pdf"]
    assert "zip bomb" in refused["100005-6.png"]
    assert "active content" in refused["100005.pdf"]  # the validator's own reason
    assert "symbolic link" in refused["100005-7.pdf"]

    assert not documents[100005].scans.exists()
    first = documents[100003].scans.get()
    assert (first.position, first.kind) == (1, Scan.Kind.PDF)
    page = documents[100004].scans.get()
    assert page.position == 2 and page.thumbnail and page.web_image  # derivatives made
    entry = page.history.get()
    assert entry.history_user == archivist
    assert entry.history_change_reason == "Bulk scan import from batch-7.zip"


def test_importing_the_same_zip_again_changes_nothing(documents, archivist, tmp_path):
    source = make_zip(
        tmp_path / "scans.zip",
        {"100003.pdf": pdf_files.image_pdf(), "100004-2.jpg": png_bytes()},
    )
    scans_attach(source=source, user=archivist)

    again = scans_attach(source=source, user=archivist)

    assert again.attached == [] and again.replaced == []
    assert sorted(again.unchanged) == ["100003.pdf", "100004-2.jpg"]
    assert Scan.objects.count() == 2
    assert Scan.history.count() == 2


def test_a_different_file_at_a_taken_position_replaces_it_with_history(
    documents, archivist, tmp_path
):
    scans_attach(source=make_zip(tmp_path / "a.zip", {"100003.png": png_bytes()}), user=archivist)
    old = documents[100003].scans.get()
    old_name = old.file.name

    report = scans_attach(
        source=make_zip(tmp_path / "b.zip", {"100003.png": png_bytes((10, 20, 30))}),
        user=archivist,
    )

    assert report.replaced == ["100003.png"]
    scan = documents[100003].scans.get()
    assert scan.file.name != old_name
    reasons = list(scan.history.order_by("history_date").values_list("history_change_reason"))
    assert reasons == [("Bulk scan import from a.zip",), ("Bulk scan import from b.zip",)]
    assert scan.history.earliest("history_date").file == old_name  # the old file is kept


def test_a_folder_is_imported_with_nested_folders_flattened(documents, archivist, tmp_path):
    folder = tmp_path / "scans"
    (folder / "box 1").mkdir(parents=True)
    (folder / "box 1" / "100003-1.png").write_bytes(png_bytes())
    (folder / "100003-2.pdf").write_bytes(pdf_files.image_pdf())
    (folder / "notes.txt").write_text("not a scan")
    (folder / ".DS_Store").write_bytes(b"finder")
    (folder / "100004.pdf").write_bytes(b"<html>not a pdf</html>")

    report = scans_attach(source=folder, user=archivist)

    assert sorted(report.attached) == ["100003-2.pdf", "box 1/100003-1.png"]
    assert [name for name, _ in report.unmatched] == ["notes.txt"]
    assert report.refused == [
        (
            "100004.pdf",
            "This file is not a type Dossier accepts for scans: PDF, JPEG, PNG, GIF, WebP, TIFF.",
        )
    ]
    assert list(documents[100003].scans.values_list("position", "kind")) == [
        (1, "image"),
        (2, "pdf"),
    ]
    assert documents[100003].scans.first().history.get().history_change_reason == (
        "Bulk scan import from folder scans"
    )


def test_too_many_entries_refuse_the_whole_zip(documents, archivist, tmp_path, monkeypatch):
    monkeypatch.setattr("curation.scan_import.MAX_ENTRIES", 2)
    source = make_zip(tmp_path / "many.zip", {f"10000{n}.png": png_bytes() for n in (3, 4, 5)})
    with pytest.raises(UnsafeArchive, match="3 entries"):
        scans_attach(source=source, user=archivist)
    assert not Scan.objects.exists()


def test_the_command_prints_the_report(documents, archivist, tmp_path, capsys):
    source = make_zip(
        tmp_path / "scans.zip",
        {"100003.pdf": pdf_files.image_pdf(), "42.pdf": pdf_files.image_pdf()},
    )

    call_command("import_scans", str(source), "--user", archivist.username)

    out = capsys.readouterr().out
    assert "1 attached, 0 replaced, 0 unchanged, 1 unmatched, 0 refused" in out
    assert "unmatched: 42.pdf: no document has record ID 42" in out
    assert documents[100003].scans.get().history.get().history_user == archivist


def test_the_command_refuses_a_file_that_is_not_a_zip(db, tmp_path):
    bogus = tmp_path / "scans.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a ZIP"):
        call_command("import_scans", str(bogus))


def test_an_archivist_uploads_a_zip_on_the_desk_and_sees_the_report(
    documents, archivist_client, archivist, tmp_path
):
    source = make_zip(
        tmp_path / "upload.zip",
        {"100003.pdf": pdf_files.image_pdf(), "100004.pdf": pdf_files.open_action_javascript_pdf()},
    )
    assert "Attach scans in bulk" in archivist_client.get("/admin/").text

    with source.open("rb") as f:
        response = archivist_client.post("/admin/desk/scans/upload/", {"archive": f})

    assert response.status_code == 200
    html = response.text
    assert "1 attached, 0 replaced, 0 unchanged, 0 unmatched, 1 refused" in html
    assert "100004.pdf" in html and "active content" in html
    entry = documents[100003].scans.get().history.get()
    assert (entry.history_user, entry.history_change_reason) == (
        archivist,
        "Bulk scan import from upload.zip",
    )


def test_the_desk_upload_refuses_staff_without_the_scan_permissions(documents, client, tmp_path):
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    source = make_zip(tmp_path / "upload.zip", {"100003.pdf": pdf_files.image_pdf()})
    with source.open("rb") as f:
        response = client.post("/admin/desk/scans/upload/", {"archive": f})
    assert response.status_code == 403
    assert not Scan.objects.exists()


def test_the_desk_upload_reports_a_file_that_is_not_a_zip(documents, archivist_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bogus = SimpleUploadedFile("scans.zip", b"not a zip at all")
    response = archivist_client.post("/admin/desk/scans/upload/", {"archive": bogus})
    assert response.status_code == 200
    assert "not a ZIP file" in response.text


def test_encrypted_or_oversized_entries_are_refused_and_the_rest_attached(
    documents, archivist, tmp_path, settings
):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 200_000
    source = tmp_path / "odd.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("100003.pdf", pdf_files.image_pdf())
        zf.writestr("100004.pdf", pdf_files.image_pdf())
        zf.writestr("100005.png", png_bytes(size=(600, 600)).ljust(300_000, b"\0"))
    # Mark 100004.pdf encrypted (flag bit 0 in its local and central headers), as a ZIP made
    # with a password is: it cannot be read without one.
    data = bytearray(source.read_bytes())
    local, central = data.find(b"100004.pdf"), data.rfind(b"100004.pdf")
    data[local - 30 + 6] |= 0x1
    data[central - 46 + 8] |= 0x1
    source.write_bytes(bytes(data))

    report = scans_attach(source=source, user=archivist)

    assert report.attached == ["100003.pdf"]
    refused = dict(report.refused)
    assert "cannot be read" in refused["100004.pdf"]
    assert "the largest upload Dossier accepts" in refused["100005.png"]
    assert Scan.objects.count() == 1


def test_the_desk_page_and_its_report_need_no_inline_script_or_style(
    documents, archivist_client, tmp_path
):
    from tests.test_content_security_policy import assert_served_under_a_strict_policy

    url = "/admin/desk/scans/upload/"
    assert_served_under_a_strict_policy(archivist_client.get(url), url)
    source = make_zip(tmp_path / "upload.zip", {"100003.pdf": pdf_files.image_pdf()})
    with source.open("rb") as f:
        response = archivist_client.post(url, {"archive": f})
    assert "1 attached" in response.text
    assert_served_under_a_strict_policy(response, url)


def test_a_multipage_tiff_becomes_one_pdf_and_is_unchanged_when_imported_again(
    documents, archivist, tmp_path
):
    from PIL import Image

    buf = io.BytesIO()
    # Noisy pages, as scans are: blank ones would compress past the zip-bomb ratio.
    pages = [Image.effect_noise((80, 100), sigma).convert("RGB") for sigma in (20, 40, 60)]
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    source = make_zip(tmp_path / "tiffs.zip", {"100003.tif": buf.getvalue()})

    first = scans_attach(source=source, user=archivist)
    time.sleep(1.1)  # the PDF Pillow writes is stamped with the second it was made
    again = scans_attach(source=source, user=archivist)

    assert (first.attached, again.unchanged) == (["100003.tif"], ["100003.tif"])
    scan = documents[100003].scans.get()
    assert scan.kind == Scan.Kind.PDF and scan.file.name.endswith(".pdf")
    assert scan.history.count() == 1
