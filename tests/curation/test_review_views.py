"""The review queue and review page: who sees what, and who may decide."""

import re

import pytest
from django.urls import reverse

from archive.models import Translation
from curation import services
from curation.roles import ARCHIVIST
from tests import factories
from tests.curation.conftest import client_for, member

pytestmark = pytest.mark.django_db

State = Translation.State
QUEUE = reverse("curation:review_queue")


def review_url(translation) -> str:
    return reverse("curation:review", args=[translation.pk])


def marked(page: str) -> dict[str, list[str]]:
    """The inserted and deleted words of the page's diff, as a reader sees them."""
    diff = re.search(r'<div class="word-diff" id="word-diff">(.*?)</div>', page, re.S).group(1)
    diff = re.sub(r'<span class="visually-hidden">.*?</span>', "", diff)
    return {tag: re.findall(rf"<{tag}>(.*?)</{tag}>", diff, re.S) for tag in ("ins", "del")}


def submit(translation, user):
    return services.translation_submit(translation=translation, user=user)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve"},
        {"action": "request_changes", "comment": "Redo"},
        {"action": "withdraw", "reason": "Wrong"},
    ],
    ids=lambda d: d["action"],
)
def test_an_archivists_hand_crafted_decision_is_refused(
    data, archivist_client, archivist, translation
):
    submit(translation, archivist)
    response = archivist_client.post(review_url(translation), data)
    assert response.status_code == 403
    translation.refresh_from_db()
    assert translation.state == State.SUBMITTED and not translation.approved_body


def test_an_editors_approval_succeeds(editor_client, archivist, translation):
    submit(translation, archivist)
    response = editor_client.post(review_url(translation), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    translation.refresh_from_db()
    assert translation.state == State.APPROVED
    assert "Approved" in response.content.decode()


def test_an_editor_sends_back_with_a_comment(editor_client, archivist, translation):
    submit(translation, archivist)
    editor_client.post(review_url(translation), {"action": "request_changes", "comment": "Redo"})
    translation.refresh_from_db()
    assert translation.state == State.CHANGES_REQUESTED


def test_sending_back_without_a_comment_is_refused_with_a_message(
    editor_client, archivist, translation
):
    submit(translation, archivist)
    response = editor_client.post(
        review_url(translation), {"action": "request_changes", "comment": ""}, follow=True
    )
    assert "a comment is required" in response.content.decode()
    translation.refresh_from_db()
    assert translation.state == State.SUBMITTED


def test_approving_a_draft_is_refused_with_a_message(editor_client, translation):
    response = editor_client.post(review_url(translation), {"action": "approve"}, follow=True)
    assert "Only a submitted translation can be approved" in response.content.decode()
    translation.refresh_from_db()
    assert translation.state == State.DRAFT


def test_an_archivist_submits_through_the_page(archivist_client, translation):
    archivist_client.post(review_url(translation), {"action": "submit"})
    translation.refresh_from_db()
    assert translation.state == State.SUBMITTED


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["queue", "review", "publication", "activity"])
def test_an_anonymous_visitor_reaches_none_of_it(name, method, client, translation):
    url = {
        "queue": QUEUE,
        "review": review_url(translation),
        "publication": reverse("curation:publication", args=[translation.document.pk]),
        "activity": reverse("curation:activity"),
    }[name]
    response = getattr(client, method)(url, {"action": "approve"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    translation.refresh_from_db()
    assert translation.state == State.DRAFT


def test_the_queue_lists_submitted_translations_oldest_first(
    editor_client, archivist, django_assert_num_queries
):
    documents = []
    for n in range(4):
        translation = factories.TranslationFactory(document__title=f"Cable {n}")
        translation.translators.add(factories.TranslatorFactory(name=f"Translator {n}"))
        submit(translation, archivist)
        documents.append(translation.document)
    factories.TranslationFactory(document__title="Still a draft")

    # session, user, user and group permissions, queue, its translators, sent back, the
    # count of stale translations; the same however long the queue.
    with django_assert_num_queries(8):
        response = editor_client.get(QUEUE)
    queue = response.context["queue"]
    assert [t.document for t in queue] == documents
    page = response.content.decode()
    assert "Still a draft" not in page
    assert "Translator 2" in page and "archie" in page


def test_archivists_see_their_translations_sent_back_with_the_comment(
    archivist_client, archivist, editor, translation
):
    submit(translation, archivist)
    services.translation_request_changes(
        translation=translation, editor=editor, comment="Please check the names."
    )
    someone_elses = factories.TranslationFactory()
    submit(someone_elses, member(ARCHIVIST, "other"))
    services.translation_request_changes(translation=someone_elses, editor=editor, comment="Hm")

    response = archivist_client.get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["sent_back"]) == [translation]
    page = response.content.decode()
    assert "Please check the names." in page
    assert response.context["queue"] == []  # archivists have no review queue
    assert 'id="review-queue"' not in page


def test_the_review_page_offers_each_role_only_its_own_actions(
    archivist_client, editor_client, archivist, translation
):
    submit(translation, archivist)
    archivist_page = archivist_client.get(review_url(translation)).content.decode()
    editor_page = editor_client.get(review_url(translation)).content.decode()
    assert 'value="approve"' not in archivist_page
    assert 'value="request_changes"' not in archivist_page
    assert 'value="approve"' in editor_page and 'value="request_changes"' in editor_page


def test_the_review_page_does_not_offer_approval_to_the_editor_who_submitted(
    editor_client, editor, second_editor, translation
):
    submit(translation, editor)
    own_page = editor_client.get(review_url(translation)).content.decode()
    assert 'value="approve"' not in own_page and 'value="request_changes"' in own_page
    assert "another editor must approve it" in own_page
    other_page = client_for(second_editor).get(review_url(translation)).content.decode()
    assert 'value="approve"' in other_page and "another editor must approve" not in other_page


def test_the_review_page_shows_word_level_differences_from_the_approved_text(
    editor_client, archivist, editor, second_editor, translation
):
    translation.body = "<p>The Soviet revisionists offered empty words.</p>"
    translation.save()
    submit(translation, archivist)
    services.translation_approve(translation=translation, editor=editor)
    translation.refresh_from_db()
    translation.body = "<p>The Soviet revisionists offered only empty promises.</p>"
    services.translation_note_edit(translation=translation, user=archivist, changed=["body"])
    translation.save()
    submit(translation, archivist)

    response = editor_client.get(review_url(translation))
    diff = response.context["diff"]
    assert (diff.added, diff.removed) == (2, 1)
    assert marked(response.content.decode()) == {
        "ins": ["only ", "promises."],
        "del": ["words."],
    }


def test_the_review_page_compares_a_resubmission_with_the_previous_one(
    editor_client, archivist, editor, translation
):
    submit(translation, archivist)
    services.translation_request_changes(translation=translation, editor=editor, comment="x")
    translation.body = "<p>To the Foreign Ministry: final.</p>"
    translation.save()
    submit(translation, archivist)
    response = editor_client.get(review_url(translation))
    assert response.context["baseline_label"] == "the previous submission"
    assert (response.context["diff"].added, response.context["diff"].removed) == (1, 1)


def test_the_review_page_costs_the_same_however_long_its_history(
    editor_client, archivist, editor, translation, django_assert_num_queries
):
    def cycle():
        submit(translation, archivist)
        services.translation_request_changes(translation=translation, editor=editor, comment="x")

    cycle()
    submit(translation, archivist)
    editor_client.get(review_url(translation))  # warm the content-type cache
    with django_assert_num_queries(11) as first:  # with who submitted (no self-approval)
        editor_client.get(review_url(translation))
    services.translation_request_changes(translation=translation, editor=editor, comment="y")
    for _ in range(3):
        cycle()
    submit(translation, archivist)
    with django_assert_num_queries(len(first)):
        editor_client.get(review_url(translation))
