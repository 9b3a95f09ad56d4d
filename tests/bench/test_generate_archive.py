"""The benchmark's archive generator writes a searchable archive on either database."""

import io

import pytest
from django.core.management import call_command

from archive.models import Document, Transcript, Translation, TranslationVersion
from tests.archive.search.helpers import found

pytestmark = pytest.mark.django_db


def generate(count: int) -> str:
    out = io.StringIO()
    call_command("generate_archive", str(count), "--words", "30", stdout=out)
    return out.getvalue()


def test_generates_published_documents_with_texts_dates_and_authorities():
    output = generate(40)

    assert "Generated 40 documents" in output and "Indexed 40" in output
    documents = Document.objects.all()
    assert documents.count() == 40
    assert set(documents.values_list("status", flat=True)) == {Document.Status.PUBLISHED}
    assert Transcript.objects.count() == 40
    assert len({d.date_earliest.year for d in documents if d.date_earliest}) > 5
    assert Document.objects.filter(places__isnull=False).distinct().count() > 20
    assert Document.objects.filter(topics__isnull=False).distinct().count() > 20
    # Translations of non-English transcripts: most approved, some left as drafts.
    assert Translation.objects.exclude(approved_body="").exists()
    # Readers see the translators an approved translation was approved with.
    for translation in Translation.objects.prefetch_related("translators", "approved_translators"):
        expected = list(translation.translators.all()) if translation.approved_body else []
        assert list(translation.approved_translators.all()) == expected
        assert translation.approved_credit == (translation.credit() if expected else "")


def test_the_generated_archive_is_indexed_and_a_second_run_adds_to_it():
    generate(20)
    generate(20)

    assert Document.objects.count() == 40
    assert sorted(Document.objects.values_list("record_id", flat=True)) == list(
        range(
            Document.objects.order_by("record_id").first().record_id,
            Document.objects.order_by("record_id").first().record_id + 40,
        )
    )
    document = Document.objects.order_by("?").first()
    word = max(document.title.split(), key=len)
    assert document.title in found(f'"{word}"')


def test_each_approved_translation_has_its_first_version_and_its_page(client):
    generate(30)

    approved = Translation.objects.exclude(approved_body="").select_related("document")
    versions = TranslationVersion.objects.prefetch_related("translators")
    assert approved.exists()
    assert {(v.translation_id, v.number) for v in versions} == {(t.pk, 1) for t in approved}
    for version in versions:
        translation = next(t for t in approved if t.pk == version.translation_id)
        assert (version.body, version.credit) == (
            translation.approved_body,
            translation.approved_credit,
        )
        assert list(version.translators.all()) == list(translation.approved_translators.all())
    translation = approved.first()
    page = client.get(f"/documents/{translation.document.record_id}/translations/en/v1/")
    assert page.status_code == 200 and translation.approved_credit in page.text


def test_documents_get_distinct_increasing_datestamps():
    generate(30)

    stamps = list(
        Document.objects.order_by("record_id").values_list("metadata_changed_at", flat=True)
    )
    assert len(set(stamps)) == len(stamps)
    assert stamps == sorted(stamps)
