"""Stale translations: a corrected original marks each approved translation of it; the
desk shows the corrections; an editor confirms (with history) or starts a revision."""

import pytest
from django.urls import reverse

from archive.models import Transcript, Translation
from curation import services
from curation.models import ReviewEntry
from tests import factories
from tests.curation.conftest import client_for
from tests.curation.test_translation_versions import approve

pytestmark = pytest.mark.django_db

STALE_PAGE = "/admin/desk/stale/"


@pytest.fixture
def approved(translation, archivist, editor):
    """An approved translation of a published document with a transcript, and a second
    translation of the same document that was never approved."""
    document = translation.document
    document.status = document.Status.PUBLISHED
    document.save()
    factories.TranscriptFactory(document=document, body="<p>致外交部：一九五〇年</p>")
    factories.TranslationFactory(
        document=document, language=factories.LanguageFactory(code="ru", name="Russian")
    )
    return approve(translation, archivist, editor)


def correct_transcript(translation, body="<p>致外交部：一九五一年</p>"):
    transcript = Transcript.objects.get(document=translation.document)
    transcript.body = body
    transcript.save()
    return transcript


def fresh(translation) -> Translation:
    return Translation.objects.get(pk=translation.pk)


def test_a_transcript_edit_marks_each_approved_translation_of_it(approved):
    correct_transcript(approved)
    marks = dict(Translation.objects.values_list("language__code", "original_changed_at"))
    assert marks["en"] is not None
    assert marks["ru"] is None  # a draft readers never saw is not "out of date"


def test_saving_a_transcript_unchanged_marks_nothing(approved):
    transcript = Transcript.objects.get(document=approved.document)
    transcript.body = transcript.body.replace("</p>", "</p>\r\n")  # the same in normal form
    transcript.save()
    transcript.language = transcript.language  # and a save of nothing at all
    transcript.save()
    assert fresh(approved).original_changed_at is None


def test_approval_checks_against_the_original_as_it_is(approved, archivist, editor):
    correct_transcript(approved)
    current = fresh(approved)
    services.translation_note_edit(translation=current, user=archivist, changed={"body"})
    current.body = "<p>To the Foreign Ministry: 1951.</p>"
    current.save()
    approve(current, archivist, editor)
    assert fresh(approved).original_changed_at is None


def test_the_desk_page_shows_the_corrections_word_by_word(approved, editor):
    correct_transcript(approved, "<p>致外交部 一九五一年 补充</p>")
    page = client_for(editor).get(STALE_PAGE).content.decode()
    assert approved.document.title in page
    assert '<ins><span class="visually-hidden">[added: </span>' in page
    assert "补" in page
    assert '<del><span class="visually-hidden">[removed: </span>' in page


def test_the_review_queue_shows_the_mark(approved, editor, archivist):
    correct_transcript(approved)
    page = client_for(editor).get(reverse("curation:review_queue")).content.decode()
    assert "1 approved translation may be out of date" in page
    assert f'href="{STALE_PAGE}"' in page


def test_confirming_clears_the_mark_and_is_kept_in_the_history(approved, editor):
    correct_transcript(approved)
    response = client_for(editor).post(
        STALE_PAGE,
        {"translation": approved.pk, "action": "confirm", "comment": "Only a date; unchanged."},
    )
    assert response.status_code == 302
    current = fresh(approved)
    assert current.original_changed_at is None and current.original_checked_at is not None
    assert current.state == Translation.State.APPROVED
    entry = ReviewEntry.objects.filter(translation=approved).first()
    assert (entry.action, entry.comment) == ("confirmed", "Only a date; unchanged.")
    latest = current.history.order_by("-history_date").first()
    assert latest.history_change_reason.endswith("Only a date; unchanged.")
    assert latest.history_user == editor
    assert approved.document.title not in client_for(editor).get(STALE_PAGE).content.decode()


def test_confirming_needs_a_comment_and_an_editor(approved, editor, archivist):
    correct_transcript(approved)
    with pytest.raises(services.TransitionError):
        services.translation_confirm_current(translation=approved, editor=editor, comment=" ")
    response = client_for(archivist).post(
        STALE_PAGE, {"translation": approved.pk, "action": "confirm", "comment": "Fine."}
    )
    assert response.status_code == 403
    assert fresh(approved).original_changed_at is not None


def test_starting_a_revision_keeps_the_readers_text_and_the_mark(approved, editor):
    correct_transcript(approved)
    client_for(editor).post(STALE_PAGE, {"translation": approved.pk, "action": "revise"})
    current = fresh(approved)
    assert current.state == Translation.State.DRAFT
    assert current.approved_body and current.original_changed_at is not None


def test_bad_posts_change_nothing(approved, editor):
    client = client_for(editor)
    for data in ({"translation": "x", "action": "confirm"}, {"translation": approved.pk}):
        assert client.post(STALE_PAGE, data).status_code in (302, 404)
    assert fresh(approved).original_changed_at is None


def test_readers_are_told_unless_the_setting_is_off(approved, client, settings):
    correct_transcript(approved)
    url = approved.document.get_absolute_url()
    assert "The original was corrected on" in client.get(url).content.decode()
    settings.DOSSIER_STALE_TRANSLATION_NOTICE = False
    assert "The original was corrected on" not in client.get(url).content.decode()


def test_staff_filter_translations_and_documents_by_the_mark(approved, editor):
    correct_transcript(approved)
    client = client_for(editor)
    marked = client.get("/admin/archive/translation/?original_corrected=yes").content.decode()
    assert "1 translation" in marked or "1 result" in marked
    unmarked = client.get("/admin/archive/document/?original_corrected=no").content.decode()
    assert approved.document.title not in unmarked
