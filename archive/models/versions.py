"""Approved versions of translations: what readers read, kept for good so it can be cited."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.richtext import RichTextField


class TranslationVersionQuerySet(models.QuerySet):
    def current(self):
        """Versions readers may open (withdrawn ones answer 410)."""
        return self.filter(withdrawn_at__isnull=True)


class TranslationVersion(models.Model):
    """One approved text of a translation, frozen at its approval with its credits.

    Numbered per document and language (the permalink's terms), 1, 2, 3 … in the order
    of approval; a number once given is never reused or changed. Rows are never edited
    after they are written, except to record a withdrawal, and survive the deletion of
    the working translation so that a cited permalink keeps answering.
    """

    document = models.ForeignKey(
        "archive.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="translation_versions",
    )
    translation = models.ForeignKey(
        "archive.Translation",
        verbose_name=_("translation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions",
    )
    language = models.ForeignKey(
        "archive.Language", verbose_name=_("language"), on_delete=models.PROTECT
    )
    number = models.PositiveIntegerField(_("version"))
    body = RichTextField(_("text"))
    credit = models.TextField(_("credit"), blank=True)
    translators = models.ManyToManyField(
        "archive.Translator",
        verbose_name=_("translators"),
        blank=True,
        related_name="translation_versions",
    )
    approved_at = models.DateTimeField(_("approved"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)

    objects = TranslationVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "language", "number"]
        verbose_name = _("translation version")
        verbose_name_plural = _("translation versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language", "number"], name="translation_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} translation of {self.document}, version {self.number}"

    def get_absolute_url(self) -> str:
        return version_url(self.document.record_id, self.language.code, self.number)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def version_url(record_id: int, language_code: str, number: int) -> str:
    return reverse("archive:translation_version", args=[record_id, language_code, number])
