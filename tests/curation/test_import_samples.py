"""The documented sample files import cleanly, and importing them again changes nothing;
the shell commands give the admin's validation and report."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.models import Collection, Document, Language, Place, Translator

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
# Authorities first, then what points at them.
ORDER = [
    "languages",
    "classifications",
    "document-types",
    "rights-statements",
    "topics",
    "agents",
    "places",
    "repositories",
    "translators",
    "funders",
    "declassifying-authorities",
    "collections",
]


def import_all(username: str, capsys) -> list[str]:
    lines = []
    for name in ORDER:
        call_command("import_records", name, str(SAMPLES / f"{name}.csv"), "--user", username)
        lines.append(capsys.readouterr().out)
    call_command("import_documents", str(SAMPLES / "documents.csv"), "--user", username)
    lines.append(capsys.readouterr().out)
    return lines


def test_every_sample_imports_and_reimporting_changes_nothing(archivist, capsys):
    first = import_all(archivist.username, capsys)

    assert all("0 in error" in out for out in first), first
    assert Document.objects.filter(record_id__in=[100001, 100002, 100003, 100004]).count() == 4
    assert set(Document.objects.values_list("status", flat=True)) == {"draft"}
    politburo = Document.objects.get(record_id=100004)
    assert sorted(p.name for p in politburo.places.all()) == ["Hanoi", "United States", "Vietnam"]
    assert politburo.translations.get().translators.get().name == "Merle Pribbenow"
    hanoi = Place.objects.get(name="Hanoi")
    assert hanoi.parent.name == "Vietnam"
    history = hanoi.history.get()
    assert (history.history_user, history.history_change_reason) == (
        archivist,
        "Imported from places.csv",
    )
    assert Collection.objects.get(slug="sino-soviet-split-1960-1984").parent.slug == (
        "sino-soviet-relations"
    )
    cowhig = Translator.objects.get(name="David Cowhig")
    assert sorted(cowhig.working_languages.values_list("code", flat=True)) == ["en", "zh"]
    history_rows = Document.history.count()

    again = import_all(archivist.username, capsys)

    assert all(" 0 created, 0 updated" in out for out in again), again
    assert Document.history.count() == history_rows


def test_import_documents_dry_run_writes_nothing_and_shows_progress(archivist, capsys):
    call_command("import_records", "languages", str(SAMPLES / "languages.csv"), "--user", "archie")
    path = SAMPLES / "documents.csv"

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_documents", str(path), "--user", "archie", "--dry-run")

    captured = capsys.readouterr()
    assert "CSV (comma-separated, UTF-8)" in captured.out
    assert "error: row 2, document_type: No document type named “Telegram”" in captured.out
    assert "/" in captured.err  # the progress bar: rows done of total
    assert Document.objects.count() == 0


def test_import_records_reports_unknown_many_to_many_values(archivist, tmp_path, capsys):
    Language.objects.create(code="en", name="English")
    path = tmp_path / "translators.csv"
    path.write_text("name,working_languages\nAnna,en | xx\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_records", "translators", str(path), "--user", "archie")

    assert "Unknown language: xx" in capsys.readouterr().out
    assert not Translator.objects.exists()


def test_commands_refuse_users_without_the_import_permission(db, tmp_path):
    from tests import factories

    factories.UserFactory(username="viewer", is_staff=True)
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_documents", str(SAMPLES / "documents.csv"), "--user", "viewer")


def test_purge_removes_unconfirmed_uploads_older_than_a_day(db, capsys):
    old = default_storage.save("django-import-export/old", ContentFile(b"x"))
    new = default_storage.save("django-import-export/new", ContentFile(b"x"))
    day_ago = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(default_storage.path(old), (day_ago, day_ago))

    call_command("purge_import_files")

    assert not default_storage.exists(old)
    assert default_storage.exists(new)
