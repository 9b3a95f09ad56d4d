"""The editors' desk's own records: editorial permissions, the review log, history.

Review data lives here, not on the archive models, so `archive` stays ignorant of
the workflow. History tables for every archive model are registered here too
(`register(..., app="curation")`), so their migrations belong to this app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register

from archive import models as archive


class Editorial(models.Model):
    """Holds the editorial permissions; it has no table of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("editorial decision")
        permissions = [
            ("review_translation", _("Can approve translations or send them back")),
            ("publish_document", _("Can publish, unpublish, schedule and withdraw documents")),
            ("view_activity", _("Can see the recent activity of the whole desk")),
            ("import_records", _("Can import records from spreadsheets")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ReviewEntry(models.Model):
    """One step of a translation's review: who did what, with the text at that moment."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        WITHDRAWN = "withdrawn", _("Withdrawn from readers")
        REVISED = "revised", _("New revision started")

    translation = models.ForeignKey(
        archive.Translation,
        verbose_name=_("translation"),
        on_delete=models.CASCADE,
        related_name="review_entries",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    from_state = models.CharField(_("from"), max_length=20, choices=archive.Translation.State)
    to_state = models.CharField(_("to"), max_length=20, choices=archive.Translation.State)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_entries",
    )
    comment = models.TextField(_("comment"), blank=True)
    body = models.TextField(_("text at this step"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review entry")
        verbose_name_plural = _("review entries")
        indexes = [
            models.Index(
                fields=["translation", "action", "-created_at"], name="review_entry_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.translation_id}"


# Every archive model keeps its full history, many-to-many links included.
HISTORY_M2M_FIELDS: dict[type[models.Model], list[str]] = {
    archive.Document: [
        "original_languages",
        "creators",
        "recipients",
        "places",
        "topics",
        "collections",
        "related_documents",
        "attachments",
        "funders",
    ],
    archive.Provenance: [],
    archive.Scan: [],
    archive.Transcript: [],
    archive.Translation: ["translators"],
    archive.Collection: ["related_collections"],
    archive.Agent: [],
    archive.Place: [],
    archive.Topic: [],
    archive.Repository: [],
    archive.Translator: ["working_languages"],
    archive.Funder: [],
    archive.Language: [],
    archive.Classification: [],
    archive.DocumentType: [],
    archive.RightsStatement: [],
}

for _model, _m2m in HISTORY_M2M_FIELDS.items():
    register(_model, app="curation", m2m_fields=_m2m)
