"""Scans in bulk: attach the files of a folder or a ZIP to documents by record ID.

A file named ``100003.pdf`` is the scan at order 1 of record 100003, ``100003-2.jpg`` the one
at order 2. Each file goes through exactly what a single upload goes through: the scan field's
own validators (``validate_scan_upload``: size, type by content, active PDFs refused, bombs
refused) in ``full_clean()``, then ``Scan.save`` which converts, re-encodes and derives. Each
attach is one history entry with the importing user and the ZIP or folder as the reason.

A ZIP is never extracted to disk: entries are read into memory one at a time, so a hostile
path cannot write anywhere; such entries (``../``, absolute paths, drive letters, symlinks)
are still refused and reported, as are zip bombs: too many entries, too much in total,
an entry that inflates more than ``MAX_RATIO`` times. Folders inside the ZIP are flattened
(only the file name counts); hidden files and macOS resource forks are skipped silently.

Re-running the same source changes nothing: a scan already at that position whose stored
bytes are what this file would be stored as is "unchanged". A *different* file at a position
already taken replaces the old one (recorded in history as a replacement, the old file kept
in storage for that history entry): re-scanning a page is the usual reason to re-import.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from archive.models import Document, Scan
from archive.uploads import (
    file_type,
    is_multipage_tiff,
    reencode_image,
    sniff_kind,
    tiff_to_pdf,
    validate_upload_size,
)

# record ID, optional "-<order>", any extension (the bytes decide the type, not the name).
SCAN_NAME = re.compile(r"^(?P<record_id>[1-9]\d{0,17})(?:-(?P<position>[1-9]\d{0,5}))?\.\w+$")

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 20 * 1024**3  # 20 GiB uncompressed in one ZIP
MAX_RATIO = 100  # uncompressed / compressed, per entry; scans barely compress

_DRIVE = re.compile(r"^[A-Za-z]:")
# Pillow's PDF writer stamps the time it ran; two conversions of one TIFF differ only there.
_PDF_DATES = re.compile(rb"/(?:CreationDate|ModDate) ?\(D:[^)]*\)")


class UnsafeArchive(Exception):
    """The ZIP as a whole is refused (too many entries, too large, or not a ZIP)."""


@dataclass
class ScanImportReport:
    source: str
    attached: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, validator's reason)

    def lines(self) -> list[str]:
        out = [
            _("%(n)s attached, %(r)s replaced, %(u)s unchanged, %(m)s unmatched, %(f)s refused")
            % {
                "n": len(self.attached),
                "r": len(self.replaced),
                "u": len(self.unchanged),
                "m": len(self.unmatched),
                "f": len(self.refused),
            }
        ]
        out += [_("unmatched: %s: %s") % pair for pair in self.unmatched]
        out += [_("refused: %s: %s") % pair for pair in self.refused]
        return out


@dataclass(frozen=True)
class _Entry:
    name: str  # as given in the ZIP or relative to the folder, for the report
    read: object  # () -> bytes, or None if refused
    refusal: str = ""


def _hidden(parts: tuple[str, ...]) -> bool:
    return any((p.startswith(".") and p != "..") or p == "__MACOSX" for p in parts)


def _zip_refusal(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if "\\" in name:
        name = name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return _("an absolute path; only names inside the ZIP are accepted")
    if ".." in PurePosixPath(name).parts:
        return _("a path leading outside the ZIP (..)")
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("a symbolic link, not a file")
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return _("it inflates more than %(ratio)s times; it may be a zip bomb") % {
            "ratio": MAX_RATIO
        }
    return _size_refusal(info.file_size)


def _size_refusal(size: int) -> str:
    """Too large, said before anything is read into memory, in the single upload's words."""
    try:
        validate_upload_size(_DeclaredSize(size))
    except ValidationError as exc:
        return _messages(exc)
    return ""


class _DeclaredSize:
    def __init__(self, size: int):
        self.size = size

    def seek(self, offset: int) -> None:
        pass


def _zip_entries(zf: zipfile.ZipFile) -> Iterator[_Entry]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchive(
            _("The ZIP holds %(n)s entries; at most %(max)s are accepted.")
            % {"n": len(infos), "max": MAX_ENTRIES}
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise UnsafeArchive(
            _("The ZIP would unpack to %(gb).1f GB; at most %(max)s GB are accepted.")
            % {"gb": total / 1024**3, "max": MAX_TOTAL_BYTES // 1024**3}
        )
    for info in infos:
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.is_dir() or not parts or _hidden(parts):
            continue
        refusal = _zip_refusal(info)
        # The declared size bounds what ZipExtFile yields (a lie fails the CRC check).
        yield _Entry(info.filename, None if refusal else (lambda i=info: zf.read(i)), refusal)


def _folder_entries(root: Path) -> Iterator[_Entry]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _hidden((d,)))
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            name = path.relative_to(root).as_posix()
            if _hidden((filename,)):
                continue
            if path.is_symlink():
                yield _Entry(name, None, _("a symbolic link, not a file"))
            elif refusal := _size_refusal(path.stat().st_size):
                yield _Entry(name, None, refusal)
            else:
                yield _Entry(name, path.read_bytes)


def _stored_form(upload: SimpleUploadedFile) -> bytes:
    """The bytes ``Scan.save`` would store for this upload (to tell an unchanged re-import)."""
    if sniff_kind(upload) == "pdf":
        return upload.read()
    if is_multipage_tiff(upload):
        return _PDF_DATES.sub(b"", tiff_to_pdf(upload).read())
    return reencode_image(upload).read()


def _same_file(scan: Scan, upload: SimpleUploadedFile) -> bool:
    try:
        with scan.file.open("rb") as stored:
            current = stored.read()
    except OSError:  # the stored file is gone: the new one is welcome
        return False
    if file_type(upload).kind == "tiff":
        current = _PDF_DATES.sub(b"", current)
    return current == _stored_form(upload)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _attach_one(
    *, document: Document, position: int, name: str, data: bytes, user, reason: str
) -> str:
    """'attached', 'replaced' or 'unchanged'; ValidationError with the validator's reason."""
    upload = SimpleUploadedFile(os.path.basename(name), data)
    scan = Scan.objects.filter(document=document, position=position).first()
    if scan is not None:
        if _same_file(scan, upload):
            return "unchanged"
        outcome = "replaced"
        scan.file = upload
    else:
        outcome = "attached"
        scan = Scan(document=document, position=position, file=upload)
    # The scan field's validators, exactly as for a single upload; fields the form does not
    # show (kind, derivatives) are set by save, as in the admin.
    scan.full_clean(exclude=[f.name for f in Scan._meta.fields if not f.editable])
    scan._history_user = user
    scan._change_reason = reason
    with transaction.atomic():
        scan.save()
    return outcome


def scans_attach(
    *, source: Path, user: AbstractBaseUser | None, name: str | None = None
) -> ScanImportReport:
    """Attach every scan file of a folder or a ZIP; report what was not attached and why.
    ``name`` is what history and the report call the source (an uploaded ZIP's own name,
    not the temporary file's); by default the file or folder name.

    Raises ``UnsafeArchive`` if a ZIP is refused as a whole (nothing is attached then).
    """
    source = Path(source)
    name = name or source.name
    report = ScanImportReport(source=name)
    if source.is_dir():
        reason = _("Bulk scan import from folder %(name)s") % {"name": name}
        _attach_all(_folder_entries(source), report=report, user=user, reason=reason)
        return report
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(_("This is not a ZIP file Dossier can read (%s).") % exc) from exc
    with zf:
        reason = _("Bulk scan import from %(name)s") % {"name": name}
        _attach_all(_zip_entries(zf), report=report, user=user, reason=reason)
    return report


def _attach_all(entries, *, report: ScanImportReport, user, reason: str) -> None:
    entries = list(entries)
    matches: dict[str, tuple[int, int]] = {}
    for entry in entries:
        if entry.refusal:
            continue
        found = SCAN_NAME.match(PurePosixPath(entry.name.replace("\\", "/")).name)
        if found:
            matches[entry.name] = (int(found["record_id"]), int(found["position"] or 1))
    documents = Document.objects.in_bulk(
        {record_id for record_id, _position in matches.values()}, field_name="record_id"
    )
    taken: dict[tuple[int, int], str] = {}
    for entry in entries:
        if entry.refusal:
            report.refused.append((entry.name, entry.refusal))
            continue
        if entry.name not in matches:
            report.unmatched.append(
                (entry.name, _("the name is not <record ID>.ext or <record ID>-<order>.ext"))
            )
            continue
        record_id, position = matches[entry.name]
        document = documents.get(record_id)
        if document is None:
            report.unmatched.append((entry.name, _("no document has record ID %s") % record_id))
            continue
        if (record_id, position) in taken:
            first = taken[record_id, position]
            why = _("%s is already the file for this position") % first
            report.refused.append((entry.name, why))
            continue
        taken[record_id, position] = entry.name
        try:
            data = entry.read()
            outcome = _attach_one(
                document=document,
                position=position,
                name=entry.name,
                data=data,
                user=user,
                reason=reason,
            )
        except ValidationError as exc:
            report.refused.append((entry.name, _messages(exc)))
            continue
        # A damaged, encrypted or oddly compressed entry: that file's fault, not the batch's.
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            zlib.error,
        ) as exc:
            report.refused.append((entry.name, _("the file cannot be read (%s)") % exc))
            continue
        getattr(report, outcome).append(entry.name)
