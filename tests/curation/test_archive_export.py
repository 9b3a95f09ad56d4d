"""The whole archive out and back: the round trip loses nothing, byte for byte."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command

from archive.models import Document, Scan
from curation import services
from curation.archive_export import MANIFEST
from curation.models import ReviewEntry
from curation.roles import ARCHIVIST, EDITOR
from tests import factories
from tests.archive import pdf_files
from tests.curation.conftest import member

NONCE = re.compile(r'(nonce|csrfmiddlewaretoken" value|csrf-token" content)="[^"]*"')


def build_archive(settings):
    """The demo archive, plus a review history, a replaced scan and a withdrawn document."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True  # load_demo runs on development sites only
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False

    archivist = member(ARCHIVIST, "archie")
    archivist.first_name, archivist.last_name = "Archie", "Vist"
    archivist.save()
    editor = member(EDITOR, "edith")
    document = factories.DocumentFactory(
        title="Letter about the harbour",
        rights_statement=factories.RightsStatementFactory(),
        date_entered="1951-09/1951-11",
    )
    document.places.add(factories.PlaceFactory(name="Haiphong"))
    document.topics.add(factories.TopicFactory(name="Shipping"))
    translation = factories.TranslationFactory(document=document, body="<p>The harbour.</p>")
    translation.translators.add(factories.TranslatorFactory(name="Ana Ferreira"))
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor, comment="Fine.")
    scan = Scan(document=document, position=1, file=factories.png_upload("harbour.png"))
    services._save(scan, user=archivist, reason="First scan")
    scan.file = factories.pdf_upload("harbour-better.pdf")
    services._save(scan, user=archivist, reason="Rescanned")
    services.document_publish(document=document, editor=editor)

    gone = factories.PublishedDocumentFactory(title="A cable published by mistake")
    factories.TranscriptFactory(document=gone)
    services.document_withdraw(document=gone, editor=editor, reason="Not ours to publish.")
    return document


def public_pages(client) -> dict[int, tuple[int, str]]:
    cache.clear()
    pages = {}
    for record_id in Document.objects.order_by("record_id").values_list("record_id", flat=True):
        response = client.get(f"/documents/{record_id}/", follow=True)
        pages[record_id] = (response.status_code, NONCE.sub(r'\1=""', response.text))
    return pages


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def without_timestamp(files: dict[str, bytes]) -> dict[str, bytes]:
    manifest = json.loads(files[MANIFEST])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", manifest["exported_at"])
    stamp = f'"exported_at": "{manifest["exported_at"]}"'.encode()
    return {**files, MANIFEST: files[MANIFEST].replace(stamp, b'"exported_at": ""')}


def fresh_database_and_media(settings, tmp_path, name: str):
    """A new, migrated, empty database and an empty media folder."""
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / name


@pytest.mark.django_db(transaction=True)
def test_export_restore_export_is_identical_and_pages_are_the_same(settings, tmp_path, client):
    document = build_archive(settings)
    before = public_pages(client)
    assert before[document.record_id][0] == 200 and "The harbour." in before[document.record_id][1]
    assert 410 in {status for status, _html in before.values()}
    call_command("export_archive", str(tmp_path / "first"), stdout=io.StringIO())

    fresh_database_and_media(settings, tmp_path, "media-restored")
    out = io.StringIO()
    call_command("restore_archive", str(tmp_path / "first"), stdout=out)
    call_command("export_archive", str(tmp_path / "second"), stdout=io.StringIO())

    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    assert without_timestamp(first) == without_timestamp(second)
    assert public_pages(client) == before
    # The fresh database had no accounts: those history names are recreated, inactive.
    assert "archie, edith" in out.getvalue()
    edith = get_user_model().objects.get(username="edith")
    assert not edith.is_active and not edith.has_usable_password()
    assert ReviewEntry.objects.filter(actor=edith, action="approved").exists()
    scan = Scan.objects.get(document__record_id=document.record_id)
    assert [h.history_change_reason for h in scan.history.order_by("history_date")] == [
        "First scan",
        "Rescanned",
    ]
    old_file = scan.history.earliest("history_date").thumbnail  # the replaced scan's file
    assert f"files/{old_file}" in first
    # New records get fresh ids after a restore (sequences reset on PostgreSQL).
    assert factories.DocumentFactory().pk > max(
        json.loads(line)["pk"] for line in first["data/archive.document.jsonl"].splitlines()
    )
    # The search index is rebuilt.
    assert f"/documents/{document.record_id}/" in client.get("/search/", {"q": "harbour"}).text


@pytest.mark.django_db(transaction=True)
def test_a_zip_export_restores_like_a_folder(settings, tmp_path, client):
    build_archive(settings)
    before = public_pages(client)
    call_command("export_archive", str(tmp_path / "archive.zip"), stdout=io.StringIO())
    call_command("export_archive", str(tmp_path / "folder"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "archive.zip") as zf:
        in_zip = {name: zf.read(name) for name in zf.namelist()}
    assert without_timestamp(in_zip) == without_timestamp(tree(tmp_path / "folder"))

    fresh_database_and_media(settings, tmp_path, "media-restored")
    call_command("restore_archive", str(tmp_path / "archive.zip"), stdout=io.StringIO())

    assert public_pages(client) == before


@pytest.mark.django_db
def test_history_names_users_by_username_without_passwords(settings, tmp_path):
    build_archive(settings)
    call_command("export_archive", str(tmp_path / "out"), stdout=io.StringIO())

    users = (tmp_path / "out" / "data" / "auth.user.jsonl").read_text().splitlines()
    assert json.loads(users[0]) == {
        "first_name": "Archie",
        "last_name": "Vist",
        "username": "archie",
    }
    assert "password" not in "".join(users) and "pbkdf2" not in "".join(users)
    history = (tmp_path / "out" / "data" / "curation.historicalscan.jsonl").read_text()
    assert '"history_user":"archie"' in history.replace(" ", "")


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(settings, tmp_path):
    build_archive(settings)
    call_command("export_archive", str(tmp_path / "out"), stdout=io.StringIO())
    documents = Document.objects.count()

    with pytest.raises(CommandError, match=r"The database is not empty.*archive\.document"):
        call_command("restore_archive", str(tmp_path / "out"), stdout=io.StringIO())

    assert Document.objects.count() == documents


def test_export_refuses_to_overwrite(db, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_archive", str(tmp_path / "out"), stdout=io.StringIO())
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"


def test_restore_refuses_something_that_is_not_an_archive(db, tmp_path):
    (tmp_path / "x.zip").write_bytes(pdf_files.image_pdf())
    with pytest.raises(CommandError, match="neither a folder nor a ZIP"):
        call_command("restore_archive", str(tmp_path / "x.zip"), stdout=io.StringIO())


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, str(settings_module_root() / "manage.py"), *args],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )


def settings_module_root() -> Path:
    return Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_an_archive_exported_from_another_sqlite_database_restores_here(settings, tmp_path, client):
    """Exported by a separate SQLite site; restored into the suite's database (PostgreSQL in
    the PostgreSQL run: SQLite to PostgreSQL), whose export is then the same bytes."""
    source = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "source-media"),
        "DJANGO_ENV": "development",
        "DEBUG": "1",
    }
    manage("migrate", "--noinput", env=source)
    manage("load_demo", env=source)
    manage("export_archive", str(tmp_path / "from-sqlite.zip"), env=source)

    settings.MEDIA_ROOT = tmp_path / "media-here"
    call_command("restore_archive", str(tmp_path / "from-sqlite.zip"), stdout=io.StringIO())
    call_command("export_archive", str(tmp_path / "from-here.zip"), stdout=io.StringIO())

    exported = []
    for name in ("from-sqlite.zip", "from-here.zip"):
        with zipfile.ZipFile(tmp_path / name) as zf:
            exported.append(without_timestamp({n: zf.read(n) for n in zf.namelist()}))
    assert exported[0] == exported[1]
    manifest = json.loads(exported[0][MANIFEST])
    assert Document.objects.count() == manifest["counts"]["archive.document"] > 0
    published = Document.objects.filter(status=Document.Status.PUBLISHED).first()
    assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_incomplete_archive_restores_nothing(settings, tmp_path):
    document = factories.PublishedDocumentFactory()
    factories.ScanFactory(document=document)
    factories.DocumentFactory()
    call_command("export_archive", str(tmp_path / "out"), stdout=io.StringIO())
    documents = tmp_path / "out" / "data" / "archive.document.jsonl"
    documents.write_bytes(b"".join(documents.read_bytes().splitlines(keepends=True)[:1]))

    fresh_database_and_media(settings, tmp_path, "media-restored")
    with pytest.raises(CommandError, match="has 1 rows; the manifest says 2"):
        call_command("restore_archive", str(tmp_path / "out"), stdout=io.StringIO())

    assert not Document.objects.exists() and not Scan.objects.exists()
    assert not any(p.is_file() for p in (tmp_path / "media-restored").rglob("*"))


@pytest.mark.django_db
def test_an_archive_naming_a_file_outside_media_storage_is_refused(settings, tmp_path):
    call_command("export_archive", str(tmp_path / "out"), stdout=io.StringIO())
    manifest_path = tmp_path / "out" / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["files"] = [{"name": "../outside.txt", "sha256": "0" * 64}]
    manifest_path.write_text(json.dumps(manifest))
    (tmp_path / "out" / "outside.txt").write_text("planted")
    settings.MEDIA_ROOT = tmp_path / "media" / "inner"

    with pytest.raises(CommandError, match="outside the media folder"):
        call_command("restore_archive", str(tmp_path / "out"), stdout=io.StringIO())

    assert not (tmp_path / "media" / "outside.txt").exists()
