"""Mail to the people whose work an editor has just decided on.

Listens to ``review_moved`` (connected in ``CurationConfig.ready()``), so the review
services never wait on, or know of, the mail.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from curation.models import ReviewEntry
from curation.selectors import translation_submitter
from curation.tasks import send_mail_later

SUBJECTS = {
    ReviewEntry.Action.APPROVED: "Translation approved: {document}",
    ReviewEntry.Action.CHANGES_REQUESTED: "Changes requested: {document}",
}


def review_decision_sent(*, entry_id: int) -> int:
    """Tell the submitter of a translation that an editor approved it or sent it back.

    Runs after the decision is committed; returns the number of messages queued for
    the task worker (0 when the submitter is unknown or has no email address).
    """
    entry = ReviewEntry.objects.select_related(
        "translation__document", "translation__language", "actor"
    ).get(pk=entry_id)
    submitter = translation_submitter(entry.translation)
    if submitter is None or not submitter.email or entry.action not in SUBJECTS:
        return 0
    context = {
        "entry": entry,
        "translation": entry.translation,
        "document": entry.translation.document,
        "submitter": submitter,
        "review_url": settings.DOSSIER_SITE_URL
        + reverse("curation:review", args=[entry.translation.pk]),
        "site_name": settings.DOSSIER_SITE_NAME,
    }
    send_mail_later.enqueue(
        subject=SUBJECTS[entry.action].format(document=entry.translation.document),
        message=render_to_string("curation/email/review_decision.txt", context),
        recipient_list=[submitter.email],
    )
    return 1


def _review_moved(sender, entry: ReviewEntry, **kwargs) -> None:
    if entry.action in SUBJECTS:
        review_decision_sent(entry_id=entry.pk)


def connect() -> None:
    from curation.signals import review_moved

    review_moved.connect(_review_moved, dispatch_uid="curation_review_mail")
