"""Reads for the pages of approved translation versions: a version, its successors, the one
before it. Each page costs the same few queries however many versions a translation has."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Prefetch, Subquery

from archive.models import TranslationVersion, Translator
from archive.selectors import DocumentRecord, document_record


@dataclass
class VersionPage:
    record: DocumentRecord
    version: TranslationVersion

    @property
    def newer_number(self) -> int | None:
        """The number of the newest version readers may open, when newer than this one."""
        latest = self.version.latest_number
        return latest if latest and latest > self.version.number else None

    @property
    def stale_since(self) -> datetime.datetime | None:
        """When the original was corrected after the translation was approved, if this
        version is the one the document page shows (readers are told on both pages)."""
        if self.version.is_withdrawn or self.version.latest_number != self.version.number:
            return None
        translation = next(
            (t for t in self.record.translations if t.pk == self.version.translation_id), None
        )
        return translation.original_changed_at if translation else None


def _numbers_of_same_text(**condition) -> Subquery:
    """The highest number among the current versions of the outer version's document and
    language that meet ``condition``."""
    return Subquery(
        TranslationVersion.objects.current()
        .filter(document=OuterRef("document"), language=OuterRef("language"), **condition)
        .order_by()
        .values("document")
        .annotate(highest=Max("number"))
        .values("highest")
    )


def version_page(
    record_id: int, language_code: str, number: int, *, with_translators: bool = True
) -> VersionPage | None:
    """A version of a published (or withdrawn) document's translation, withdrawn or not,
    with the number of the newest one and of the one before it."""
    record = document_record(record_id)
    if record is None:
        return None
    versions = TranslationVersion.objects.filter(
        document=record.document, language__code=language_code
    ).select_related("language")
    if with_translators:
        translators = Translator.objects.only("name", "slug")
        versions = versions.prefetch_related(Prefetch("translators", queryset=translators))
    version = (
        versions.filter(number=number)
        .annotate(
            latest_number=_numbers_of_same_text(),
            previous_number=_numbers_of_same_text(number__lt=OuterRef("number")),
        )
        .first()
    )
    if version is None:
        return None
    version.document = record.document  # the record's copy, with its related rows
    return VersionPage(record=record, version=version)


def previous_version(page: VersionPage) -> TranslationVersion | None:
    """The current version before the page's one (None for the first), for comparison."""
    number = page.version.previous_number
    if number is None:
        return None
    return (
        TranslationVersion.objects.current()
        .filter(document=page.record.document, language=page.version.language, number=number)
        .only("number", "body", "approved_at")
        .first()
    )
