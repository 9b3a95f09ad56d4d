"""django-import-export resources: one per model an archivist edits, keyed on natural keys.

Documents go through `curation.imports.documents_import` (bulk, every row checked, all
or nothing); `DocumentResource` only adapts its report to django-import-export's
preview and writes the export in the same columns. The authority resources use
django-import-export's own row-by-row import, matched on name (code for languages,
slug for collections, name within parent for places) with the same file formats.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats.base_formats import Format
from import_export.results import Result, RowResult
from tablib import Dataset

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
    Repository,
    RightsStatement,
    Topic,
    Transcript,
    Translation,
    Translator,
)
from archive.models.base import variant_name_list
from curation.import_files import ImportFile, neutralize_dataset, read_import_file
from curation.imports import (
    DOCUMENT_COLUMNS,
    PLACE_SEPARATOR,
    PROVENANCE_TEXT,
    SEPARATOR,
    ImportOptions,
    documents_import,
)

# --- File formats: read through curation.import_files, exports neutralize formulas --------


class _DossierFormat(Format):
    """Reads bytes with the import's own checks; CSV/XLSX exports neutralize formulas."""

    extension = ""
    content_type = ""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.extension

    def get_extension(self):
        return self.extension

    def get_content_type(self):
        return self.content_type

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def can_import(self):
        return True

    def can_export(self):
        return True

    def create_dataset(self, in_stream):
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        file = read_import_file(
            data=data, name=f"upload.{self.extension}", file_format=self.extension
        )
        file.dataset.import_file = file
        return file.dataset

    def export_data(self, dataset, **kwargs):
        if self.extension != "json":
            dataset = neutralize_dataset(dataset)
        if self.extension == "csv":
            return dataset.export("csv").encode("utf-8")
        return dataset.export(self.extension)


class CSVFormat(_DossierFormat):
    extension = "csv"
    content_type = "text/csv"


class XLSXFormat(_DossierFormat):
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JSONFormat(_DossierFormat):
    extension = "json"
    content_type = "application/json"


FORMATS = [CSVFormat, XLSXFormat, JSONFormat]


# --- Documents ---------------------------------------------------------------------------


class _Column:
    """What the import page lists as a column (django-import-export reads `column_name`)."""

    def __init__(self, name: str) -> None:
        self.column_name = name


class DocumentResource(resources.ModelResource):
    """Documents with their relations, in the columns of docs/import-format.md."""

    def __init__(self, create_missing: bool = False, expected: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.create_missing = create_missing
        self.expected = expected

    class Meta:
        model = Document
        name = "Documents"
        fields = ("record_id",)

    def get_user_visible_fields(self):
        return [_Column(name) for name in DOCUMENT_COLUMNS]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        file = getattr(dataset, "import_file", None) or ImportFile(dataset, "", "csv")
        file.name = kwargs.get("file_name") or file.name
        options = ImportOptions(
            create_missing=self.create_missing, dry_run=dry_run, expected=self.expected
        )
        report = documents_import(file=file, user=kwargs.get("user"), options=options)
        request = kwargs.get("request")
        if request is not None:  # the admin's confirm form carries what the preview showed
            request.import_report = report
        return report_result(report, file)

    def export(self, queryset=None, **kwargs):
        queryset = Document.objects.all() if queryset is None else queryset
        return documents_dataset(queryset)


def report_result(report, file: ImportFile) -> Result:
    """The service's report in django-import-export's shape, for its preview template."""
    result = Result()
    result.report = report
    result.diff_headers = list(report.columns)
    result.add_dataset_headers(list(report.columns))
    headers = [h.strip().lower() for h in file.dataset.headers]
    errors_by_row: dict[int, dict[str, list[str]]] = {}
    for error in report.errors:
        errors_by_row.setdefault(error.row, {}).setdefault(error.column or "__all__", []).append(
            error.message
        )
    for outcome in report.rows:
        index = outcome.row - file.first_row
        values = dict(zip(headers, file.dataset[index], strict=False))
        if outcome.row in errors_by_row:
            result.append_invalid_row(
                outcome.row, values, ValidationError(errors_by_row.pop(outcome.row))
            )
            continue
        row = RowResult()
        row.import_type = outcome.kind
        row.object_repr = outcome.title
        row.diff = [
            _diff_cell(outcome, column, values.get(column, "")) for column in report.columns
        ]
        result.append_row_result(row)
        result.increment_row_result_total(row)
    for number, errors in errors_by_row.items():  # file-level problems (row 1: the header)
        result.append_invalid_row(number, {}, ValidationError(errors))
    result.totals[RowResult.IMPORT_TYPE_INVALID] = len(result.invalid_rows)
    result.total_rows = report.total
    return result


def _diff_cell(outcome, column: str, value: str) -> str:
    if outcome.kind == "update":
        change = outcome.diff.get(column)
        if change is None:
            return ""
        return format_html("<del>{}</del> <ins>{}</ins>", change[0], change[1])
    return format_html("{}", value)


def _names(items, attribute: str = "name") -> str:
    return f" {SEPARATOR} ".join(sorted(getattr(item, attribute) for item in items))


def _place_path(place: Place, parents: dict[int, Place]) -> str:
    parts, seen = [], set()
    while place is not None and place.pk not in seen:
        seen.add(place.pk)
        parts.append(place.name)
        place = parents.get(place.parent_id)
    return f" {PLACE_SEPARATOR} ".join(reversed(parts))


def documents_dataset(queryset) -> Dataset:
    """Documents in the import columns, so an export re-imports unchanged."""
    queryset = queryset.select_related(
        "document_type",
        "classification",
        "rights_statement",
        "provenance__repository",
        "provenance__declassified_by",
    ).prefetch_related(
        "original_languages",
        "creators",
        "recipients",
        "places",
        "topics",
        "collections",
        "funders",
        Prefetch("transcripts", queryset=Transcript.objects.select_related("language")),
        Prefetch(
            "translations",
            queryset=Translation.objects.select_related("language").prefetch_related("translators"),
        ),
    )
    places = {p.pk: p for p in Place.objects.only("pk", "name", "parent")}
    dataset = Dataset(headers=DOCUMENT_COLUMNS)
    for document in queryset.order_by("record_id").iterator(chunk_size=1000):
        provenance = getattr(document, "provenance", None)
        transcripts = list(document.transcripts.all())[:1]
        translations = list(document.translations.all())[:1]
        row = {
            "record_id": document.record_id,
            "title": document.title,
            "date": document.date_entered,
            "summary": document.summary,
            "status": document.status,
            "document_type": str(document.document_type or ""),
            "classification": str(document.classification or ""),
            "rights_statement": str(document.rights_statement or ""),
            "original_languages": _names(document.original_languages.all(), "code"),
            "creators": _names(document.creators.all()),
            "recipients": _names(document.recipients.all()),
            "places": f" {SEPARATOR} ".join(
                sorted(_place_path(p, places) for p in document.places.all())
            ),
            "topics": _names(document.topics.all()),
            "collections": _names(document.collections.all(), "slug"),
            "funders": _names(document.funders.all()),
            "repository": str(provenance.repository or "") if provenance else "",
            "declassified_by": str(provenance.declassified_by or "") if provenance else "",
            "declassified_on": (
                provenance.declassified_on.isoformat()
                if provenance and provenance.declassified_on
                else ""
            ),
            **{
                name: getattr(provenance, name, "") if provenance else ""
                for name in PROVENANCE_TEXT
            },
            "transcript_language": transcripts[0].language.code if transcripts else "",
            "transcript": transcripts[0].body if transcripts else "",
            "translation_language": translations[0].language.code if translations else "",
            "translation": translations[0].body if translations else "",
            "translators": _names(translations[0].translators.all()) if translations else "",
            "credit_line": translations[0].credit_line if translations else "",
        }
        dataset.append([row[name] for name in DOCUMENT_COLUMNS])
    return dataset


# --- Authorities ---------------------------------------------------------------------------


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """ManyToManyWidget that refuses unknown values instead of dropping them (import-export
    #1302), with `|` between values so names with commas survive."""

    def __init__(self, model, field="pk", **kwargs):
        super().__init__(model, separator=SEPARATOR, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = [v.strip() for v in str(value or "").split(SEPARATOR) if v.strip()]
        found = self.model._default_manager.filter(**{f"{self.field}__in": names})
        missing = set(names) - {str(getattr(o, self.field)) for o in found}
        if missing:
            raise ValueError(
                _("Unknown %(what)s: %(names)s")
                % {"what": self.model._meta.verbose_name, "names": ", ".join(sorted(missing))}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f" {SEPARATOR} ".join(sorted(str(getattr(o, self.field)) for o in value.all()))


class PlacePathWidget(widgets.ForeignKeyWidget):
    """A parent place written as its path ("Asia > Vietnam")."""

    def __init__(self):
        super().__init__(Place, "name")

    def clean(self, value, row=None, **kwargs):
        parent = None
        for name in [p.strip() for p in str(value or "").split(PLACE_SEPARATOR) if p.strip()]:
            try:
                parent = Place.objects.get(name=name, parent=parent)
            except Place.DoesNotExist:
                raise ValueError(_("No place “%(path)s”.") % {"path": value}) from None
        return parent

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        parts, place = [], value
        while place is not None:
            parts.append(place.name)
            place = place.parent
        return f" {PLACE_SEPARATOR} ".join(reversed(parts))


class VariantNamesWidget(widgets.Widget):
    """An authority's variant names: one a line in the record, `|`-separated in a cell."""

    def clean(self, value, row=None, **kwargs):
        return "\n".join(variant_name_list(str(value or "").replace(SEPARATOR, "\n")))

    def render(self, value, obj=None, **kwargs):
        return f" {SEPARATOR} ".join(variant_name_list(value or ""))


def _variant_names_field() -> fields.Field:
    return fields.Field(
        attribute="variant_names", column_name="variant_names", widget=VariantNamesWidget()
    )


class DeskResource(resources.ModelResource):
    """Row-by-row import for authorities: history names the importer and the file."""

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = kwargs.get("user")
        instance._change_reason = _("Imported from %(file)s") % {
            "file": kwargs.get("file_name") or _("a file")
        }

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True


def _authority(model, extra: tuple[str, ...] = ()) -> type[DeskResource]:
    meta = type(
        "Meta",
        (DeskResource.Meta,),
        {"model": model, "import_id_fields": ["name"], "fields": ("name", "slug", *extra)},
    )
    attributes = {"Meta": meta}
    if "variant_names" in extra:
        attributes["variant_names"] = _variant_names_field()
    return type(f"{model.__name__}Resource", (DeskResource,), attributes)


ClassificationResource = _authority(Classification, ("rank",))
DocumentTypeResource = _authority(DocumentType)
RightsStatementResource = _authority(RightsStatement, ("text", "url"))
TopicResource = _authority(Topic, ("description",))
AgentResource = _authority(Agent, ("kind", "description", "variant_names"))
RepositoryResource = _authority(Repository, ("location", "url", "description", "variant_names"))
DeclassifyingAuthorityResource = _authority(DeclassifyingAuthority, ("description",))
FunderResource = _authority(Funder, ("credit_line", "url"))


class LanguageResource(DeskResource):
    class Meta(DeskResource.Meta):
        model = Language
        import_id_fields = ["code"]
        fields = ("code", "name")


class TranslatorResource(DeskResource):
    working_languages = fields.Field(
        attribute="working_languages",
        column_name="working_languages",
        widget=StrictManyToManyWidget(Language, field="code"),
    )

    class Meta(DeskResource.Meta):
        model = Translator
        import_id_fields = ["name"]
        fields = ("name", "slug", "affiliation", "biography", "url", "working_languages")


class PlaceResource(DeskResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=PlacePathWidget())
    variant_names = _variant_names_field()

    def get_queryset(self):
        # Parents before the places inside them, so the export re-imports row by row.
        return Place.objects.select_related("parent").order_by("tree_path")

    class Meta(DeskResource.Meta):
        model = Place
        import_id_fields = ["name", "parent"]
        fields = ("name", "parent", "slug", "variant_names")


class CollectionResource(DeskResource):
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=widgets.ForeignKeyWidget(Collection, "slug"),
    )

    def get_queryset(self):
        return Collection.objects.order_by(F("parent").asc(nulls_first=True), "position", "pk")

    class Meta(DeskResource.Meta):
        model = Collection
        import_id_fields = ["slug"]
        fields = (
            "slug",
            "title",
            "short_description",
            "description",
            "image_alt",
            "image_caption",
            "parent",
            "position",
            "featured",
            "active",
        )


RESOURCES: dict[str, type[resources.Resource]] = {
    "documents": DocumentResource,
    "collections": CollectionResource,
    "places": PlaceResource,
    "topics": TopicResource,
    "agents": AgentResource,
    "translators": TranslatorResource,
    "funders": FunderResource,
    "repositories": RepositoryResource,
    "declassifying-authorities": DeclassifyingAuthorityResource,
    "languages": LanguageResource,
    "classifications": ClassificationResource,
    "document-types": DocumentTypeResource,
    "rights-statements": RightsStatementResource,
}
