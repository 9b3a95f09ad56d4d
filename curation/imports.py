"""Importing documents from spreadsheets: every row checked, all written or none.

`documents_import` is the one entry point for the admin, the shell command and the
background task. A batch of rows at a time, it

1. **checks**: reads every row, match its relations by natural key (collection slug, place
   path, names, ISO 639 codes) against maps loaded once, parse the date as the admin
   does, and compare with the record already stored under that record ID. Each row is
   created, updated (with its field differences), unchanged, or in error; all rows are
   checked, not only the first failure.
2. **writes** (not on a dry run): set-based (bulk inserts and updates, history rows
   written in bulk with the user and the file name as reason), inside the one
   transaction of the whole import, which rolls back if any row of the file fails, so
   the file is read once. One search reindex of the touched documents follows the
   commit. A value that matches no authority is created (and listed) or reported as an
   error, as the importer chose; it is never dropped.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from archive.dates import parse_historical_date
from archive.listings import refresh_listings
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
    Topic,
    Transcript,
    Translation,
    Translator,
)
from archive.richtext import sanitize_html
from archive.search.index import reindex_documents, reindex_documents_later, updates_paused
from curation.bulk_rows import (
    MAX_PARAMS,
    Stored,
    delete_in,
    insert_objects,
    insert_rows,
    new_row,
    select_in,
    update_objects,
)
from curation.import_files import ImportFile

SEPARATOR = "|"
PLACE_SEPARATOR = ">"
IMPORT_PERMISSION = "curation.import_records"
PUBLISH_PERMISSION = "curation.publish_document"
BATCH = 1000
DATE_MEMO = 4_096  # distinct dates remembered per import (about 300 bytes each)

# Called with rows done, rows in all and errors found so far.
Progress = Callable[[int, int, int], None]


@dataclass(frozen=True)
class Relation:
    """A column naming authorities: which model, matched on what, and if it may be created."""

    model: type[models.Model]
    key: str = "name"
    many: bool = False
    creatable: bool = True


# Columns of the document file that name other records (see docs/import-format.md).
DOCUMENT_RELATIONS: dict[str, Relation] = {
    "document_type": Relation(DocumentType),
    "classification": Relation(Classification),
    "rights_statement": Relation(RightsStatement),
    "original_languages": Relation(Language, "code", many=True, creatable=False),
    "creators": Relation(Agent, many=True),
    "recipients": Relation(Agent, many=True),
    "places": Relation(Place, "path", many=True),
    "topics": Relation(Topic, many=True),
    "collections": Relation(Collection, "slug", many=True, creatable=False),
    "funders": Relation(Funder, many=True),
    "repository": Relation(Repository),
    "declassified_by": Relation(DeclassifyingAuthority),
    "transcript_language": Relation(Language, "code", creatable=False),
    "translation_language": Relation(Language, "code", creatable=False),
    "translators": Relation(Translator, many=True),
}
DOCUMENT_TEXT = ["title", "summary"]
PROVENANCE_TEXT = [
    "archival_reference",
    "published_source",
    "translation_source",
    "acquisition_note",
    "declassification_case",
    "declassification_program",
    "declassification_note",
]
# The provenance's authorities, and its one date (ISO 8601: a release date is exact).
PROVENANCE_FK = {"repository": Repository, "declassified_by": DeclassifyingAuthority}
PROVENANCE_DATE = "declassified_on"
PROVENANCE_COLUMNS = [
    "repository",
    *PROVENANCE_TEXT[:4],
    "declassified_by",
    PROVENANCE_DATE,
    *PROVENANCE_TEXT[4:],
]
DOCUMENT_FK = ["document_type", "classification", "rights_statement"]
DOCUMENT_M2M = [
    "original_languages",
    "creators",
    "recipients",
    "places",
    "topics",
    "collections",
    "funders",
]
DOCUMENT_COLUMNS = [
    "record_id",
    "title",
    "date",
    "summary",
    "status",
    *DOCUMENT_FK,
    *DOCUMENT_M2M,
    *PROVENANCE_COLUMNS,
    "transcript_language",
    "transcript",
    "translation_language",
    "translation",
    "translators",
    "credit_line",
]


@dataclass
class ImportOptions:
    create_missing: bool = False
    dry_run: bool = True
    # The preview's fingerprint: confirming writes only if the file still means that.
    expected: str = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        column = f", {self.column}" if self.column else ""
        return f"row {self.row}{column}: {self.message}"


@dataclass(slots=True)  # one per row of the file is kept: no __dict__ each
class RowOutcome:
    row: int
    kind: str  # "new", "update", "skip" (unchanged) or "error"
    record_id: int | None
    title: str
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    file_name: str
    file_description: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_authorities: dict[str, list[str]] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False
    document_ids: list[int] = field(default_factory=list)

    def fingerprint(self) -> str:
        """What the file does to the archive: counts and authorities to create."""
        new = sum(len(names) for names in self.new_authorities.values())
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{new} new authorities"
        )

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def summary(self) -> str:
        text = _(
            "%(total)s rows: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(errors)s in error"
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len({e.row for e in self.errors}),
        }
        return text + ("" if self.written else _(" (nothing written)"))


class ImportAborted(Exception):
    """Raised inside the write transaction to roll it back (the report says why)."""


def documents_import(
    *,
    file: ImportFile,
    user,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of `file`; unless a dry run or any row fails, write them all."""
    progress = progress or (lambda done, total, errors: None)
    plan = _DocumentPlan(file=file, user=user, options=options, progress=progress)
    report = plan.report
    if options.dry_run:
        plan.check()
        _check_expected(report, options)
        return report
    try:
        # One pass checks and writes each batch in one transaction: the first error stops
        # the writing (the rest is still checked, for the report) and rolls it all back.
        # The index pause ends before the commit, so the one reindex below runs after it.
        with transaction.atomic(), updates_paused():
            writer = _DocumentWriter(plan)
            plan.check(write=writer.write)
            _check_expected(report, options)
            if report.errors:
                raise ImportAborted
            writer.write_deferred()
            # Relations and dates written in bulk send no signals the listings hear.
            refresh_listings(report.document_ids)
    except ImportAborted:
        return report
    except IntegrityError as error:  # e.g. a record created meanwhile with the same number
        report.errors.append(
            RowError(1, "", _("The database refused the import: %(error)s") % {"error": error})
        )
        return report
    report.written = True
    transaction.on_commit(partial(_reindex, list(report.document_ids)))
    return report


def _check_expected(report: ImportReport, options: ImportOptions) -> None:
    if options.expected and report.fingerprint() != options.expected and not report.errors:
        report.errors.append(
            RowError(
                1,
                "",
                _(
                    "The archive changed since the preview (%(then)s; now %(now)s). "
                    "Nothing was written: preview the file again."
                )
                % {"then": options.expected, "now": report.fingerprint()},
            )
        )


def _reindex(document_ids: list[int]) -> None:
    """Reindex now, or leave a large change to the task worker (readers keep searching
    the previous index meanwhile)."""
    if len(document_ids) <= settings.DOSSIER_REINDEX_INLINE_LIMIT:
        reindex_documents(document_ids)
    else:
        reindex_documents_later.enqueue(document_ids)


PROVENANCE_LENGTHS = {
    name: Provenance._meta.get_field(name).max_length
    for name in PROVENANCE_TEXT
    if Provenance._meta.get_field(name).max_length
}


# --- Authorities: matched by natural key, created only when the importer chose so ----------


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


class AuthorityMaps:
    """Natural key → id for each authority, loaded once per import."""

    def __init__(self) -> None:
        self._maps: dict[type, dict[str, int]] = {}
        self.labels: dict[type, dict[int, str]] = defaultdict(dict)
        self.pending: dict[type, dict[str, str]] = defaultdict(dict)  # model → key → name
        self.created: dict[type, dict[str, str]] = defaultdict(dict)  # created by this import
        self.ambiguous_places: set[str] = set()
        # Cell value → id, for values already found: a file names the same few hundred
        # authorities again and again.
        self._found: dict[tuple[type, str], int] = {}

    def _load(self, relation: Relation) -> dict[str, int]:
        model = relation.model
        if model in self._maps:
            return self._maps[model]
        found: dict[str, int] = {}
        if model is Place:
            found = self._place_paths()
        elif model is Language:
            for pk, code, name in Language.objects.values_list("pk", "code", "name"):
                found.setdefault(_norm(name), pk)
                found[_norm(code)] = pk
                self.labels[model][pk] = code
        else:
            key = "slug" if model is Collection else "name"
            for pk, value in model._default_manager.values_list("pk", key):
                found[_norm(value)] = pk
                self.labels[model][pk] = value
        self._maps[model] = found
        return found

    def _place_paths(self) -> dict[str, int]:
        rows = {
            pk: (name, parent)
            for pk, name, parent in Place.objects.values_list("pk", "name", "parent")
        }
        paths: dict[str, int] = {}
        by_name: dict[str, list[int]] = defaultdict(list)

        def path_of(pk: int) -> str:
            parts, seen = [], set()
            while pk is not None and pk not in seen:
                seen.add(pk)
                name, parent = rows[pk]
                parts.append(name)
                pk = parent
            return f" {PLACE_SEPARATOR} ".join(reversed(parts))

        for pk, (name, _parent) in rows.items():
            path = path_of(pk)
            paths[_norm(path)] = pk
            by_name[_norm(name)].append(pk)
            self.labels[Place][pk] = path
        for name, pks in by_name.items():
            if len(pks) == 1:
                paths.setdefault(name, pks[0])
            elif name not in paths:
                self.ambiguous_places.add(name)
        return paths

    def resolve(self, relation: Relation, value: str) -> int | str | None:
        """The id of `value`, or its normalized key if it must be created, or None if unknown."""
        cached = self._found.get((relation.model, value))
        if cached is not None:
            return cached
        raw = value
        if relation.model is Place:
            value = f" {PLACE_SEPARATOR} ".join(p.strip() for p in value.split(PLACE_SEPARATOR))
        key = _norm(value)
        found = self._load(relation).get(key)
        if found is not None:
            self._found[(relation.model, raw)] = found
            return found
        if key in self.pending[relation.model]:
            return key
        return None

    def add_pending(self, relation: Relation, value: str) -> str:
        key = _norm(value)
        if relation.model is Place:
            # Every missing level of the path is created, parents first.
            parts = [p.strip() for p in value.split(PLACE_SEPARATOR) if p.strip()]
            for depth in range(1, len(parts) + 1):
                path = f" {PLACE_SEPARATOR} ".join(parts[:depth])
                if _norm(path) not in self._load(relation):
                    self.pending[Place].setdefault(_norm(path), path)
            return _norm(f" {PLACE_SEPARATOR} ".join(parts))
        self.pending[relation.model].setdefault(key, " ".join(value.split()))
        return key

    def label(self, model: type, value: int | str) -> str:
        if isinstance(value, str):
            return self.pending[model].get(value, value)
        if model not in self._maps:  # a column left empty names a stored authority
            self._load(Relation(model))
        return self.labels[model].get(value, str(value))

    def new_names(self) -> dict[str, list[str]]:
        """The authorities this import creates (or would create), by model's plural name."""
        found: dict[type, dict[str, str]] = defaultdict(dict)
        for names in (self.created, self.pending):
            for model, by_key in names.items():
                found[model].update(by_key)
        return {
            str(model._meta.verbose_name_plural): sorted(by_key.values())
            for model, by_key in found.items()
            if by_key
        }

    def create_pending(self, *, user, reason: str) -> None:
        """Create every pending authority (few, so saved one by one, with history)."""
        for model, names in self.pending.items():
            items = sorted(names.items(), key=lambda kv: kv[1].count(PLACE_SEPARATOR))
            for key, name in items:
                if model is Place:
                    parts = [p.strip() for p in name.split(PLACE_SEPARATOR)]
                    parent_key = _norm(f" {PLACE_SEPARATOR} ".join(parts[:-1]))
                    parent = self._maps[Place].get(parent_key) if len(parts) > 1 else None
                    obj = Place(name=parts[-1], parent_id=parent)
                else:
                    obj = model(name=name)
                obj._history_user = user
                obj._change_reason = reason
                obj.save()
                self._maps[model][key] = obj.pk
                self.labels[model][obj.pk] = name
                self.created[model][key] = name
        self.pending.clear()

    def id_of(self, model: type, value: int | str) -> int:
        return value if isinstance(value, int) else self._maps[model][value]


# --- Pass 1: the plan ------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    outcome: RowOutcome
    record_id: int | None
    document: dict = field(default_factory=dict)  # field → value (ids may be pending keys)
    m2m: dict[str, set] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    transcript: tuple | None = None  # (language, body)
    translation: tuple | None = None  # (language, body, translators, credit_line)
    date: object = None
    existing_pk: int | None = None


class _DocumentPlan:
    def __init__(self, *, file: ImportFile, user, options: ImportOptions, progress: Progress):
        self.file = file
        self.user = user
        self.options = options
        self.progress = progress
        self.maps = AuthorityMaps()
        self._dates: dict[str, object] = {}
        self.max_given_id = 0  # record IDs the file leaves blank are given after it
        self.is_editor = bool(user and user.has_perm(PUBLISH_PERMISSION))
        headers = [h.strip().lower() for h in file.headers]
        self.columns = [h for h in headers if h in DOCUMENT_COLUMNS]
        self.report = ImportReport(
            file_name=file.name,
            file_description=file.description,
            total=file.height,
            columns=self.columns,
            ignored_columns=[h for h in headers if h and h not in DOCUMENT_COLUMNS],
        )
        self.headers = headers

    # Reading each row --------------------------------------------------------------------

    def check(self, write: Callable[[list["_Row"]], None] | None = None) -> None:
        """Check every row, a batch at a time; hand each checked batch to `write`."""
        report = self.report
        if "title" not in self.headers and "record_id" not in self.headers:
            report.errors.append(
                RowError(1, "", _("The file needs a “record_id” or a “title” column."))
            )
            return
        if report.ignored_columns:
            report.errors.append(
                RowError(
                    1,
                    ", ".join(report.ignored_columns),
                    _("Unknown columns (see docs/import-format.md for the column names)."),
                )
            )
        total = self.file.height
        seen_ids: dict[int, int] = {}
        chunk: list[_Row] = []
        # Rows are read and compared with the archive a batch at a time; only their
        # outcomes are kept, so memory does not grow with the file's texts.
        for index, values in enumerate(self.file.rows()):
            row = self._row_of(index, values, seen_ids)
            chunk.append(row)
            report.rows.append(row.outcome)
            if len(chunk) == BATCH:
                self._compare(chunk)
                if write:
                    write(chunk)
                chunk = []
                self.progress(index + 1, total, len(report.errors))
        self._compare(chunk)
        if write and chunk:
            write(chunk)
        report.created = sum(o.kind == "new" for o in report.rows)
        report.updated = sum(o.kind == "update" for o in report.rows)
        report.unchanged = sum(o.kind == "skip" for o in report.rows)
        report.new_authorities = self.maps.new_names()
        self.progress(total, total, len(report.errors))

    def _row_of(self, index: int, values, seen_ids: dict[int, int]) -> _Row:
        number = index + self.file.first_row
        cells = {
            h: (str(v).strip() if v is not None else "")
            for h, v in zip(self.headers, values, strict=False)
        }
        row = self._read_row(number, cells)
        if row.record_id is not None:
            if row.record_id in seen_ids:
                self._error(
                    row,
                    "record_id",
                    _("Record ID %(id)s is also in row %(other)s.")
                    % {"id": row.record_id, "other": seen_ids[row.record_id]},
                )
            seen_ids[row.record_id] = number
            self.max_given_id = max(self.max_given_id, row.record_id)
        return row

    def rows_without_id(self):
        """The rows the file gives no record ID, read again a batch at a time (their IDs
        come after the file's highest, known only once every row was read)."""
        seen_ids: dict[int, int] = {}
        chunk: list[_Row] = []
        position = self.headers.index("record_id")
        for index, values in enumerate(self.file.rows()):
            if position < len(values) and str(values[position] or "").strip():
                continue
            row = self._row_of(index, values, seen_ids)
            chunk.append(row)
            if len(chunk) == BATCH:
                yield self._compared(chunk)
                chunk = []
        if chunk:
            yield self._compared(chunk)

    def _compared(self, chunk: list[_Row]) -> list[_Row]:
        self._compare(chunk)
        for row in chunk:
            self.report.rows[row.number - self.file.first_row] = row.outcome
        return chunk

    def _error(self, row: _Row, column: str, message: str) -> None:
        row.outcome.kind = "error"
        self.report.errors.append(RowError(row.number, column, message))

    def _read_row(self, number: int, cells: dict[str, str]) -> _Row:
        record_id = None
        row = _Row(number, RowOutcome(number, "new", None, cells.get("title", "")), None)
        raw_id = cells.get("record_id", "")
        if raw_id:
            try:
                record_id = int(raw_id)
                if record_id <= 0:
                    raise ValueError
            except ValueError:
                self._error(
                    row,
                    "record_id",
                    _("“%(value)s” is not a record ID (a positive whole number).")
                    % {"value": raw_id},
                )
        row.record_id = row.outcome.record_id = record_id
        for name in DOCUMENT_TEXT:
            if name in cells:
                row.document[name] = cells[name]
        if "title" in cells and not cells["title"]:
            self._error(row, "title", _("A title is required."))
        elif len(cells.get("title", "")) > 500:
            self._error(row, "title", _("The title is longer than 500 characters."))
        if "date" in cells:
            parsed = self._date(cells["date"])
            if isinstance(parsed, str):
                self._error(row, "date", parsed)
            else:
                row.date = parsed
                row.document["date_entered"] = parsed.entered
        if cells.get("status"):
            status = cells["status"].lower()
            if status not in Document.Status.values or status == Document.Status.WITHDRAWN:
                self._error(
                    row,
                    "status",
                    _(
                        "Status must be “draft” or “published” "
                        "(withdraw in the admin, with a reason)."
                    ),
                )
            else:
                row.document["status"] = status
        for name in DOCUMENT_FK:
            if name in cells:
                row.document[name] = self._one(row, name, cells[name])
        for name in DOCUMENT_M2M:
            if name in cells:
                row.m2m[name] = self._many(row, name, cells[name])
        for name in PROVENANCE_FK:
            if name in cells:
                row.provenance[name] = self._one(row, name, cells[name])
        for name in PROVENANCE_TEXT:
            if name in cells:
                row.provenance[name] = cells[name]
                limit = PROVENANCE_LENGTHS.get(name)
                if limit and len(cells[name]) > limit:
                    self._error(
                        row,
                        name,
                        _("This is longer than %(limit)s characters.") % {"limit": limit},
                    )
        if PROVENANCE_DATE in cells:
            row.provenance[PROVENANCE_DATE] = self._exact_date(row, cells[PROVENANCE_DATE])
        row.transcript = self._text(row, cells, "transcript")
        row.translation = self._text(row, cells, "translation")
        if row.translation is not None:
            translators = self._many(row, "translators", cells.get("translators", ""))
            row.translation += (frozenset(translators), cells.get("credit_line", ""))
        return row

    def _date(self, value: str):
        """The parsed date, or why it is refused; a file repeats its dates, so each
        distinct value is parsed once."""
        try:
            return self._dates[value]
        except KeyError:
            try:
                parsed = parse_historical_date(value)
            except ValidationError as error:
                parsed = " ".join(error.messages)
            if len(self._dates) < DATE_MEMO:
                self._dates[value] = parsed
            return parsed

    def _exact_date(self, row: _Row, value: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self._error(
                row,
                PROVENANCE_DATE,
                _("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": value},
            )
            return None

    def _text(self, row: _Row, cells: dict[str, str], name: str) -> tuple | None:
        body, language = cells.get(name, ""), cells.get(f"{name}_language", "")
        if not body and not language:
            return None
        if not language:
            self._error(
                row,
                f"{name}_language",
                _("Give the language (ISO 639 code) of the %(name)s.") % {"name": name},
            )
            return None
        language_id = self._one(row, f"{name}_language", language)
        return (language_id, sanitize_html(body))

    def _one(self, row: _Row, column: str, value: str):
        if not value:
            return None
        if SEPARATOR in value:
            self._error(row, column, _("Only one value is allowed here."))
            return None
        return self._match(row, column, value)

    def _many(self, row: _Row, column: str, value: str) -> frozenset:
        found = set()
        for part in value.split(SEPARATOR):
            if part.strip():
                match = self._match(row, column, part.strip())
                if match is not None:
                    found.add(match)
        return frozenset(found)

    def _match(self, row: _Row, column: str, value: str):
        relation = DOCUMENT_RELATIONS[column]
        found = self.maps.resolve(relation, value)
        if found is not None:
            return found
        if relation.model is Place and _norm(value) in self.maps.ambiguous_places:
            self._error(
                row,
                column,
                _("“%(value)s” names several places: give its parent, e.g. “Vietnam > Hanoi”.")
                % {"value": value},
            )
            return None
        if relation.creatable and self.options.create_missing:
            return self.maps.add_pending(relation, value)
        what = relation.model._meta.verbose_name
        if relation.model is Language:
            message = _("No language with the code “%(value)s” (add it under Languages first).")
        elif relation.model is Collection:
            message = _("No collection with the slug “%(value)s” (create it first).")
        else:
            message = _("No %(what)s named “%(value)s” (choose “create missing” to add it).")
        self._error(row, column, message % {"value": value, "what": what})
        return None

    # Comparing with what is stored --------------------------------------------------------

    def _compare(self, rows: list[_Row]) -> None:
        ids = [r.record_id for r in rows if r.record_id is not None]
        existing: dict[int, dict] = {}
        for start in range(0, len(ids), BATCH):
            for values in Document.objects.filter(record_id__in=ids[start : start + BATCH]).values(
                "pk",
                "record_id",
                "title",
                "summary",
                "date_entered",
                "status",
                "document_type",
                "classification",
                "rights_statement",
            ):
                existing[values["record_id"]] = values
        stored = _StoredRelations([v["pk"] for v in existing.values()], self.columns)
        for row in rows:
            current = existing.get(row.record_id) if row.record_id is not None else None
            if current is None:
                if row.outcome.kind != "error":
                    if "title" not in row.document:
                        self._error(row, "title", _("A title is required for a new record."))
                    else:
                        self._check_status(row, None)
                continue
            row.existing_pk = current["pk"]
            if row.outcome.kind == "error":
                continue
            diff = self._diff(row, current, stored)
            self._check_status(row, current["status"])
            if row.outcome.kind != "error":
                row.outcome.kind = "update" if diff else "skip"
                row.outcome.diff = diff
                row.outcome.title = row.document.get("title", current["title"])

    def _check_status(self, row: _Row, current: str | None) -> None:
        wanted = row.document.get("status")
        if wanted is None or wanted == (current or Document.Status.DRAFT):
            row.document.pop("status", None)
            return
        if not self.is_editor:
            self._error(
                row,
                "status",
                _("Only editors may publish or unpublish; leave the status as it is."),
            )

    def _diff(self, row: _Row, current: dict, stored: "_StoredRelations") -> dict:
        label = self.maps.label
        diff: dict[str, tuple[str, str]] = {}
        for name, value in row.document.items():
            old = current[name]
            if name in DOCUMENT_FK:
                if old != value:
                    model = DOCUMENT_RELATIONS[name].model
                    diff[name] = (
                        label(model, old) if old else "",
                        label(model, value) if value else "",
                    )
            elif old != value:  # status too: it is applied through the editors' services
                diff["date" if name == "date_entered" else name] = (old, value)
        pk = current["pk"]
        for name, values in row.m2m.items():
            old = stored.m2m[name].get(pk, frozenset())
            if old != values:
                model = DOCUMENT_RELATIONS[name].model
                diff[name] = (
                    " | ".join(sorted(label(model, v) for v in old)),
                    " | ".join(sorted(label(model, v) for v in values)),
                )
        old_provenance = stored.provenance.get(pk, {})
        for name, value in row.provenance.items():
            old = old_provenance.get(name, "" if name in PROVENANCE_TEXT else None)
            if old != value:
                if name in PROVENANCE_FK:
                    old = label(PROVENANCE_FK[name], old) if old else ""
                    value = label(PROVENANCE_FK[name], value) if value else ""
                diff[name] = (str(old or ""), str(value or ""))
        for kind, wanted in (("transcript", row.transcript), ("translation", row.translation)):
            if wanted is None:
                continue
            old = stored.texts[kind].get((pk, wanted[0]))
            if old != wanted[1:]:
                diff[kind] = ("" if old is None else _("(as stored)"), _("(from the file)"))
        return diff


class _StoredRelations:
    """The stored relations of the documents being updated, read in a few queries."""

    def __init__(self, pks: list[int], columns: list[str]) -> None:
        self.m2m: dict[str, dict[int, frozenset]] = {}
        for name in DOCUMENT_M2M:
            if name not in columns:
                continue
            source, target = _through_columns(name)
            links: dict[int, set] = defaultdict(set)
            for doc, other in select_in(
                getattr(Document, name).through, [source, target], source, pks
            ):
                links[doc].add(other)
            self.m2m[name] = {k: frozenset(v) for k, v in links.items()}
        self.provenance: dict[int, dict] = {}
        names = [*PROVENANCE_FK, PROVENANCE_DATE, *PROVENANCE_TEXT]
        attnames = [f"{name}_id" for name in PROVENANCE_FK] + names[len(PROVENANCE_FK) :]
        for doc, *values in select_in(Provenance, ["document_id", *attnames], "document_id", pks):
            stored = dict(zip(names, values, strict=True))
            if isinstance(stored[PROVENANCE_DATE], str):  # SQLite returns the text
                stored[PROVENANCE_DATE] = date.fromisoformat(stored[PROVENANCE_DATE])
            self.provenance[doc] = stored
        self.texts: dict[str, dict[tuple, tuple]] = {"transcript": {}, "translation": {}}
        for doc, lang, body in select_in(
            Transcript, ["document_id", "language_id", "body"], "document_id", pks
        ):
            self.texts["transcript"][(doc, lang)] = (body,)
        translations = sorted(
            select_in(
                Translation,
                ["id", "document_id", "language_id", "body", "credit_line"],
                "document_id",
                pks,
            )
        )
        translators: dict[int, set] = defaultdict(set)
        for tr, tt in select_in(
            Translation.translators.through,
            ["translation_id", "translator_id"],
            "translation_id",
            [t[0] for t in translations],
        ):
            translators[tr].add(tt)
        for pk, doc, lang, body, credit in translations:
            self.texts["translation"].setdefault(
                (doc, lang), (body, frozenset(translators[pk]), credit)
            )


def _through_columns(name: str) -> tuple[str, str]:
    """Attribute names of the through table's document and other-side columns."""
    m2m = Document._meta.get_field(name)
    return m2m.m2m_column_name(), m2m.m2m_reverse_name()


# --- Pass 2: writing -------------------------------------------------------------------------


class _DocumentWriter:
    def __init__(self, plan: _DocumentPlan) -> None:
        self.plan = plan
        self.maps = plan.maps
        self.user = plan.user
        self.reason = _("Imported from %(file)s") % {"file": plan.file.name}
        self.now = timezone.now()
        self._taken_slugs: set[str] | None = None
        # New rows without a record ID wait for the file's highest ID (write_deferred).
        self.defer_unnumbered = "record_id" in plan.headers
        self.deferred = 0

    def write(self, chunk: list[_Row]) -> None:
        """Write one checked batch (inside the import's transaction), unless a row so far
        failed: then the transaction rolls back and writing more is wasted."""
        if self.plan.report.errors:
            return
        rows = [r for r in chunk if r.outcome.kind in ("new", "update")]
        if self.defer_unnumbered:
            waiting = [r for r in rows if r.outcome.kind == "new" and r.record_id is None]
            self.deferred += len(waiting)
            rows = [r for r in rows if not (r.outcome.kind == "new" and r.record_id is None)]
        self._write_rows(rows)

    def write_deferred(self) -> None:
        """Write the new rows without a record ID, numbered after the file's highest."""
        if not self.deferred:
            return
        for chunk in self.plan.rows_without_id():
            self._write_rows([r for r in chunk if r.outcome.kind == "new"])
        if self.plan.report.errors:
            raise ImportAborted

    def _write_rows(self, rows: list[_Row]) -> None:
        plan = self.plan
        self.maps.create_pending(user=self.user, reason=self.reason)
        self.created_docs, self.updated_docs = [], []
        self.__dict__.pop("_created_pk_set", None)
        created = self._documents([r for r in rows if r.outcome.kind == "new"])
        updated = self._updates([r for r in rows if r.outcome.kind == "update"])
        documents = {r.number: pk for r, pk in created + updated}
        self._m2m(rows, documents, created_numbers={r.number for r, _ in created})
        self._provenance(rows, documents)
        self._texts(rows, documents)
        self._history(created, updated)
        plan.report.errors.extend(self._publish(rows, documents))
        plan.report.document_ids.extend(documents.values())

    def _values(self, row: _Row) -> dict:
        values = {}
        for name, value in row.document.items():
            if name in DOCUMENT_FK:
                model = DOCUMENT_RELATIONS[name].model
                values[f"{name}_id"] = maps_id(self.maps, model, value)
            elif name != "status":
                values[name] = value
        return values

    def _documents(self, rows: list[_Row]) -> list[tuple[_Row, int]]:
        if not rows:
            return []
        from archive.models import next_record_id

        # Numbers the file gives are kept; rows without one get numbers after all of them
        # (after every number in the file, not only in this batch).
        next_id = max(next_record_id(), self.plan.max_given_id + 1)
        if self._taken_slugs is None:
            self._taken_slugs = set(Document.objects.values_list("slug", flat=True))
        taken_slugs = self._taken_slugs
        objs = []
        for row in rows:
            doc = new_row(Document, **self._values(row))
            if row.record_id is None:
                doc.record_id, next_id = next_id, next_id + 1
            else:
                doc.record_id = row.record_id
            _set_date(doc, row.date)
            doc.slug = _free_slug(doc.title, taken_slugs)
            doc.created_at = doc.updated_at = self.now
            objs.append(doc)
        insert_objects(Document, objs)
        for row, doc in zip(rows, objs, strict=True):
            row.outcome.record_id = doc.record_id
        self.created_docs = objs
        return [(row, doc.pk) for row, doc in zip(rows, objs, strict=True)]

    def _updates(self, rows: list[_Row]) -> list[tuple[_Row, int]]:
        self.updated_docs = []
        if not rows:
            return []
        for row in rows:
            doc = Stored(pk=row.existing_pk, **self._values(row))
            if row.date is not None:
                _set_date(doc, row.date)
            # metadata_changed_at: OAI-PMH harvesters re-fetch what an import changed,
            # whichever of the document's fields, relations, provenance or texts that was.
            doc.metadata_changed_at = self.now
            self.updated_docs.append(doc)
        _update_stored(Document, self.updated_docs)
        return [(row, row.existing_pk) for row in rows]

    def _m2m(self, rows: list[_Row], documents: dict[int, int], created_numbers: set[int]) -> None:
        for name in DOCUMENT_M2M:
            through = getattr(Document, name).through
            source, target = _through_columns(name)
            model = DOCUMENT_RELATIONS[name].model
            replaced, links = [], []
            for row in rows:
                if name not in row.m2m:
                    continue
                if row.number not in created_numbers and name not in row.outcome.diff:
                    continue
                pk = documents[row.number]
                replaced.append(pk)
                for value in row.m2m[name]:
                    links.append((pk, maps_id(self.maps, model, value)))
            delete_in(through, source, [pk for pk in replaced if pk not in self._created_pks()])
            insert_rows(through, [source, target], links)

    def _created_pks(self) -> set[int]:
        if not hasattr(self, "_created_pk_set"):
            self._created_pk_set = (
                {d.pk for d in self.created_docs} if hasattr(self, "created_docs") else set()
            )
        return self._created_pk_set

    def _provenance(self, rows: list[_Row], documents: dict[int, int]) -> None:
        wanted = {
            documents[r.number]: r.provenance
            for r in rows
            if r.provenance and (r.outcome.kind == "new" or set(r.provenance) & set(r.outcome.diff))
        }
        if not wanted:
            return
        stored = [pk for pk in wanted if pk not in self._created_pks()]
        existing = dict(select_in(Provenance, ["document_id", "id"], "document_id", stored))
        new, changed = [], []
        for pk, values in wanted.items():
            values = {
                (f"{k}_id" if k in PROVENANCE_FK else k): (
                    maps_id(self.maps, PROVENANCE_FK[k], v) if k in PROVENANCE_FK else v
                )
                for k, v in values.items()
            }
            if pk in existing:
                changed.append(Stored(pk=existing[pk], **values))
            elif any(values.values()):
                new.append(new_row(Provenance, document_id=pk, **values))
        insert_objects(Provenance, new)
        _update_stored(Provenance, changed)
        _bulk_history(Provenance, new, user=self.user, reason=self.reason, update=False)
        _bulk_history(Provenance, changed, user=self.user, reason=self.reason, update=True)

    def _texts(self, rows: list[_Row], documents: dict[int, int]) -> None:
        for kind, model in (("transcript", Transcript), ("translation", Translation)):
            wanted = {}
            for r in rows:
                value = getattr(r, kind)
                if value is not None and (r.outcome.kind == "new" or kind in r.outcome.diff):
                    wanted[(documents[r.number], maps_id(self.maps, Language, value[0]))] = value[
                        1:
                    ]
            if not wanted:
                continue
            stored = sorted({doc for doc, _lang in wanted} - self._created_pks())
            existing = {}  # (document, language) → the first such text's id
            for pk, doc, lang in sorted(
                select_in(model, ["id", "document_id", "language_id"], "document_id", stored),
                reverse=True,
            ):
                existing[(doc, lang)] = pk
            new, changed = [], []
            for (doc, lang), value in wanted.items():
                pk = existing.get((doc, lang))
                obj = (
                    Stored(pk=pk, document_id=doc, language_id=lang)
                    if pk
                    else new_row(model, document_id=doc, language_id=lang, created_at=self.now)
                )
                obj.body = value[0]
                if kind == "translation":
                    obj.credit_line = value[2]
                (changed if pk else new).append(obj)
            insert_objects(model, new)
            _update_stored(model, changed)
            if kind == "translation":
                through = Translation.translators.through
                objs = new + changed
                delete_in(through, "translation_id", [o.pk for o in changed])
                insert_rows(
                    through,
                    ["translation_id", "translator_id"],
                    [
                        (o.pk, maps_id(self.maps, Translator, t))
                        for o in objs
                        for t in wanted[(o.document_id, o.language_id)][1]
                    ],
                )
            _bulk_history(model, new, user=self.user, reason=self.reason, update=False)
            _bulk_history(model, changed, user=self.user, reason=self.reason, update=True)

    def _history(self, created, updated) -> None:
        _bulk_history(
            Document,
            getattr(self, "created_docs", []),
            user=self.user,
            reason=self.reason,
            update=False,
        )
        _bulk_history(Document, self.updated_docs, user=self.user, reason=self.reason, update=True)

    def _publish(self, rows: list[_Row], documents: dict[int, int]) -> list[RowError]:
        """Status changes go through the editors' services, with their checks."""
        from curation import services

        errors = []
        for row in rows:
            status = row.document.get("status")
            if status is None:
                continue
            document = Document.objects.get(pk=documents[row.number])
            try:
                if status == Document.Status.PUBLISHED:
                    services.document_publish(document=document, editor=self.user)
                else:
                    services.document_unpublish(document=document, editor=self.user)
            except (services.TransitionError, services.PublishCheckFailed) as error:
                errors.append(RowError(row.number, "status", str(error)))
        return errors


def _update_stored(model, objs: list[Stored]) -> None:
    """Write each object's fields (besides its key and place in the file), grouped by
    which fields those are."""
    groups: dict[tuple[str, ...], list[Stored]] = defaultdict(list)
    for obj in objs:
        groups[
            tuple(sorted(k for k in vars(obj) if k not in ("pk", "document_id", "language_id")))
        ].append(obj)
    for fields, group in groups.items():
        update_objects(model, group, fields)


def _set_date(document, parsed) -> None:
    """The derived date fields, from the date parsed while checking (as apply_date())."""
    if parsed is None:  # the file has no date column: undated
        parsed = parse_historical_date(document.date_entered)
    document.date_entered = parsed.entered
    document.date_edtf = parsed.edtf
    document.date_earliest = parsed.earliest
    document.date_latest = parsed.latest
    document.date_precision = parsed.precision
    document.date_display = parsed.display


def maps_id(maps: AuthorityMaps, model: type, value):
    return None if value is None else maps.id_of(model, value)


def _free_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:110].strip("-") or "document"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = f"{base[: 110 - len(suffix)]}{suffix}"
        n += 1
    taken.add(candidate)
    return candidate


def _bulk_history(model, objs: list, *, user, reason: str, update: bool) -> None:
    """History rows for bulk-written objects, as simple-history would write on save():
    a copy of each object's row with user, reason and type, plus its many-to-many links,
    each copied by the database (INSERT … SELECT) rather than sent from Python again."""
    if not objs:
        return
    historical = model.history.model
    now = timezone.now()
    special = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "~" if update else "+",
        "history_user_id": getattr(user, "pk", None),
    }
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    base = {f.attname: f.column for f in model._meta.concrete_fields}
    targets, selected, params = [], [], []
    for column in historical._meta.concrete_fields:
        if column.attname == "history_id":
            continue
        targets.append(quote(column.column))
        if column.attname in special:
            cast = f"::{column.db_type(connection)}" if postgres else ""
            selected.append(f"%s{cast}")
            params.append(column.get_db_prep_save(special[column.attname], connection))
        else:
            selected.append(f"b.{quote(base[column.attname])}")
    pk = quote(model._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} b "
    )
    pks = [obj.pk for obj in objs]
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(sql + f"WHERE b.{pk} = ANY(%s)", [*params, pks])
        else:
            for start in range(0, len(pks), MAX_PARAMS):
                chunk = pks[start : start + MAX_PARAMS]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(sql + f"WHERE b.{pk} IN ({marks})", [*params, *chunk])
        # The links each new history row had, copied in one statement per relation; this
        # call's rows are the ones with its timestamp.
        for m2m in getattr(historical, "_history_m2m_fields", []):
            through = getattr(model, m2m.name).through._meta.db_table
            history_through = _m2m_history_model(historical, m2m)._meta.db_table
            source, target = quote(m2m.m2m_column_name()), quote(m2m.m2m_reverse_name())
            cursor.execute(
                f"INSERT INTO {quote(history_through)} (history_id, id, {source}, {target}) "
                f"SELECT h.history_id, t.id, t.{source}, t.{target} "
                f"FROM {quote(historical._meta.db_table)} h "
                f"JOIN {quote(through)} t ON t.{source} = h.id "
                "WHERE h.history_date = %s AND h.history_type = %s",
                [
                    historical._meta.get_field("history_date").get_db_prep_save(now, connection),
                    special["history_type"],
                ],
            )


def _m2m_history_model(historical_model, m2m_field):
    """simple-history's table of the links a historical row had (``Historical<Model>_<field>``)."""
    from django.apps import apps

    return apps.get_model(
        historical_model._meta.app_label, f"{historical_model.__name__}_{m2m_field.name}"
    )
