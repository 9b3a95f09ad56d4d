"""The whole archive in one portable file, and back (docs/archive-format.md describes it).

Every row of every ``archive`` and ``curation`` table (records, relations, history, review
log) is written as one JSON line per row, sorted by primary key, with the keys of each line
sorted and datetimes in full ISO 8601: the same database always gives the same bytes, so a
restore followed by a second export can be compared byte for byte. The one thing that
changes between two exports is ``exported_at`` in the manifest.

Users appear only by username (and names), where history or the review log names them:
accounts, passwords and permissions are the site's, not the archive's. A restore recreates
missing ones as inactive accounts without a usable password, so history keeps its names.

The search index is not exported: it is derived, and rebuilt after a restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from archive.listings import rebuild_listings
from archive.search.index import rebuild_index, updates_paused

FORMAT = "dossier-archive"
FORMAT_VERSION = 1
ARCHIVE_APPS = ("archive", "curation")
# Rebuilt after a restore, never exported.
DERIVED_MODELS = {"archive.searchentry", "archive.listing", "archive.listingcount"}
USERS_FILE = "data/auth.user.jsonl"
MANIFEST = "manifest.json"
# A ZIP written on any day is the same bytes: entries carry this date, not the clock's.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why."""


@dataclass
class RestoreReport:
    rows: dict[str, int]
    files: int
    users_created: list[str]
    indexed: int


# -- what is exported --------------------------------------------------------------------------


def archive_models() -> list[type[models.Model]]:
    """Every table of the archive and the desk, by label; m2m links travel with their owner."""
    found = [
        model
        for app in ARCHIVE_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in DERIVED_MODELS
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _user_fields(model: type[models.Model]) -> list[str]:
    user_model = get_user_model()
    exported = set(archive_models())
    names = []
    for f in model._meta.concrete_fields:
        if not f.is_relation:
            continue
        if f.related_model is user_model:
            names.append(f.name)
        elif f.related_model not in exported:
            raise ArchiveError(f"{model._meta.label}.{f.name} points outside the archive.")
    return names


def _file_fields(model: type[models.Model]) -> list[str]:
    """File fields, and on a history table the text columns that hold a file's past name
    (simple-history stores those as text): a replaced scan's old file travels too."""
    tracked = getattr(model, "instance_type", model)
    names = {f.name for f in tracked._meta.concrete_fields if isinstance(f, models.FileField)}
    return sorted(f.name for f in model._meta.concrete_fields if f.name in names)


def _json_default(value):
    # Full precision, unlike DjangoJSONEncoder, which drops microseconds: a restore is exact.
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not serializable")


def _line(obj: dict) -> bytes:
    text = json.dumps(obj, default=_json_default, ensure_ascii=False, sort_keys=True)
    return text.encode() + b"\n"


def _data_path(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def _rows(model: type[models.Model], usernames: dict[int, str], using: str) -> Iterator[dict]:
    user_fields = _user_fields(model)
    m2m = [f.name for f in model._meta.many_to_many]
    # Links fetched per chunk of rows, not one query per row and relation.
    prefetch = [
        models.Prefetch(f.name, queryset=f.related_model._base_manager.only("pk"))
        for f in model._meta.many_to_many
    ]
    queryset = model._base_manager.using(using).order_by("pk").prefetch_related(*prefetch)
    for row in serializers.serialize("python", queryset.iterator(chunk_size=2000)):
        fields = row["fields"]
        for name in m2m:
            fields[name] = sorted(fields[name])
        for name in user_fields:
            if fields[name] is not None:
                fields[name] = usernames[fields[name]]
        yield {"model": row["model"], "pk": row["pk"], "fields": fields}


def _schema(using: str) -> dict[str, str]:
    """The newest applied migration of each app: a restore needs the same schema."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return {app: max(name for a, name in applied if a == app) for app in ARCHIVE_APPS}


# -- writing -----------------------------------------------------------------------------------


class _Writer:
    """Entries go to a ZIP (fixed dates and permissions, so the bytes are reproducible) or a
    folder with the same layout."""

    def __init__(self, out: Path):
        self.out = out
        self.zip = None
        if out.suffix.lower() == ".zip":
            if out.exists():
                raise ArchiveError(f"{out} already exists; choose a new file name.")
            self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
        elif out.exists() and any(out.iterdir()):
            raise ArchiveError(f"{out} is a folder that is not empty; choose a new one.")

    def write(self, name: str, data: bytes) -> None:
        if self.zip is not None:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            self.zip.writestr(info, data)
        else:
            path = self.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def archive_export(*, out: Path, using: str = "default") -> dict:
    """Write the whole archive to ``out`` (``.zip``, or a folder); returns the manifest.

    On PostgreSQL every table is read from one snapshot, so edits made meanwhile cannot leave
    the export half old, half new. (SQLite's transactions here take the write lock, which
    would hold up the desk for the whole export: export a quiet site, or a copy of its file.)
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _export(out=out, using=using)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _export(out=out, using=using)


def _export(*, out: Path, using: str) -> dict:
    models_ = archive_models()
    user_model = get_user_model()
    referenced: set[int] = set()
    for model in models_:
        for name in _user_fields(model):
            referenced |= set(
                model._base_manager.using(using)
                .exclude(**{f"{name}__isnull": True})
                .values_list(f"{name}_id", flat=True)
                .distinct()
            )
    users = user_model._base_manager.using(using).filter(pk__in=referenced)
    usernames = {u.pk: u.get_username() for u in users}

    writer = _Writer(Path(out))
    try:
        counts: dict[str, int] = {}
        file_names: set[str] = set()
        for model in models_:
            lines = []
            file_fields = _file_fields(model)
            for row in _rows(model, usernames, using):
                lines.append(_line(row))
                file_names |= {row["fields"][n] for n in file_fields if row["fields"][n]}
            counts[model._meta.label_lower] = len(lines)
            writer.write(_data_path(model), b"".join(lines))
        people = sorted(
            (
                {"username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name}
                for u in users
            ),
            key=lambda p: p["username"],
        )
        writer.write(USERS_FILE, b"".join(_line(p) for p in people))

        files, missing = [], []
        for name in sorted(file_names):
            if not default_storage.exists(name):
                missing.append(name)
                continue
            with default_storage.open(name, "rb") as f:
                data = f.read()
            writer.write(f"files/{name}", data)
            files.append({"name": name, "sha256": hashlib.sha256(data).hexdigest()})

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "schema": _schema(using),
            "counts": counts,
            "users": len(people),
            "files": files,
            "missing_files": missing,
        }
        writer.write(MANIFEST, _manifest_bytes(manifest))
    finally:
        writer.close()
    return manifest


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


# -- reading -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: Path):
        self.source = source
        self.zip = None
        if source.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"{source} is neither a folder nor a ZIP archive ({exc}).") from exc

    def read(self, name: str) -> bytes:
        # Names come from this module's own layout or the manifest (checked), never from the
        # ZIP's directory, and nothing is extracted: a hostile entry cannot land anywhere.
        try:
            if self.zip is not None:
                return self.zip.read(name)
            return (self.source / name).read_bytes()
        except (KeyError, OSError) as exc:
            raise ArchiveError(f"The archive lacks {name}.") from exc

    def lines(self, name: str) -> Iterator[dict]:
        for line in io.BytesIO(self.read(name)):
            if line.strip():
                yield json.loads(line)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _safe_storage_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or ":" in name:
        raise ArchiveError(f"The archive names a file outside the media folder: {name!r}.")
    return name


def _existing_rows(models_: Iterable[type[models.Model]], using: str) -> dict[str, int]:
    found = {}
    for model in models_:
        count = model._base_manager.using(using).count()
        if count:
            found[model._meta.label_lower] = count
    return found


def _users_by_name(people: list[dict], using: str) -> tuple[dict[str, int], list[str]]:
    user_model = get_user_model()
    manager = user_model._base_manager.db_manager(using)
    ids, created = {}, []
    for person in people:
        username = person["username"]
        user = manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            user = user_model(
                **{user_model.USERNAME_FIELD: username},
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
                is_active=False,
            )
            user.set_unusable_password()
            user.save(using=using)
            created.append(username)
        ids[username] = user.pk
    return ids, created


def _insert(model, rows: list[dict], user_ids: dict[str, int], using: str) -> None:
    user_fields = _user_fields(model)
    for row in rows:
        for name in user_fields:
            value = row["fields"].get(name)
            if value is not None:
                if value not in user_ids:
                    raise ArchiveError(f"{row['model']} {row['pk']} names unknown user {value!r}.")
                row["fields"][name] = user_ids[value]
    links: dict[str, list] = {f.name: [] for f in model._meta.many_to_many}
    for item in serializers.deserialize("python", rows, using=using):
        # raw: no model save() (files are not re-encoded, auto_now keeps the exported time,
        # signals do not write history or index rows).
        models.Model.save_base(item.object, using=using, raw=True, force_insert=True)
        for name, targets in (item.m2m_data or {}).items():
            links[name].extend((item.object.pk, target) for target in targets)
    for f in model._meta.many_to_many:
        through = f.remote_field.through
        source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
        through._base_manager.using(using).bulk_create(
            [through(**{f"{source}_id": s, f"{target}_id": t}) for s, t in links[f.name]],
            batch_size=2000,
        )


def _batches(lines: Iterator[dict], size: int = 2000) -> Iterator[list[dict]]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset_sequences(models_: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def archive_restore(*, source: Path, using: str = "default") -> RestoreReport:
    """Restore an export into an EMPTY database (migrated, with no archive rows) and its media
    storage; then rebuild the search index. All rows or none."""
    models_ = archive_models()
    reader = _Reader(Path(source))
    try:
        try:
            manifest = json.loads(reader.read(MANIFEST))
        except ValueError as exc:
            raise ArchiveError(f"{MANIFEST} is not valid JSON ({exc}).") from exc
        if not isinstance(manifest, dict):
            manifest = {}
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"This is not a {FORMAT} archive of version {FORMAT_VERSION} "
                f"(it says {manifest.get('format')!r} version {manifest.get('format_version')!r})."
            )
        if not isinstance(manifest.get("counts"), dict) or not isinstance(
            manifest.get("files"), list
        ):
            raise ArchiveError(f"{MANIFEST} lacks its counts or its list of files.")
        existing = _existing_rows(models_, using)
        if existing:
            listed = ", ".join(f"{n} {label}" for label, n in sorted(existing.items()))
            raise ArchiveError(
                "The database is not empty; it already holds: "
                f"{listed}. restore_archive only restores into an empty database: create a "
                "new database, run `manage.py migrate`, then restore."
            )
        unknown = set(manifest["counts"]) - {m._meta.label_lower for m in models_}
        if unknown:
            raise ArchiveError(
                f"The archive holds tables this version of Dossier does not have: "
                f"{', '.join(sorted(unknown))} (it was written with schema {manifest['schema']})."
            )

        written = _restore_files(reader, manifest["files"])
        try:
            with updates_paused(), transaction.atomic(using=using):
                connection = connections[using]
                user_ids, created = _users_by_name(list(reader.lines(USERS_FILE)), using)
                rows = {}
                with connection.constraint_checks_disabled():
                    for model in models_:
                        label = model._meta.label_lower
                        if label not in manifest["counts"]:
                            continue
                        if not router.allow_migrate_model(using, model):
                            continue
                        rows[label] = 0
                        for batch in _batches(reader.lines(_data_path(model))):
                            _insert(model, batch, user_ids, using)
                            rows[label] += len(batch)
                        if rows[label] != manifest["counts"][label]:
                            raise ArchiveError(
                                f"data/{label}.jsonl has {rows[label]} rows; the manifest "
                                f"says {manifest['counts'][label]}. The archive is incomplete."
                            )
                connection.check_constraints(
                    table_names=[m._meta.db_table for m in models_]
                    + [
                        f.remote_field.through._meta.db_table
                        for m in models_
                        for f in m._meta.many_to_many
                    ]
                )
                _reset_sequences(models_, using)
                rebuild_listings()
        except BaseException as exc:
            for name in written:
                default_storage.delete(name)
            if isinstance(exc, DatabaseError | DeserializationError | ValueError):
                raise ArchiveError(
                    f"The archive's rows do not fit this database ({exc}); nothing was restored."
                ) from exc
            raise
    finally:
        reader.close()
    return RestoreReport(
        rows=rows, files=len(manifest["files"]), users_created=created, indexed=rebuild_index()
    )


def _restore_files(reader: _Reader, files: list[dict]) -> list[str]:
    """Write the archive's files into media storage under their own names; a different file
    already there under a name is refused (nothing is overwritten)."""
    checked = []
    for entry in files:
        if not isinstance(entry, dict) or not {"name", "sha256"} <= entry.keys():
            raise ArchiveError(f"{MANIFEST} lists a file without its name or checksum.")
        name = _safe_storage_name(str(entry["name"]))
        data = reader.read(f"files/{name}")
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ArchiveError(f"files/{name} is damaged: its checksum does not match.")
        checked.append((name, data))
    for name, data in checked:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                if f.read() != data:
                    raise ArchiveError(
                        f"Media storage already holds a different file named {name}; "
                        "restore into empty media storage."
                    )
    written = []
    for name, data in checked:
        if default_storage.exists(name):
            continue
        saved = default_storage.save(name, ContentFile(data))
        written.append(saved)
        if saved != name:
            for n in written:
                default_storage.delete(n)
            raise ArchiveError(f"Media storage renamed {name} to {saved}; restore refused.")
    return written
