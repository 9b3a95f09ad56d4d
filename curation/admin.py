"""The editors' desk: one admin room for every record in the archive."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Count, F
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from archive import reading
from archive.models import (
    Agent,
    Classification,
    Collection,
    DeclassifyingAuthority,
    Document,
    DocumentType,
    Funder,
    Language,
    Place,
    Provenance,
    Repository,
    RightsStatement,
    Scan,
    Topic,
    Transcript,
    Translation,
    Translator,
)
from archive.richtext import RichTextField, sanitize_html
from curation import resources, services
from curation.admin_changelist import LeanChangeListAdmin
from curation.admin_filters import DocumentOriginalCorrectedFilter, OriginalCorrectedFilter
from curation.autocomplete import KnownChoicesAdmin
from curation.forms import (
    TOKEN,
    ChangelistConcurrencyForm,
    ConcurrencyForm,
    InlineConcurrencyForm,
    version_links,
)
from curation.import_admin import DeskImportExportMixin
from curation.models import record_version
from curation.widgets import RichTextWidget

# Rich-text fields get the formatting editor; the server still sanitizes whatever arrives.
RICH_TEXT_EDITOR = {RichTextField: {"widget": RichTextWidget}}


def image_preview(field_file, *, alt: str = "") -> str:
    if not field_file:
        return "—"
    # Sized by a class in curation/admin.css: the CSP refuses inline style attributes.
    return format_html('<img src="{}" alt="{}" class="desk-thumbnail">', field_file.url, alt)


def scan_preview(scan: Scan) -> str:
    """The thumbnail (images, and TIFFs kept as PDFs), linked to the file; a PDF link else.
    Scan URLs are the permission-checked views (archive:scan_staff), so drafts show too."""
    if not scan.pk or not scan.file:
        return "—"
    if not scan.thumbnail:
        return format_html('<a href="{}">{}</a>', scan.file.url, _("PDF"))
    return format_html(
        '<a href="{}">{}</a>',
        scan.file.url,
        image_preview(scan.thumbnail, alt=scan.alt_text or str(scan)),
    )


def _links_of(version):
    """Wrap a form's ``__init__`` so a revert form starts from the version's links too.

    simple-history rebuilds only the fields of the record itself; the many-to-many
    fields would show (and save back) today's links.
    """
    links = version_links(version)

    def wrap(init):
        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            for name, pks in links.items():
                if name in self.fields:
                    self.initial[name] = pks

        return __init__

    return wrap


class DeskAdmin(SimpleHistoryAdmin):
    """Every model admin: a history with differences, and revert for editors only.

    `workflow_fields` change only through curation.services; a revert restores
    the other fields of an old version and keeps these as they are now. Every
    change form refuses a save made from a stale copy (ConcurrencyForm); its
    hidden token joins the first fieldset when an admin lists its own fields.
    Rows of an editable change list are guarded the same way.
    """

    form = ConcurrencyForm
    workflow_fields: tuple[str, ...] = ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if TOKEN in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *others = fieldsets
        return [(name, {**options, "fields": [*options["fields"], TOKEN]}), *others]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, **{"form": ChangelistConcurrencyForm, **kwargs})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            # simple-history saves a POST here if the user may merely view history.
            if obj is None or not self.has_change_history_permission(request, obj):
                raise PermissionDenied
            request.reverting_to = version_id
            # As the admin's own change view: one transaction, so the form's row lock holds.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(request, object_id, version_id, extra_context)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        version = getattr(obj, "_history", None)  # set on a record rebuilt from a version
        if version is None:
            return form
        return type(form.__name__, (form,), {"__init__": _links_of(version)(form.__init__)})

    def save_model(self, request, obj, form, change):
        """Save the record, unless the form changed nothing (then `save_related` decides).

        The record's version is kept once, after its links are saved: one save, one
        version, holding the final values (see `_keep_version`).
        """
        version = getattr(request, "reverting_to", None)
        if version is not None:
            current = type(obj)._default_manager.get(pk=obj.pk)
            for name in self.workflow_fields:
                setattr(obj, name, getattr(current, name))
            self.before_revert(request, obj, current)
            obj._change_reason = _("Reverted to version %(version)s") % {"version": version}
        elif change and not form.has_changed():
            obj._desk_unsaved = True
            return
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        super().save_related(request, form, formsets, change)
        if obj.__dict__.pop("_desk_unsaved", False):
            if not any(formset.has_changed() for formset in formsets):
                return  # nothing changed: no save, no version, no reindex
            # Only rows inside it changed: the record was still worked on.
            obj.skip_history_when_saving = True
            obj.save()
        self._keep_version(obj, created=not change)

    def log_change(self, request, obj, message):
        # A revert saves its links without `save_related`; its version is kept here.
        self._keep_version(obj, created=False)
        if message:  # the admin's own log keeps no "No fields changed." entries
            return super().log_change(request, obj, message)
        return None

    @staticmethod
    def _keep_version(obj, *, created: bool) -> None:
        if "skip_history_when_saving" in obj.__dict__:
            del obj.skip_history_when_saving
            record_version(obj, created=created)

    def before_revert(self, request, obj, current) -> None:
        """Hook: adjust a reverted object before it is saved."""


class AuthorityAdmin(DeskAdmin):
    """Shared shape of the controlled-vocabulary admins: searchable, slug prefilled."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(DeskImportExportMixin, DeskAdmin):
    resource_classes = [resources.LanguageResource]
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Classification)
class ClassificationAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.ClassificationResource]
    list_display = ["name", "rank", "slug"]
    list_editable = ["rank"]


@admin.register(DocumentType)
class DocumentTypeAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.DocumentTypeResource]
    pass


@admin.register(RightsStatement)
class RightsStatementAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.RightsStatementResource]
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["name", "url"]
    search_fields = ["name", "text"]


@admin.register(Topic)
class TopicAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.TopicResource]
    search_fields = ["name", "description"]


@admin.register(Place)
class PlaceAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.PlaceResource]
    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    # Variant names too, so "Peking" finds Beijing in every place autocomplete.
    search_fields = ["name", "variant_names", "parent__name"]
    autocomplete_fields = ["parent"]


@admin.register(Agent)
class AgentAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.AgentResource]
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "variant_names", "description"]


@admin.register(Repository)
class RepositoryAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.RepositoryResource]
    list_display = ["name", "location", "url"]
    search_fields = ["name", "variant_names", "location"]


@admin.register(DeclassifyingAuthority)
class DeclassifyingAuthorityAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.DeclassifyingAuthorityResource]
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Translator)
class TranslatorAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.TranslatorResource]
    list_display = ["name", "affiliation", "slug"]
    search_fields = ["name", "affiliation"]
    autocomplete_fields = ["working_languages"]


@admin.register(Funder)
class FunderAdmin(DeskImportExportMixin, AuthorityAdmin):
    resource_classes = [resources.FunderResource]
    list_display = ["name", "logo_preview", "credit_line"]
    search_fields = ["name", "credit_line"]
    readonly_fields = ["logo_preview"]

    @admin.display(description=_("logo"))
    def logo_preview(self, obj: Funder) -> str:
        return image_preview(obj.logo, alt=obj.name)


@admin.register(Collection)
class CollectionAdmin(DeskImportExportMixin, DeskAdmin):
    resource_classes = [resources.CollectionResource]
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = [
        "title",
        "image_preview",
        "parent",
        "position",
        "document_count",
        "featured",
        "active",
    ]
    list_filter = ["active", "featured"]
    # Positions order a parent's sub-collections (and the top-level collections) for readers;
    # the list shows each parent's sub-collections together, in their order.
    list_editable = ["position", "featured", "active"]
    list_select_related = ["parent"]
    ordering = [F("parent__title").asc(nulls_first=True), "parent", "position", "title"]
    search_fields = ["title", "short_description", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "related_collections"]
    readonly_fields = ["image_preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "short_description", "description"]}),
        (_("Image"), {"fields": ["image", "image_preview", "image_alt", "image_caption"]}),
        (_("Place in the archive"), {"fields": ["parent", "position", "related_collections"]}),
        (_("Visibility"), {"fields": ["active", "featured"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description=_("documents"), ordering="document_total")
    def document_count(self, obj: Collection) -> int:
        return obj.document_total

    @admin.display(description=_("image"))
    def image_preview(self, obj: Collection) -> str:
        return image_preview(obj.image, alt=obj.image_alt)


class ProvenanceInline(KnownChoicesAdmin, admin.StackedInline):
    model = Provenance
    form = InlineConcurrencyForm
    extra = 1
    max_num = 1
    can_delete = False
    autocomplete_fields = ["repository", "declassified_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("repository", "declassified_by")


class ScanInline(admin.TabularInline):
    model = Scan
    form = InlineConcurrencyForm
    extra = 0
    fields = ["position", "file", "preview", "label", "alt_text", TOKEN]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj: Scan) -> str:
        return scan_preview(obj)


class TranscriptInline(KnownChoicesAdmin, admin.StackedInline):
    formfield_overrides = RICH_TEXT_EDITOR
    model = Transcript
    form = InlineConcurrencyForm
    extra = 0
    autocomplete_fields = ["language"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("language", "document")


def alignment_table(translation: Translation) -> str:
    """Which paragraphs of the original transcript each paragraph of the working text renders,
    as saved, so an editor sees what a correction did."""
    original = translation.pk and (
        Transcript.objects.filter(document_id=translation.document_id)
        .select_related("language")
        .first()
    )
    if not original:
        return _("No original transcript to align with.")
    try:
        pairs = reading.aligned_pairs(translation.body, translation.alignment, original.body)
    except ValidationError:
        return _("The saved alignment does not parse.")
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                ours.number,
                Truncator(reading.plain_text(ours)).chars(60),
                ", ".join(str(p.number) for p in theirs) or "—",
                " / ".join(Truncator(reading.plain_text(p)).chars(40) for p in theirs),
            )
            for ours, theirs in pairs
        ),
    )
    return format_html(
        '<table class="alignment-preview"><thead><tr><th scope="col">{}</th><th scope="col">'
        '{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody>'
        "</table>",
        _("Paragraph"),
        _("Translation"),
        _("Original paragraphs"),
        _("Original (%(language)s)") % {"language": original.language},
        rows,
    )


def review_state(obj: Translation) -> str:
    """The review state, linked to the review page where it can change."""
    if not obj.pk:
        return str(Translation.State.DRAFT.label)
    public = _(" — readers see the approved text") if obj.approved_body else ""
    return format_html(
        '{}{} <a href="{}">{}</a>',
        obj.get_state_display(),
        public,
        reverse("curation:review", args=[obj.pk]),
        _("Open the review page"),
    )


class TranslationFormSet(BaseInlineFormSet):
    """Only an editor may delete a translation readers can see."""

    request = None

    def clean(self):
        super().clean()
        if self.request is None or self.request.user.has_perm(services.REVIEW):
            return
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.approved_body:
                raise ValidationError(
                    _("Only an editor can delete a translation that readers can see.")
                )


class TranslationInline(KnownChoicesAdmin, admin.StackedInline):
    formfield_overrides = RICH_TEXT_EDITOR
    model = Translation
    form = InlineConcurrencyForm
    formset = TranslationFormSet
    extra = 0
    fields = [
        "language",
        "translators",
        "credit_line",
        "body",
        "alignment",
        "state_and_review",
        TOKEN,
    ]
    readonly_fields = ["state_and_review"]
    autocomplete_fields = ["language", "translators"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("language", "document")
            .prefetch_related("translators")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})

    @admin.display(description=_("review state"))
    def state_and_review(self, obj: Translation) -> str:
        return review_state(obj)


@admin.register(Document)
class DocumentAdmin(LeanChangeListAdmin, DeskImportExportMixin, KnownChoicesAdmin, DeskAdmin):
    resource_classes = [resources.DocumentResource]
    list_display = [
        "record_id",
        "title",
        "date_display",
        "document_type",
        "status",
        "first_published_at",
        "updated_at",
    ]
    list_display_links = ["record_id", "title"]
    list_filter = [
        "status",
        "document_type",
        "classification",
        "date_precision",
        "original_languages",
        "collections",
        "funders",
        "provenance__repository",
        DocumentOriginalCorrectedFilter,
    ]
    list_select_related = ["document_type"]
    search_fields = [
        "=record_id",
        "title",
        "summary",
        "provenance__archival_reference",
        "creators__name",
        "recipients__name",
    ]
    # No date_hierarchy: its year links read every row's date (426 of 650 ms at 100k).
    ordering = ["-updated_at"]
    actions = ["publish_selected", "unpublish_selected"]
    workflow_fields = (
        "status",
        "first_published_at",
        "publish_at",
        "withdrawn_at",
        "withdrawal_reason",
    )
    prepopulated_fields = {"slug": ["title"]}
    # Every relation of the record, read from the model: each list is long.
    autocomplete_fields = [
        f.name for f in (*Document._meta.fields, *Document._meta.many_to_many) if f.is_relation
    ]
    readonly_fields = [
        "date_summary",
        "created_at",
        "updated_at",
        "status",
        "first_published_at",
        "publish_at",
        "withdrawn_at",
        "withdrawal_reason",
        "publication_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "record_id",
                    "title",
                    "slug",
                    "summary",
                    ("date_entered", "date_summary"),
                    TOKEN,
                ]
            },
        ),
        (
            _("Description"),
            {
                "fields": [
                    "document_type",
                    "original_languages",
                    "classification",
                    "creators",
                    "recipients",
                    "places",
                    "topics",
                ]
            },
        ),
        (
            _("Context"),
            {"fields": ["collections", "related_documents", "attachments"]},
        ),
        (_("Credits and rights"), {"fields": ["funders", "rights_statement"]}),
        (
            _("Publication"),
            {
                "fields": [
                    ("status", "publication_link"),
                    "first_published_at",
                    "publish_at",
                    ("withdrawn_at", "withdrawal_reason"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    inlines = [ProvenanceInline, ScanInline, TranscriptInline, TranslationInline]
    show_facets = admin.ShowFacets.NEVER

    def get_object(self, request, object_id, from_field=None):
        """As Django's, with the records the autocomplete fields show read in the same query
        (tests/curation/test_admin_pages.py pins the change page's query count)."""
        queryset = self.get_queryset(request).select_related(
            "document_type", "classification", "rights_statement"
        )
        field = Document._meta.pk if from_field is None else Document._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Document.DoesNotExist, ValidationError, ValueError):
            return None

    def get_view_on_site_url(self, obj=None):
        """A draft has no public page yet: "View on site" opens the staff preview instead."""
        if obj is not None and obj.status == Document.Status.DRAFT:
            return reverse("archive:document_preview", args=[obj.record_id])
        return super().get_view_on_site_url(obj)

    @admin.display(description=_("publishing"))
    def publication_link(self, obj: Document) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("curation:publication", args=[obj.pk]),
            _("Publish, unpublish, withdraw or schedule"),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Translation:
            for row in formset.forms:
                if row.instance.pk and row.has_changed() and row not in formset.deleted_forms:
                    services.translation_note_edit(
                        translation=row.instance, user=request.user, changed=row.changed_data
                    )
        super().save_formset(request, form, formset, change)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(services.PUBLISH)

    @admin.action(description=_("Publish selected documents"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, services.document_publish, _("published"))

    @admin.action(description=_("Unpublish selected documents"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, services.document_unpublish, _("unpublished"))

    def _bulk(self, request, queryset, service, done: str) -> None:
        """One service call per document, so each change has its checks and history."""
        count = 0
        for document in queryset:
            try:
                service(document=document, editor=request.user)
                count += 1
            except services.TransitionError as refused:
                self.message_user(
                    request, f"{document.record_id} {document}: {refused}", messages.WARNING
                )
        if count:
            self.message_user(
                request,
                ngettext("%(count)d document %(done)s.", "%(count)d documents %(done)s.", count)
                % {"count": count, "done": done},
                messages.SUCCESS,
            )

    @admin.display(description=_("read as"))
    def date_summary(self, obj: Document) -> str:
        if not obj.pk:
            return "—"
        if obj.date_earliest is None:
            return obj.date_display
        return format_html(
            "{} <small>({} to {})</small>", obj.date_display, obj.date_earliest, obj.date_latest
        )


@admin.register(Provenance)
class ProvenanceAdmin(LeanChangeListAdmin, DeskAdmin):
    list_display = ["document", "repository", "archival_reference"]
    list_select_related = ["document", "repository"]
    list_filter = ["repository", "declassified_by"]
    search_fields = [
        "document__title",
        "archival_reference",
        "published_source",
        "declassification_case",
    ]
    autocomplete_fields = ["document", "repository", "declassified_by"]


@admin.register(Scan)
class ScanAdmin(LeanChangeListAdmin, DeskAdmin):
    list_display = ["__str__", "preview", "document", "position", "kind", "file_size"]
    list_select_related = ["document"]
    list_filter = ["kind"]
    search_fields = ["document__title", "label", "alt_text"]
    autocomplete_fields = ["document"]
    readonly_fields = ["preview", "kind", "width", "height", "file_size"]

    @admin.display(description=_("preview"))
    def preview(self, obj: Scan) -> str:
        return scan_preview(obj)


@admin.register(Transcript)
class TranscriptAdmin(LeanChangeListAdmin, DeskAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["document", "language", "updated_at"]
    list_select_related = ["document", "language"]
    list_filter = ["language"]
    search_fields = ["document__title", "body"]
    autocomplete_fields = ["document", "language"]


@admin.register(Translation)
class TranslationAdmin(LeanChangeListAdmin, DeskAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["document", "language", "state", "credit_line", "updated_at"]
    list_select_related = ["document", "language"]
    list_filter = ["state", "language", OriginalCorrectedFilter]
    search_fields = ["document__title", "body", "translators__name", "credit_line"]
    autocomplete_fields = ["document", "language", "translators"]
    fields = [
        "document",
        "language",
        "translators",
        "credit_line",
        "body",
        "alignment",
        "state_and_review",
        "approved_at",
        "alignment_preview",
        TOKEN,
    ]
    readonly_fields = ["state_and_review", "approved_at", "alignment_preview"]
    workflow_fields = ("state", "approved_body", "approved_at", "approved_credit")

    @admin.display(description=_("review state"))
    def state_and_review(self, obj: Translation) -> str:
        return review_state(obj)

    @admin.display(description=_("alignment as saved"))
    def alignment_preview(self, obj: Translation) -> str:
        return alignment_table(obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.approved_body and not request.user.has_perm(services.REVIEW):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if not request.user.has_perm(services.REVIEW) and queryset.public().exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if change and getattr(request, "reverting_to", None) is None:
            services.translation_note_edit(
                translation=obj, user=request.user, changed=form.changed_data
            )
        super().save_model(request, obj, form, change)

    def before_revert(self, request, obj, current) -> None:
        changed = [
            name
            for name in ("credit_line", "language_id")
            if getattr(obj, name) != getattr(current, name)
        ]
        # Versions kept before rich text had one normal form may differ only in whitespace.
        if sanitize_html(obj.body) != current.body:
            changed.append("body")
        version = obj._history.translators.values_list("translator", flat=True)
        if set(version) != set(current.translators.values_list("pk", flat=True)):
            changed.append("translators")  # the revert form restores them
        services.translation_note_edit(
            translation=obj, user=request.user, changed=[n.removesuffix("_id") for n in changed]
        )
