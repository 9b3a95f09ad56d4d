"""The editors' desk's own records: editorial permissions, the review log, history.

Review data lives here, not on the archive models, so `archive` stays ignorant of
the workflow. History tables for every archive model are registered here too
(`register(..., app="curation")`), so their migrations belong to this app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
)

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
        CONFIRMED = "confirmed", _("Confirmed against the corrected original")

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


class ChangesOnlyHistory(HistoricalRecords):
    """History that keeps a version only when something changed, on whichever side.

    simple-history writes a version on every ``save()`` and every m2m signal, even when the
    values are the ones already kept (``add()`` of a linked record, ``clear()`` of nothing),
    and it misses the records on the other side of a link: adding B to A's related
    documents changes B too (the relation is symmetrical), and ``topic.documents.add(A)``
    changes A. Versions that change nothing are skipped; the other side gets its own.
    """

    by_model: dict[type[models.Model], "ChangesOnlyHistory"] = {}

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            ChangesOnlyHistory.by_model[sender] = self

    def create_historical_record(self, instance, history_type, using=None):
        if history_type == "~" and self.same_as_latest(instance):
            return
        super().create_historical_record(instance, history_type, using=using)

    def same_as_latest(self, instance) -> bool:
        """Whether the latest version kept already holds every value `instance` has."""
        history = getattr(instance, self.manager_name)
        latest = history.order_by("-history_date", "-history_id").first()
        if latest is None:
            return False
        for field in self.fields_included(instance):
            if getattr(latest, field.attname) != getattr(instance, field.attname):
                return False
        for field in self.get_m2m_fields_from_model(self.cls):
            now = {row[field.m2m_reverse_field_name() + "_id"] for row in _links(instance, field)}
            then = self.m2m_models[field].objects.filter(history=latest)  # shared dict: by field
            if now != set(then.values_list(field.m2m_reverse_field_name(), flat=True)):
                return False
        return True

    def create_historical_record_m2ms(self, history_instance, instance):
        """As simple-history's, reading the links through `_links`."""
        for field in history_instance._history_m2m_fields:
            version_model = self.m2m_models[field]
            links = _links(instance, field)
            rows = [version_model(history=history_instance, **row) for row in links]
            pre_create_historical_m2m_records.send(
                sender=version_model,
                rows=rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created = version_model.objects.bulk_create(rows)
            post_create_historical_m2m_records.send(
                sender=version_model,
                created_rows=created,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        field = self.cls._meta.get_field(attr)
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        mirrored = field.remote_field.symmetrical and field.related_model is self.cls
        if reverse or mirrored:
            self._other_side_changed(instance, action, field, pk_set, reverse)

    def _other_side_changed(self, instance, action, field, pk_set, reverse) -> None:
        """Keep a version of each record on the far side of a link that changed."""
        through = field.remote_field.through
        ours, theirs = field.m2m_field_name(), field.m2m_reverse_field_name()
        near, far = (theirs, ours) if reverse else (ours, theirs)
        if action == "pre_clear":
            rows = through.objects.filter(**{near: instance.pk})
            instance._history_detached = set(rows.values_list(far, flat=True))
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_history_detached", set())
        elif action not in ("post_add", "post_remove"):
            return
        reason = Truncator(gettext("Linked or unlinked from “%(record)s”") % {"record": instance})
        for other in self.cls._default_manager.filter(pk__in=pk_set or ()):
            other._change_reason = reason.chars(100)
            other._history_mirrored = () if reverse else (field,)
            self.create_historical_record(other, "~")


def _links(instance, field) -> list[dict]:
    """The rows of `field`'s through table for `instance`, as {column: value}.

    Django writes the mirror rows of a symmetrical link (B to A for A to B) only after
    m2m_changed, so for the far side of such a change they are read the other way round.
    """
    through = field.remote_field.through
    own, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    if field in instance.__dict__.get("_history_mirrored", ()):
        rows = through.objects.filter(**{target: instance.pk}).values_list("pk", own)
    else:
        rows = through.objects.filter(**{own: instance.pk}).values_list("pk", target)
    return [{"id": pk, f"{own}_id": instance.pk, f"{target}_id": other} for pk, other in rows]


def record_version(instance, *, created: bool) -> None:
    """Keep a version of `instance` now, if anything changed since the last one (used when
    the admin saves a record and its links together as one version)."""
    ChangesOnlyHistory.by_model[type(instance)].create_historical_record(
        instance, "+" if created else "~"
    )


# Every archive model keeps its full history, every many-to-many link included (read
# from the model, so a link added to a model is versioned without being listed here).
HISTORY_MODELS: list[type[models.Model]] = [
    archive.Document,
    archive.Provenance,
    archive.Scan,
    archive.Transcript,
    archive.Translation,
    archive.Collection,
    archive.Agent,
    archive.Place,
    archive.Topic,
    archive.Repository,
    archive.DeclassifyingAuthority,
    archive.Translator,
    archive.Funder,
    archive.Language,
    archive.Classification,
    archive.DocumentType,
    archive.RightsStatement,
]
HISTORY_M2M_FIELDS: dict[type[models.Model], list[str]] = {
    model: [field.name for field in model._meta.many_to_many] for model in HISTORY_MODELS
}

# Derived timestamps that change without an edit worth a history line.
HISTORY_EXCLUDED_FIELDS = {archive.Document: ["metadata_changed_at"]}

for _model, _m2m in HISTORY_M2M_FIELDS.items():
    register(
        _model,
        app="curation",
        m2m_fields=_m2m,
        excluded_fields=HISTORY_EXCLUDED_FIELDS.get(_model, []),
        records_class=ChangesOnlyHistory,
    )


class ImportJob(models.Model):
    """A document import too big for a request, run by the task worker in two steps.

    Checking reads every row and stores the report; the archivist looks at it and
    confirms; writing imports the file (all rows or none) if it still means what was
    checked. The file waits in default storage, readable by any server and worker.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        CHECKING = "checking", _("Checking rows")
        CHECKED = "checked", _("Checked: waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed: waiting for the worker")
        WRITING = "writing", _("Importing (all rows or none)")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Nothing imported")
        INTERRUPTED = "interrupted", _("Interrupted: nothing imported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.CASCADE
    )
    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.CharField(max_length=255)  # path in default storage
    create_missing = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors_so_far = models.PositiveIntegerField(default=0)
    # What the check found (counts, errors, new names, updates), shown until written.
    report = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("import job")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (
            self.State.CHECKED,
            self.State.DONE,
            self.State.REFUSED,
            self.State.INTERRUPTED,
        )
