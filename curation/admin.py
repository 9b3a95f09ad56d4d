"""The editors' desk: one admin room for every record in the archive."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from archive.models import (
    Agent,
    Classification,
    Collection,
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
from archive.richtext import RichTextField
from curation.widgets import RichTextWidget

# Rich-text fields get the formatting editor; the server still sanitizes whatever arrives.
RICH_TEXT_EDITOR = {RichTextField: {"widget": RichTextWidget}}


def image_preview(field_file, *, alt: str = "", size: int = 80) -> str:
    if not field_file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-width:{}px;max-height:{}px">',
        field_file.url,
        alt,
        size,
        size,
    )


class AuthorityAdmin(admin.ModelAdmin):
    """Shared shape of the controlled-vocabulary admins: searchable, slug prefilled."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Classification)
class ClassificationAdmin(AuthorityAdmin):
    list_display = ["name", "rank", "slug"]
    list_editable = ["rank"]


@admin.register(DocumentType)
class DocumentTypeAdmin(AuthorityAdmin):
    pass


@admin.register(RightsStatement)
class RightsStatementAdmin(AuthorityAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["name", "url"]
    search_fields = ["name", "text"]


@admin.register(Topic)
class TopicAdmin(AuthorityAdmin):
    search_fields = ["name", "description"]


@admin.register(Place)
class PlaceAdmin(AuthorityAdmin):
    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent"]


@admin.register(Agent)
class AgentAdmin(AuthorityAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]


@admin.register(Repository)
class RepositoryAdmin(AuthorityAdmin):
    list_display = ["name", "location", "url"]
    search_fields = ["name", "location"]


@admin.register(Translator)
class TranslatorAdmin(AuthorityAdmin):
    list_display = ["name", "affiliation", "slug"]
    search_fields = ["name", "affiliation"]
    autocomplete_fields = ["working_languages"]


@admin.register(Funder)
class FunderAdmin(AuthorityAdmin):
    list_display = ["name", "logo_preview", "credit_line"]
    search_fields = ["name", "credit_line"]
    readonly_fields = ["logo_preview"]

    @admin.display(description=_("logo"))
    def logo_preview(self, obj: Funder) -> str:
        return image_preview(obj.logo, alt=obj.name)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["title", "image_preview", "parent", "document_count", "featured", "active"]
    list_filter = ["active", "featured"]
    list_editable = ["featured", "active"]
    list_select_related = ["parent"]
    search_fields = ["title", "short_description", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "related_collections"]
    readonly_fields = ["image_preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "short_description", "description"]}),
        (_("Image"), {"fields": ["image", "image_preview", "image_alt", "image_caption"]}),
        (_("Place in the archive"), {"fields": ["parent", "related_collections"]}),
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


class ProvenanceInline(admin.StackedInline):
    model = Provenance
    extra = 1
    max_num = 1
    can_delete = False
    autocomplete_fields = ["repository"]


class ScanInline(admin.TabularInline):
    model = Scan
    extra = 0
    fields = ["position", "file", "preview", "label", "alt_text"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj: Scan) -> str:
        if obj.pk and obj.kind == Scan.Kind.PDF:
            return format_html('<a href="{}">PDF</a>', obj.file.url)
        return image_preview(obj.thumbnail, alt=obj.alt_text)


class TranscriptInline(admin.StackedInline):
    formfield_overrides = RICH_TEXT_EDITOR
    model = Transcript
    extra = 0
    autocomplete_fields = ["language"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("language", "document")


class TranslationInline(admin.StackedInline):
    formfield_overrides = RICH_TEXT_EDITOR
    model = Translation
    extra = 0
    fields = ["language", "translators", "credit_line", "body", "state"]
    autocomplete_fields = ["language", "translators"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("language", "document")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
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
    date_hierarchy = "date_earliest"
    ordering = ["-updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "document_type",
        "classification",
        "rights_statement",
        "original_languages",
        "creators",
        "recipients",
        "places",
        "topics",
        "collections",
        "related_documents",
        "attachments",
        "funders",
    ]
    readonly_fields = ["date_summary", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["record_id", "title", "slug", "summary", ("date_entered", "date_summary")]},
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
                    "status",
                    "first_published_at",
                    "withdrawal_reason",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    inlines = [ProvenanceInline, ScanInline, TranscriptInline, TranslationInline]
    show_facets = admin.ShowFacets.NEVER

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
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = ["document", "repository", "archival_reference"]
    list_select_related = ["document", "repository"]
    list_filter = ["repository"]
    search_fields = ["document__title", "archival_reference", "published_source"]
    autocomplete_fields = ["document", "repository"]


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "preview", "document", "position", "kind", "file_size"]
    list_select_related = ["document"]
    list_filter = ["kind"]
    search_fields = ["document__title", "label", "alt_text"]
    autocomplete_fields = ["document"]
    readonly_fields = ["preview", "kind", "width", "height", "file_size"]

    @admin.display(description=_("preview"))
    def preview(self, obj: Scan) -> str:
        return image_preview(obj.thumbnail, alt=obj.alt_text)


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["document", "language", "updated_at"]
    list_select_related = ["document", "language"]
    list_filter = ["language"]
    search_fields = ["document__title", "body"]
    autocomplete_fields = ["document", "language"]


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    formfield_overrides = RICH_TEXT_EDITOR
    list_display = ["document", "language", "state", "credit_line", "updated_at"]
    list_select_related = ["document", "language"]
    list_filter = ["state", "language"]
    search_fields = ["document__title", "body", "translators__name", "credit_line"]
    autocomplete_fields = ["document", "language", "translators"]
    readonly_fields = ["approved_at"]
