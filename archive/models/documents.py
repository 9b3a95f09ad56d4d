"""The document and what hangs off it: provenance, scans, transcripts, translations."""

import random
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image

from archive.alignment import validate_alignment
from archive.dates import DatePrecision, parse_historical_date
from archive.richtext import RichTextField
from archive.slugs import unique_slug
from archive.uploads import (
    is_multipage_tiff,
    make_thumbnail,
    make_web_image,
    sniff_kind,
    tiff_to_pdf,
    validate_scan_upload,
)

from .base import AnnouncingQuerySet, TimeStamped, reencode_new_image

# How often a new document picks a fresh record ID after others took its number: a
# stress test of 8 creators adding non-stop needed at most 19 attempts.
NUMBERING_ATTEMPTS = 50


class DocumentQuerySet(AnnouncingQuerySet):
    document_field = "pk"

    def published(self):
        return self.filter(status=Document.Status.PUBLISHED)

    def update(self, **kwargs):
        # A bulk edit changes the records as a save would: harvesters must see it.
        kwargs.setdefault("metadata_changed_at", timezone.now())
        return super().update(**kwargs)

    update.alters_data = True


class Document(TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    record_id = models.PositiveIntegerField(
        _("record ID"),
        unique=True,
        blank=True,
        help_text=_("Stable public number used in URLs and citations. Assigned when left blank."),
    )
    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences shown in lists and on the page."),
    )

    date_entered = models.CharField(
        _("date"),
        max_length=100,
        blank=True,
        help_text=_(
            'As historians give it: "1965-05-30", "May 30, 1965", "1952-07", "circa 1950", '
            '"1951-09/1951-11", "1950?" or "undated".'
        ),
    )
    date_edtf = models.CharField(_("date (EDTF)"), max_length=100, blank=True, editable=False)
    date_earliest = models.DateField(_("earliest date"), null=True, editable=False)
    date_latest = models.DateField(_("latest date"), null=True, editable=False)
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.UNDATED,
        editable=False,
    )
    date_display = models.CharField(_("date as shown"), max_length=120, blank=True, editable=False)

    document_type = models.ForeignKey(
        "archive.DocumentType",
        verbose_name=_("document type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    original_languages = models.ManyToManyField(
        "archive.Language",
        verbose_name=_("original languages"),
        blank=True,
        related_name="original_documents",
    )
    classification = models.ForeignKey(
        "archive.Classification",
        verbose_name=_("original classification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    creators = models.ManyToManyField(
        "archive.Agent", verbose_name=_("creators"), blank=True, related_name="documents_created"
    )
    recipients = models.ManyToManyField(
        "archive.Agent",
        verbose_name=_("recipients"),
        blank=True,
        related_name="documents_received",
    )
    places = models.ManyToManyField(
        "archive.Place", verbose_name=_("associated places"), blank=True, related_name="documents"
    )
    topics = models.ManyToManyField(
        "archive.Topic", verbose_name=_("associated topics"), blank=True, related_name="documents"
    )
    collections = models.ManyToManyField(
        "archive.Collection",
        verbose_name=_("collections"),
        blank=True,
        related_name="documents",
    )
    related_documents = models.ManyToManyField(
        "self", verbose_name=_("related documents"), blank=True
    )
    attachments = models.ManyToManyField(
        "self",
        verbose_name=_("attachments"),
        symmetrical=False,
        blank=True,
        related_name="attached_to",
        help_text=_("Documents enclosed in this one."),
    )
    funders = models.ManyToManyField(
        "archive.Funder", verbose_name=_("funders"), blank=True, related_name="documents"
    )
    rights_statement = models.ForeignKey(
        "archive.RightsStatement",
        verbose_name=_("rights statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )

    status = models.CharField(
        _("publication state"), max_length=12, choices=Status, default=Status.DRAFT
    )
    first_published_at = models.DateTimeField(
        _("original uploaded date"),
        null=True,
        blank=True,
        help_text=_("When the document was first published; kept when it is republished."),
    )
    publish_at = models.DateTimeField(
        _("scheduled publication"),
        null=True,
        blank=True,
        help_text=_("Publish automatically at this date and time."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(
        _("withdrawal reason"), blank=True, help_text=_("Shown to readers on the tombstone page.")
    )
    # OAI-PMH's datestamp and the sitemap's lastmod: unlike `updated_at` it also moves when
    # a relation, the provenance, an approved translation or a named authority changes
    # (archive/oai/signals.py), so harvesters re-fetch every record whose metadata changed.
    metadata_changed_at = models.DateTimeField(
        _("metadata changed"), default=timezone.now, db_default=Now(), editable=False
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["date_earliest", "record_id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["status", "date_earliest"], name="document_status_date"),
            models.Index(fields=["date_earliest", "date_latest"], name="document_date_range"),
            models.Index(fields=["-first_published_at"], name="document_first_published"),
            # The home page's newest published: read in index order, no sort of every row.
            models.Index(
                fields=["status", "-first_published_at", "-record_id"],
                name="document_published_newest",
            ),
            models.Index(fields=["-updated_at"], name="document_updated"),
            models.Index(fields=["metadata_changed_at", "id"], name="document_metadata_changed"),
            models.Index(
                fields=["publish_at"],
                condition=models.Q(publish_at__isnull=False),
                name="document_scheduled",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_earliest__isnull=True)
                | models.Q(date_latest__isnull=True)
                | models.Q(date_earliest__lte=models.F("date_latest")),
                name="document_date_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        try:
            self.apply_date()
        except ValidationError as error:
            raise ValidationError({"date_entered": error.messages}) from error

    def save(self, *args, **kwargs):
        self.apply_date()
        self.metadata_changed_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "metadata_changed_at"}
        numbered, named = self.record_id is not None, bool(self.slug)
        if numbered and named:
            super().save(*args, **kwargs)
            return
        for attempt in range(1, NUMBERING_ATTEMPTS + 1):
            if not numbered:
                self.record_id = next_record_id()
            if not named:
                self.slug = unique_slug(self, self.title, max_length=110)
            try:
                # A savepoint, so a clash leaves the caller's transaction usable.
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                # Someone created a document at the same moment and took the number
                # (or slug) we picked: pick again. Any other clash is the caller's.
                if attempt == NUMBERING_ATTEMPTS or not self._lost_race(numbered, named):
                    raise
                # A random pause, so creators who clashed do not read the same number again.
                time.sleep(random.uniform(0, 0.01 * attempt))

    def get_absolute_url(self) -> str:
        return reverse(
            "archive:document_detail", kwargs={"record_id": self.record_id, "slug": self.slug}
        )

    def apply_date(self) -> None:
        """Derive the normalized date fields from what the archivist entered."""
        parsed = parse_historical_date(self.date_entered)
        self.date_entered = parsed.entered
        self.date_edtf = parsed.edtf
        self.date_earliest = parsed.earliest
        self.date_latest = parsed.latest
        self.date_precision = parsed.precision
        self.date_display = parsed.display

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _lost_race(self, numbered: bool, named: bool) -> bool:
        others = Document.objects.exclude(pk=self.pk) if self.pk else Document.objects
        return (not numbered and others.filter(record_id=self.record_id).exists()) or (
            not named and others.filter(slug=self.slug).exists()
        )


def next_record_id() -> int:
    highest = Document.objects.aggregate(highest=Max("record_id"))["highest"]
    return (highest or 0) + 1


class Provenance(models.Model):
    """Where the original is and how its text reached the archive."""

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="provenance"
    )
    repository = models.ForeignKey(
        "archive.Repository",
        verbose_name=_("repository"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provenances",
    )
    archival_reference = models.CharField(
        _("archival reference"),
        max_length=255,
        blank=True,
        help_text=_('Fonds, file and pages, e.g. "PRC FMA 109-03654-02, 23-26".'),
    )
    published_source = models.TextField(
        _("published source"),
        blank=True,
        help_text=_("Full citation of the publication the text was taken from, if any."),
    )
    translation_source = models.TextField(
        _("translation source"),
        blank=True,
        help_text=_("Full citation of where the translation was first published, if elsewhere."),
    )
    acquisition_note = models.TextField(_("acquisition"), blank=True)
    declassified_by = models.ForeignKey(
        "archive.DeclassifyingAuthority",
        verbose_name=_("declassifying authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provenances",
        help_text=_('Who released the original, e.g. "US Department of State".'),
    )
    declassified_on = models.DateField(_("declassification date"), null=True, blank=True)
    declassification_case = models.CharField(
        _("case or request number"),
        max_length=100,
        blank=True,
        help_text=_('The FOIA or MDR case number, e.g. "F-2019-01234".'),
    )
    declassification_program = models.CharField(
        _("review program"),
        max_length=100,
        blank=True,
        help_text=_(
            'e.g. "Freedom of Information Act", "Mandatory Declassification Review", '
            '"Automatic declassification (25 years)".'
        ),
    )
    declassification_note = models.TextField(_("declassification notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenance")

    def __str__(self) -> str:
        parts = [self.archival_reference, str(self.repository or "")]
        return ", ".join(p for p in parts if p) or str(_("Provenance"))

    @property
    def is_declassified(self) -> bool:
        return bool(
            self.declassified_by_id
            or self.declassified_on
            or self.declassification_case
            or self.declassification_program
        )

    @property
    def source_line(self) -> str:
        """The source as the document page and citation give it."""
        return self.published_source or ", ".join(
            p for p in [self.archival_reference, str(self.repository or "")] if p
        )


class _ScanFileURL:
    """A scan file's URL is the view that checks who may see it, never MEDIA_URL: scans of
    drafts are not public, so the admin's "Currently:" link and thumbnails go through it."""

    VARIANTS = {"file": "original", "web_image": "web", "thumbnail": "thumbnail"}

    @property
    def url(self) -> str:
        self._require_file()
        if self.instance.id is None:  # not saved yet: no URL serves it (the widget checks this)
            return ""
        # `id`, not `pk`: on a historical copy of a scan, pk is the history row.
        return reverse(
            "archive:scan_staff", args=[self.instance.id, self.VARIANTS[self.field.name]]
        )


class ScanFieldFile(_ScanFileURL, FieldFile):
    pass


class ScanImageFieldFile(_ScanFileURL, ImageFieldFile):
    pass


class ScanFileField(models.FileField):
    attr_class = ScanFieldFile

    def deconstruct(self):
        # Only the URL differs from a FileField: nothing for a migration to record.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


class ScanImageField(models.ImageField):
    attr_class = ScanImageFieldFile

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


class Scan(models.Model):
    """A file of the original: an image of a page, or a PDF of the whole."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="scans"
    )
    position = models.PositiveIntegerField(_("order"), default=1)
    file = ScanFileField(
        _("file"),
        upload_to="scans/%Y/%m/",
        validators=[validate_scan_upload],
        help_text=_("A PDF, or an image (JPEG, PNG, GIF, WebP, TIFF)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, editable=False)
    label = models.CharField(
        _("label"), max_length=255, blank=True, help_text=_('e.g. "Original in Chinese", "Page 2".')
    )
    alt_text = models.CharField(
        _("text alternative"),
        max_length=500,
        blank=True,
        help_text=_("What the page shows, for readers who cannot see it."),
    )
    thumbnail = ScanImageField(upload_to="scans/thumbnails/", blank=True, editable=False)
    web_image = ScanImageField(upload_to="scans/web/", blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="scan_unique_position"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} {self.position}"

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self._prepare_new_file()
        super().save(*args, **kwargs)

    def _prepare_new_file(self) -> None:
        """Sniff, convert or re-encode, and derive thumbnails for a file just uploaded.

        The stored name is the slug of the uploaded name's stem plus the extension of what
        the bytes are (a PDF named "poly.html" is stored as "poly.pdf"); images get theirs
        from the re-encoding. A multi-page TIFF becomes one PDF so that no page is lost.
        """
        upload = self.file.file
        stem = slugify(self.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "scan"
        self.kind = sniff_kind(upload)
        if self.kind == self.Kind.IMAGE and is_multipage_tiff(upload):
            self.kind = self.Kind.PDF
            self._derive_images(upload, stem)  # from the first page, for lists and the admin
            self.file.save(f"{stem}.pdf", tiff_to_pdf(upload), save=False)
        elif self.kind == self.Kind.IMAGE:
            reencode_new_image(self.file)
            self._derive_images(self.file.file, stem)
        else:
            self.file.save(f"{stem}.pdf", upload, save=False)
        self.file_size = self.file.size

    def _derive_images(self, source, stem: str) -> None:
        thumbnail = make_thumbnail(source)
        web = make_web_image(source)
        self.thumbnail.save(f"{stem}-thumb.{thumbnail.name.rsplit('.', 1)[-1]}", thumbnail, False)
        self.web_image.save(f"{stem}-web.{web.name.rsplit('.', 1)[-1]}", web, False)
        with Image.open(source) as image:
            self.width, self.height = image.size
        source.seek(0)

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class Transcript(TimeStamped):
    """The text in its original language."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="transcripts"
    )
    language = models.ForeignKey(
        "archive.Language", verbose_name=_("language"), on_delete=models.PROTECT
    )
    body = RichTextField(_("text"))

    objects = AnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["document", "language__name"]
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language"], name="transcript_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} transcript of {self.document}"


class TranslationQuerySet(AnnouncingQuerySet):
    def public(self):
        """Translations readers may see: those with an approved text."""
        return self.exclude(approved_body="")


class Translation(TimeStamped):
    """The text in another language, with its translators and review state.

    `body` is the working text archivists edit; `approved_body` is the text
    readers see, copied from `body` when an editor approves it, so editing an
    approved translation never changes what the public reads. The credit and the
    translators are copied with it (`approved_credit`, `approved_translators`).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.ForeignKey(
        "archive.Language", verbose_name=_("language"), on_delete=models.PROTECT
    )
    body = RichTextField(_("text"))
    translators = models.ManyToManyField(
        "archive.Translator", verbose_name=_("translators"), blank=True, related_name="translations"
    )
    credit_line = models.CharField(
        _("credit line"),
        max_length=255,
        blank=True,
        help_text=_(
            'e.g. "Translated for CWIHP by Merle Pribbenow". Left blank, it is made '
            'from the translators ("Translated by …").'
        ),
    )
    alignment = models.TextField(
        _("paragraph alignment"),
        blank=True,
        validators=[validate_alignment],
        help_text=_(
            "Left blank, paragraph n of this translation is shown beside paragraph n of the "
            "original transcript. Corrections, one per line: 3=3-4 (paragraph 3 renders "
            "transcript paragraphs 3 and 4), 5-6=5 (a split), 9= (no counterpart), =12 "
            "(not translated). Paragraphs after a correction pair one to one again."
        ),
    )
    state = models.CharField(
        _("review state"), max_length=20, choices=State, default=State.DRAFT, db_index=True
    )
    approved_body = RichTextField(_("approved text"), blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    # Who readers are told made the approved text: taken with it, so a revision's new
    # credit line or translators stay out of sight until that revision is approved.
    approved_credit = models.TextField(_("approved credit"), blank=True, editable=False)
    approved_translators = models.ManyToManyField(
        "archive.Translator",
        verbose_name=_("approved translators"),
        blank=True,
        editable=False,
        related_name="approved_translations",
    )

    # Stale-translation detection (archive/staleness.py): when the approved text was last
    # checked against the original (approval, or an editor's confirmation), and when a
    # transcript of the document was corrected after that; empty while nothing changed.
    original_checked_at = models.DateTimeField(
        _("checked against the original"), null=True, blank=True, editable=False
    )
    original_changed_at = models.DateTimeField(
        _("original corrected since"), null=True, blank=True, editable=False, db_index=True
    )

    objects = TranslationQuerySet.as_manager()

    class Meta:
        ordering = ["document", "language__name", "pk"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.language} translation of {self.document}"

    @property
    def is_public(self) -> bool:
        return bool(self.approved_body)

    @property
    def is_stale(self) -> bool:
        """The original was corrected after the approved text was checked against it."""
        return self.original_changed_at is not None

    def credit(self) -> str:
        """The credit line, or one made from the translators' names (of the working copy;
        readers see `approved_credit`)."""
        return credit_text(self.credit_line, [t.name for t in self.translators.all()])

    def keep_approved_credit(self) -> None:
        """Copy the credit and the translators to what readers see (at approval)."""
        self.approved_credit = self.credit()
        self.approved_translators.set(self.translators.all())


def credit_text(credit_line: str, names: list[str]) -> str:
    if credit_line:
        return credit_line
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Translated by {joined}"
