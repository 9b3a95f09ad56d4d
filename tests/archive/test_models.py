"""The record's constraints: what the database and the models refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from archive import models
from archive.dates import DatePrecision
from tests import factories

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


class TestDocument:
    def test_record_ids_are_assigned_in_sequence(self):
        first = factories.DocumentFactory()
        second = factories.DocumentFactory()
        assert first.record_id >= 1
        assert second.record_id == first.record_id + 1

    def test_an_imported_record_id_is_kept_and_later_ids_follow_it(self):
        imported = factories.DocumentFactory(record_id=111245)
        following = factories.DocumentFactory()
        assert imported.record_id == 111245
        assert following.record_id == 111246

    def test_record_ids_are_unique(self):
        factories.DocumentFactory(record_id=7)
        assert refused(factories.DocumentFactory, record_id=7)

    def test_slugs_are_made_from_the_title_and_kept_unique(self):
        first = factories.DocumentFactory(title="Cable from the Chinese Embassy")
        second = factories.DocumentFactory(title="Cable from the Chinese Embassy")
        assert first.slug == "cable-from-the-chinese-embassy"
        assert second.slug == "cable-from-the-chinese-embassy-2"
        assert refused(factories.DocumentFactory, slug=first.slug)

    def test_a_title_in_another_script_still_gets_a_slug(self):
        document = factories.DocumentFactory(title="毛泽东致周恩来电")
        assert document.slug

    def test_the_date_is_normalized_on_save(self):
        document = factories.DocumentFactory(date_entered="May 30, 1965")
        document.refresh_from_db()
        assert document.date_edtf == "1965-05-30"
        assert document.date_earliest == datetime.date(1965, 5, 30)
        assert document.date_latest == datetime.date(1965, 5, 30)
        assert document.date_precision == DatePrecision.DAY
        assert document.date_display == "May 30, 1965"

    def test_a_fuzzy_date_keeps_its_range(self):
        document = factories.DocumentFactory(date_entered="1951-09/1951-11")
        assert document.date_earliest == datetime.date(1951, 9, 1)
        assert document.date_latest == datetime.date(1951, 11, 30)

    def test_an_undated_document_has_no_range(self):
        document = factories.DocumentFactory(date_entered="undated")
        assert document.date_earliest is None
        assert document.date_display == "Undated"

    def test_an_unparseable_date_is_a_form_error_on_the_date_field(self):
        document = factories.DocumentFactory.build(date_entered="the spring after the war")
        with pytest.raises(ValidationError) as error:
            document.full_clean()
        assert "date_entered" in error.value.message_dict
        assert "Accepted forms" in " ".join(error.value.message_dict["date_entered"])

    def test_the_database_refuses_a_range_that_ends_before_it_starts(self):
        document = factories.DocumentFactory()
        query = models.Document.objects.filter(pk=document.pk)
        assert refused(
            query.update,
            date_earliest=datetime.date(1966, 1, 1),
            date_latest=datetime.date(1965, 1, 1),
        )

    def test_published_excludes_drafts_and_withdrawn(self):
        published = factories.PublishedDocumentFactory()
        factories.DocumentFactory()
        factories.DocumentFactory(status=models.Document.Status.WITHDRAWN)
        assert list(models.Document.objects.published()) == [published]

    def test_a_rights_statement_in_use_cannot_be_deleted(self):
        document = factories.PublishedDocumentFactory()
        with pytest.raises(ProtectedError):
            document.rights_statement.delete()

    def test_get_absolute_url_uses_record_id_and_slug(self):
        document = factories.DocumentFactory(record_id=42, title="Letter to Stalin")
        assert document.get_absolute_url() == "/documents/42/letter-to-stalin/"


class TestAttachedRecords:
    def test_one_transcript_per_language_per_document(self):
        transcript = factories.TranscriptFactory()
        assert refused(
            factories.TranscriptFactory,
            document=transcript.document,
            language=transcript.language,
        )

    def test_transcripts_in_two_languages_are_allowed(self):
        transcript = factories.TranscriptFactory()
        other = factories.TranscriptFactory(
            document=transcript.document, language=factories.LanguageFactory(code="ru")
        )
        assert transcript.document.transcripts.count() == 2
        assert other.pk

    def test_scans_keep_their_order_and_positions_are_unique(self):
        document = factories.DocumentFactory()
        second = factories.ScanFactory(document=document, position=2)
        first = factories.ScanFactory(document=document, position=1)
        assert list(document.scans.all()) == [first, second]
        assert refused(factories.ScanFactory, document=document, position=2)

    def test_an_image_scan_gets_its_derivatives(self):
        scan = factories.ScanFactory(file=factories.png_upload(size=(2400, 1800)))
        assert scan.kind == models.Scan.Kind.IMAGE
        assert (scan.width, scan.height) == (2400, 1800)
        assert max(scan.thumbnail.width, scan.thumbnail.height) <= 300
        assert max(scan.web_image.width, scan.web_image.height) <= 1600
        assert scan.file_size == scan.file.size

    def test_a_pdf_scan_is_kept_as_it_is(self):
        upload = factories.pdf_upload()
        content = upload.read()
        upload.seek(0)
        scan = factories.ScanFactory(file=upload)
        assert scan.kind == models.Scan.Kind.PDF
        assert not scan.thumbnail
        scan.file.open("rb")
        assert scan.file.read() == content

    def test_one_provenance_per_document(self):
        provenance = factories.ProvenanceFactory()
        assert refused(factories.ProvenanceFactory, document=provenance.document)

    def test_deleting_a_document_removes_what_hangs_off_it(self):
        document = factories.DocumentFactory()
        factories.ProvenanceFactory(document=document)
        factories.ScanFactory(document=document)
        factories.TranscriptFactory(document=document)
        factories.TranslationFactory(document=document)
        document.delete()
        assert not models.Scan.objects.exists()
        assert not models.Transcript.objects.exists()
        assert not models.Translation.objects.exists()
        assert not models.Provenance.objects.exists()

    def test_a_language_in_use_cannot_be_deleted(self):
        translation = factories.TranslationFactory()
        with pytest.raises(ProtectedError):
            translation.language.delete()


class TestTranslation:
    def test_only_approved_text_is_public(self):
        draft = factories.TranslationFactory()
        approved = factories.TranslationFactory(
            approved_body="<p>Approved.</p>", state=models.Translation.State.APPROVED
        )
        assert list(models.Translation.objects.public()) == [approved]
        assert not draft.is_public

    def test_rich_text_is_sanitized_on_save(self):
        translation = factories.TranslationFactory(
            body='<p onclick="steal()">Text<script>alert(1)</script></p>'
        )
        translation.refresh_from_db()
        assert translation.body == "<p>Text</p>"

    def test_the_credit_line_is_made_from_the_translators(self):
        translation = factories.TranslationFactory()
        translation.translators.add(factories.TranslatorFactory(name="David Cowhig"))
        assert translation.credit() == "Translated by David Cowhig"
        translation.translators.add(factories.TranslatorFactory(name="Merle Pribbenow"))
        assert translation.credit() == "Translated by David Cowhig and Merle Pribbenow"

    def test_an_explicit_credit_line_wins(self):
        translation = factories.TranslationFactory(
            credit_line="Translated for CWIHP by Merle Pribbenow"
        )
        assert translation.credit() == "Translated for CWIHP by Merle Pribbenow"


class TestAuthorities:
    @pytest.mark.parametrize(
        "factory",
        [
            factories.TopicFactory,
            factories.AgentFactory,
            factories.RepositoryFactory,
            factories.TranslatorFactory,
            factories.FunderFactory,
            factories.ClassificationFactory,
            factories.DocumentTypeFactory,
            factories.RightsStatementFactory,
        ],
    )
    def test_names_are_unique(self, factory):
        factory(name="Same name")
        assert refused(factory, name="Same name")

    def test_language_codes_are_unique(self):
        factories.LanguageFactory(code="zh", name="Chinese")
        assert refused(models.Language.objects.create, code="zh", name="Mandarin")

    def test_a_funder_gets_a_credit_line_from_its_name(self):
        funder = factories.FunderFactory(name="Henry Luce Foundation")
        assert funder.credit_line == (
            "This document was made possible with support from Henry Luce Foundation"
        )

    def test_collection_slugs_are_unique(self):
        collection = factories.CollectionFactory(title="Sino-Soviet Relations")
        assert collection.slug == "sino-soviet-relations"
        assert refused(factories.CollectionFactory, slug="sino-soviet-relations")

    def test_a_collection_cannot_be_inside_itself(self):
        parent = factories.CollectionFactory()
        child = factories.CollectionFactory(parent=parent)
        parent.parent = child
        with pytest.raises(ValidationError):
            parent.full_clean()


class TestPlaces:
    def test_places_inside_a_country_are_found_with_it(self):
        vietnam = factories.PlaceFactory(name="Vietnam")
        hanoi = factories.PlaceFactory(name="Hanoi", parent=vietnam)
        old_quarter = factories.PlaceFactory(name="Old Quarter", parent=hanoi)
        elsewhere = factories.PlaceFactory(name="Moscow")
        inside = set(vietnam.with_descendants())
        assert inside == {vietnam, hanoi, old_quarter}
        assert elsewhere not in inside

    def test_moving_a_place_moves_the_places_inside_it(self):
        vietnam = factories.PlaceFactory(name="Vietnam")
        asia = factories.PlaceFactory(name="Asia")
        hanoi = factories.PlaceFactory(name="Hanoi", parent=vietnam)
        vietnam.parent = asia
        vietnam.save()
        hanoi.refresh_from_db()
        assert hanoi in asia.with_descendants()
        assert hanoi.tree_path == f"/{asia.pk}/{vietnam.pk}/{hanoi.pk}/"

    def test_a_place_cannot_be_inside_itself(self):
        vietnam = factories.PlaceFactory(name="Vietnam")
        hanoi = factories.PlaceFactory(name="Hanoi", parent=vietnam)
        vietnam.parent = hanoi
        with pytest.raises(ValidationError):
            vietnam.full_clean()

    def test_names_are_unique_within_a_parent_and_at_the_top(self):
        usa = factories.PlaceFactory(name="United States")
        factories.PlaceFactory(name="Springfield", parent=usa)
        assert refused(factories.PlaceFactory, name="Springfield", parent=usa)
        assert refused(factories.PlaceFactory, name="United States")
        other = factories.PlaceFactory(name="Other country")
        assert factories.PlaceFactory(name="Springfield", parent=other).pk
