"""Reading spreadsheets for import: CSV, XLSX and JSON, refused with a reason when unsafe.

Every format is read from bytes, so the admin (which keeps the upload in default
storage) and the shell commands read a file the same way:

* CSV is UTF-8 with or without a byte-order mark; the delimiter (comma or
  semicolon) is detected and reported, since spreadsheet programs in many locales
  save with semicolons.
* XLSX is a ZIP of XML: entries, total uncompressed size and compression ratio
  are capped before it is opened, and openpyxl parses with defusedxml, so entity
  expansion ("billion laughs") is refused instead of eating the memory.
* A cell a spreadsheet would run as a formula is exported with a leading
  apostrophe; reading strips that apostrophe again, so an export re-imports as is.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from tablib import Dataset

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ENTRIES = 1000
XLSX_MAX_RATIO = 200


class ImportFileRefused(ValueError):
    """The file cannot be imported at all (too big, unreadable, unsafe); str() says why."""


@dataclass
class ImportFile:
    """Rows read from a file, with what was detected about it.

    Rows are held in `dataset` (what the admin previews), or, for a file opened with
    `open_import_file`, read again from `source` each time `rows()` is called, so a
    100,000-row file is never in memory whole.
    """

    dataset: Dataset | None
    name: str
    format: str  # "csv", "xlsx" or "json"
    delimiter: str = ""
    had_bom: bool = False
    source: Callable[[], BinaryIO] | None = None
    streamed_headers: list[str] = field(default_factory=list)
    streamed_height: int = 0

    @property
    def headers(self) -> list[str]:
        return (
            list(self.dataset.headers or []) if self.dataset is not None else self.streamed_headers
        )

    @property
    def height(self) -> int:
        return self.dataset.height if self.dataset is not None else self.streamed_height

    def rows(self) -> Iterator[list[str]]:
        """Each record's cells, in file order (blank rows skipped)."""
        if self.dataset is not None:
            yield from self.dataset
            return
        with self.source() as raw:
            if self.format == "xlsx":
                records = _xlsx_rows(raw)
                next(records, None)  # the header
                yield from records
            elif self.format == "json":
                for record in _json_records(raw):
                    yield [_json_cell(record.get(h)) for h in self.streamed_headers]
            else:
                yield from _csv_records(raw, self.delimiter, len(self.streamed_headers))

    @property
    def first_row(self) -> int:
        """Row number of the first record: spreadsheets count the header as row 1."""
        return 1 if self.format == "json" else 2

    @property
    def description(self) -> str:
        if self.format != "csv":
            return self.format.upper()
        kind = _("semicolon-separated") if self.delimiter == ";" else _("comma-separated")
        bom = _(", with byte-order mark") if self.had_bom else ""
        return f"CSV ({kind}, UTF-8{bom})"


def max_bytes() -> int:
    return getattr(settings, "DOSSIER_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "DOSSIER_IMPORT_MAX_ROWS", 200_000)


def _check_height(height: int) -> None:
    """Refuses a streamed file as soon as it is seen to pass the row limit."""
    if height > max_rows():
        raise ImportFileRefused(
            _("The file has more than %(limit)s rows. Split it into smaller files.")
            % {"limit": max_rows()}
        )


def _check_headers(headers) -> None:
    if not headers:
        raise ImportFileRefused(_("The file has no header row naming its columns."))


def format_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx", "json"):
        raise ImportFileRefused(
            _("Unsupported file type “.%(ext)s”: use CSV, XLSX or JSON.") % {"ext": extension}
        )
    return extension


def read_import_file(*, data: bytes, name: str, file_format: str | None = None) -> ImportFile:
    """Parse `data` into rows; raises ImportFileRefused with a message for the user."""
    file_format = file_format or format_of(name)
    _check_size(len(data))
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}[file_format]
    imported = reader(data, name)
    if imported.height > max_rows():
        raise ImportFileRefused(
            _("The file has %(rows)s rows; the limit is %(limit)s. Split it into smaller files.")
            % {"rows": imported.height, "limit": max_rows()}
        )
    _check_headers(imported.headers)
    return imported


def open_import_file(*, source: Callable[[], BinaryIO], size: int, name: str) -> ImportFile:
    """Like `read_import_file`, for a file `source()` opens (a path, default storage):
    the file is checked row by row here and read again row by row by the import, never
    held whole."""
    file_format = format_of(name)
    _check_size(size)
    if file_format == "json":
        return _open_json(source, name)
    if file_format == "xlsx":
        return _open_xlsx(source, size, name)
    with source() as raw:
        had_bom = raw.read(3) == b"\xef\xbb\xbf"
        raw.seek(0)
        header = raw.readline(64 * 1024).decode("utf-8-sig", errors="replace")
    delimiter = _delimiter_of(header)
    height, headers = 0, []
    try:
        with source() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            headers = [h.strip() for h in next(csv.reader(text, delimiter=delimiter), [])]
            text.detach()
            raw.seek(0)
            for _record in _csv_records(raw, delimiter, len(headers)):
                height += 1
                if height > max_rows():
                    break
    except UnicodeDecodeError as error:
        raise ImportFileRefused(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from error
    imported = ImportFile(
        None,
        name,
        "csv",
        delimiter,
        had_bom,
        source=source,
        streamed_headers=headers,
        streamed_height=height,
    )
    _check_height(height)
    _check_headers(headers)
    return imported


def _check_size(size: int) -> None:
    if size > max_bytes():
        raise ImportFileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 2**20, 1), "limit": round(max_bytes() / 2**20, 1)}
        )


def _delimiter_of(header: str) -> str:
    # The header names columns with plain words, so whichever separator it holds more
    # of is the file's (csv.Sniffer guesses from data rows, which contain both).
    return ";" if header.count(";") > header.count(",") else ","


def _records(rows: Iterator[list[str]], width: int) -> Iterator[list[str]]:
    """The non-blank rows after the header (line 1), unescaped and padded to the header's
    width; a row wider than the header is refused with its line number."""
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width:
            raise ImportFileRefused(
                _("Row %(row)s has %(cells)s cells but the header names %(width)s columns.")
                % {"row": line, "cells": len(row), "width": width}
            )
        yield [_unescape(c) for c in row] + [""] * (width - len(row))


def _csv_records(raw: BinaryIO, delimiter: str, width: int) -> Iterator[list[str]]:
    """The records after the header, decoded as they are read; refused like `_read_csv`."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    rows = csv.reader(text, delimiter=delimiter)
    try:
        next(rows, None)
        yield from _records(rows, width)
    except csv.Error as error:
        raise ImportFileRefused(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error
    finally:
        text.detach()


def _decode(data: bytes) -> tuple[str, bool]:
    had_bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8-sig"), had_bom
    except UnicodeDecodeError as error:
        raise ImportFileRefused(
            _("The file is not UTF-8 text (byte %(at)s). Save it as “CSV UTF-8”.")
            % {"at": error.start}
        ) from error


def _read_csv(data: bytes, name: str) -> ImportFile:
    text, had_bom = _decode(data)
    delimiter = _delimiter_of(text.split("\n", 1)[0])
    rows = csv.reader(_lines(text), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(rows, [])]
        dataset = Dataset(headers=headers)
        for record in _records(rows, len(headers)):
            dataset.append(record)
            if dataset.height > max_rows():
                break
    except csv.Error as error:
        raise ImportFileRefused(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error
    return ImportFile(dataset, name, "csv", delimiter, had_bom)


def _lines(text: str):
    """The text's lines, newline kept, made one at a time: io.StringIO would hold a copy
    four bytes per character, the biggest cost of reading a large file."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _read_xlsx(data: bytes, name: str) -> ImportFile:
    _check_zip(io.BytesIO(data), len(data))
    rows = _xlsx_rows(io.BytesIO(data))
    dataset = Dataset(headers=next(rows, []))
    for cells in rows:
        dataset.append(cells)
        if dataset.height > max_rows():
            break
    return ImportFile(dataset, name, "xlsx")


def _open_xlsx(source: Callable[[], BinaryIO], size: int, name: str) -> ImportFile:
    """An XLSX file checked and counted row by row, read again by `ImportFile.rows()`."""
    with source() as handle:
        _check_zip(handle, size)
    height = 0
    with source() as handle:
        rows = _xlsx_rows(handle)
        headers = next(rows, [])
        for _cells in rows:
            height += 1
            _check_height(height)
        rows.close()
    _check_headers(headers)
    return ImportFile(
        None, name, "xlsx", source=source, streamed_headers=headers, streamed_height=height
    )


def _xlsx_rows(handle: BinaryIO) -> Iterator[list[str]]:
    """The first sheet's header (trailing blank cells dropped), then its non-blank rows'
    cells as text, padded to the header's width. openpyxl's read-only mode parses the
    sheet as it goes (its table of distinct texts is the one part held in memory)."""
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            rows = book.active.iter_rows(values_only=True)
            headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
            while headers and not headers[-1]:
                headers.pop()
            yield headers
            width = len(headers)
            for row in rows:
                cells = [_cell_text(c) for c in row[:width]]
                if any(cells):
                    yield cells + [""] * (width - len(cells))
        finally:
            book.close()
    except DefusedXmlException as error:
        raise ImportFileRefused(
            _("The XLSX file contains XML entities or a DTD, which are refused as unsafe.")
        ) from error
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        if isinstance(error, ImportFileRefused):
            raise
        raise ImportFileRefused(
            _("The XLSX file cannot be read (%(error)s).") % {"error": type(error).__name__}
        ) from error


def _check_zip(handle: BinaryIO, size: int) -> None:
    try:
        archive = zipfile.ZipFile(handle)
        entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ImportFileRefused(_("The file is not an XLSX workbook.")) from error
    total = sum(e.file_size for e in entries)
    if len(entries) > XLSX_MAX_ENTRIES or total > 10 * max_bytes():
        raise ImportFileRefused(_("The XLSX file unpacks to too much data to import safely."))
    if total > XLSX_MAX_RATIO * max(size, 1) and total > 10 * 2**20:
        raise ImportFileRefused(_("The XLSX file is compressed suspiciously well (a ZIP bomb?)."))
    # Spreadsheets never declare a DTD; one that does is an entity-expansion attempt. A DTD
    # precedes the root element, so the start of each part tells (openpyxl's own parsers,
    # defusedxml or lxml without entity resolution, stay the second line of defence).
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise ImportFileRefused(
                    _("The XLSX file contains XML entities or a DTD, which are refused as unsafe.")
                )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if hasattr(value, "hour") else value.isoformat()
    return _unescape(str(value))


def _read_json(data: bytes, name: str) -> ImportFile:
    text, _bom = _decode(data)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileRefused(
            _("The JSON file cannot be read: %(error)s") % {"error": error}
        ) from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFileRefused(_("The JSON file must be a list of objects, one per record."))
    headers: list[str] = []
    for record in records:
        headers.extend(k for k in record if k not in headers)
    dataset = Dataset(headers=headers)
    for record in records[: max_rows() + 1]:
        dataset.append([_json_cell(record.get(h)) for h in headers])
    return ImportFile(dataset, name, "json")


def _open_json(source: Callable[[], BinaryIO], name: str) -> ImportFile:
    """A JSON list checked and counted record by record (its columns are every key any
    record has), read again by `ImportFile.rows()`."""
    headers: dict[str, None] = {}
    height = 0
    with source() as handle:
        for record in _json_records(handle):
            headers.update(dict.fromkeys(record))
            height += 1
            _check_height(height)
    _check_headers(headers)
    return ImportFile(
        None, name, "json", source=source, streamed_headers=list(headers), streamed_height=height
    )


def _json_records(handle: BinaryIO) -> Iterator[dict]:
    """The objects of a top-level JSON list, parsed one at a time (ijson)."""
    import ijson

    start = 3 if handle.read(3) == b"\xef\xbb\xbf" else 0
    handle.seek(start)
    if not handle.read(4096).lstrip().startswith(b"["):
        raise ImportFileRefused(_("The JSON file must be a list of objects, one per record."))
    handle.seek(start)
    try:
        for record in ijson.items(handle, "item", use_float=True):
            if not isinstance(record, dict):
                raise ImportFileRefused(
                    _("The JSON file must be a list of objects, one per record.")
                )
            yield record
    except ijson.JSONError as error:
        raise ImportFileRefused(
            _("The JSON file cannot be read: %(error)s") % {"error": error}
        ) from error
    except UnicodeDecodeError as error:
        raise ImportFileRefused(
            _("The file is not UTF-8 text. Save it as JSON in UTF-8.")
        ) from error


def _json_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


def _unescape(cell: str) -> str:
    """Drop the apostrophe an export put before a formula-like cell."""
    if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def neutralize_formula(value):
    """What a spreadsheet must not run: a cell it would read as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_dataset(dataset: Dataset) -> Dataset:
    for index in range(dataset.height):
        row = dataset[index]
        if any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in row):
            dataset[index] = tuple(neutralize_formula(v) for v in row)
    return dataset
