"""Writing approved versions: each approval that changes what readers read is kept as a
numbered, citable version (``TranslationVersion``).

Called by the review services at approval and withdrawal, and by loaders that write
approved translations directly; never from a model's save(), so a plain edit of the working
text can never make a version.
"""

from django.db.models import Max
from django.utils import timezone

from archive.models import Translation, TranslationVersion


def _same_as(version: TranslationVersion, translation: Translation) -> bool:
    translators = {t.pk for t in translation.approved_translators.all()}
    return (
        version.body == translation.approved_body
        and version.credit == translation.approved_credit
        and {t.pk for t in version.translators.all()} == translators
    )


def record_approved_version(translation: Translation) -> TranslationVersion | None:
    """The version of the text readers now see: a new one, numbered next for the document
    and language, unless the latest version already holds this text and these credits
    (approving an unchanged text again gives no new number). The caller holds the
    translation's row lock, so two approvals cannot take the same number."""
    if not translation.approved_body:
        return None
    latest = translation.versions.order_by("-number").first()
    if latest is not None and not latest.is_withdrawn and _same_as(latest, translation):
        return latest
    taken = TranslationVersion.objects.filter(
        document_id=translation.document_id, language_id=translation.language_id
    ).aggregate(highest=Max("number"))["highest"]
    version = TranslationVersion.objects.create(
        document_id=translation.document_id,
        translation=translation,
        language_id=translation.language_id,
        number=(taken or 0) + 1,
        body=translation.approved_body,
        credit=translation.approved_credit,
        approved_at=translation.approved_at or timezone.now(),
    )
    version.translators.set(translation.approved_translators.all())
    return version


def withdraw_versions(translation: Translation, *, reason: str) -> int:
    """Withdraw every version of a translation taken away from readers: their permalinks
    answer 410 with the reason. Returns how many were withdrawn."""
    return translation.versions.current().update(
        withdrawn_at=timezone.now(), withdrawal_reason=reason
    )
