"""Mail to the people whose work an editor has just decided on."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from curation.models import ReviewEntry

SUBJECTS = {
    ReviewEntry.Action.APPROVED: "Translation approved: {document}",
    ReviewEntry.Action.CHANGES_REQUESTED: "Changes requested: {document}",
}


def review_decision_sent(*, entry_id: int) -> int:
    """Tell the submitter of a translation that an editor approved it or sent it back.

    Runs after the decision is committed; returns the number of messages queued for
    the task worker (0 when the submitter is unknown or has no email address).
    """
    from curation.services import translation_submitter
    from curation.tasks import send_mail_later

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
