"""Validation of uploaded files and the image derivatives Dossier serves.

Uploads come from archivists' scanners and from the web, so nothing about them is trusted:
the type is decided by the bytes (never the file name or the browser's content type), images
are fully decoded once to catch truncation and decompression bombs, and what the site serves
is a re-encoded copy that carries no EXIF/GPS metadata and no trailing payload.

The same rule decides how a file is stored and served: ``file_type`` reads a stored file's
first bytes and gives the one content type and extension Dossier uses for it (a "poly.html"
that is really a PDF is stored and served as a PDF; bytes of no accepted kind are served only
as a download of ``application/octet-stream``), whatever name the file carries.

PDFs with active content are *refused*, not cleaned. A PDF is parsed with pypdf (so compressed
object streams and escaped names such as ``/J#53`` are seen as a viewer sees them) and every
object is searched for JavaScript, launch/submit/import actions, additional actions (``/AA``),
embedded files, rich media and XFA forms. Refusing, with the reason named, keeps the archive's
copy byte-for-byte the file the archivist chose, which matters for an original of record;
cleaning would silently alter it, and a scanner never writes such content, so an archivist who
meets the refusal can re-export the scan ("print to PDF") without losing anything.

A multi-page TIFF becomes one PDF with every page (``tiff_to_pdf``): a scan is one file, and
Pillow writes each page re-encoded, without the TIFF's metadata.

Every public function rewinds the file to position 0 before returning, because the same file
object goes through form validation and is then written by the model's save.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Pillow plugin names we let Image.open() try. "JPEG" also opens MPO (multi-picture JPEG, as
# written by many phones and cameras), whose format then reads "MPO".
PILLOW_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "WEBP", "TIFF")
IMAGE_TYPES_LABEL = "JPEG, PNG, GIF, WebP, TIFF"
SCAN_TYPES_LABEL = f"PDF, {IMAGE_TYPES_LABEL}"

PDF_MAGIC = b"%PDF-"
PDF_EOF = b"%%EOF"
PDF_EOF_WINDOW = 1024  # %%EOF must appear within this many bytes of the end of the file

# A multi-page TIFF may have at most this many pages (each within the pixel limit).
MAX_TIFF_PAGES = 500

# What makes a PDF active: keys whose presence means script, actions run by the viewer on
# events, files carried inside, or forms that run or send data; and action types (/S) that
# run or send something. Links (/URI) and moves inside the document (/GoTo) are harmless.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF"}
    | {"/RichMedia", "/RichMediaContent", "/XFA"}
)
PDF_ACTIVE_TYPES = frozenset(  # values of /S (action), /Type and /Subtype
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
    | {"/Rendition", "/Sound", "/Movie", "/EmbeddedFile", "/FileAttachment", "/RichMedia"}
)
_PDF_TYPE_KEYS = frozenset({"/S", "/Type", "/Subtype"})
# Pillow writes these modes into a PDF as they are.
_PDF_PAGE_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"})

JPEG_QUALITY = 88
_MIB = 1024 * 1024

_GRAY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_RGB_MODES = frozenset({"RGB", "RGBA", "RGBX", "P", "PA"})

FileLike = IO[bytes]


# -- helpers -----------------------------------------------------------------------------------


def _rewind(f: FileLike) -> None:
    f.seek(0)


def _file_size(f: FileLike) -> int:
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(0)
    return size


def megabytes(n: int) -> str:
    mb = n / _MIB
    return f"{mb:.1f}".removesuffix(".0") if mb >= 1 else f"{mb:.2g}"


def _pixel_limit() -> int:
    """The configured limit, also applied to Pillow's own (process-wide) bomb check so that
    Pillow warns above it and raises DecompressionBombError above twice it."""
    limit = int(settings.DOSSIER_MAX_IMAGE_PIXELS)
    Image.MAX_IMAGE_PIXELS = limit
    return limit


def _unsupported(accepted: str) -> ValidationError:
    return ValidationError(
        _("This file is not an image Dossier accepts: %(types)s.")
        if accepted == IMAGE_TYPES_LABEL
        else _("This file is not a type Dossier accepts for scans: %(types)s."),
        code="unsupported_type",
        params={"types": accepted},
    )


def _bomb(width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "This image is %(width)s x %(height)s pixels (%(pixels)s), more than the "
            "%(limit)s pixels Dossier accepts; it may be a decompression bomb."
        ),
        code="decompression_bomb",
        params={
            "width": f"{width:,}",
            "height": f"{height:,}",
            "pixels": f"{width * height:,}",
            "limit": f"{limit:,}",
        },
    )


def _corrupt(reason: object) -> ValidationError:
    return ValidationError(
        _("This image is damaged or truncated and cannot be read (%(reason)s)."),
        code="corrupt",
        params={"reason": str(reason) or type(reason).__name__},
    )


@contextmanager
def _open_image(f: FileLike) -> Iterator[Image.Image]:
    """Open ``f`` lazily (header only, no pixels decoded) with the type and pixel checks applied.

    Raises ValidationError ``unsupported_type`` or ``decompression_bomb``.
    """
    limit = _pixel_limit()
    _rewind(f)
    try:
        # Pillow only warns between the limit and twice the limit (our check below refuses
        # those, naming the size), and raises DecompressionBombError above twice the limit.
        with warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning):
            im = Image.open(f, formats=PILLOW_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _(
                "This image has far more than the %(limit)s pixels Dossier accepts; it may be "
                "a decompression bomb."
            ),
            code="decompression_bomb",
            params={"limit": f"{limit:,}"},
        ) from exc
    except UnidentifiedImageError as exc:
        raise _unsupported(IMAGE_TYPES_LABEL) from exc
    except Exception as exc:  # any other failure reading the header of untrusted data
        raise _corrupt(exc) from exc
    with im:
        width, height = im.size
        # Refuse before any pixel is decoded, whatever Pillow's global setting says.
        if width * height > limit:
            raise _bomb(width, height, limit)
        yield im


# -- validation ----------------------------------------------------------------------------------


def validate_upload_size(f: FileLike) -> None:
    """Refuse files over ``DOSSIER_MAX_UPLOAD_BYTES``, before spending time decoding them."""
    limit = int(settings.DOSSIER_MAX_UPLOAD_BYTES)
    try:
        size = _file_size(f)
    finally:
        _rewind(f)
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s MB; the largest upload Dossier accepts is %(limit)s MB."),
            code="too_large",
            params={"size": megabytes(size), "limit": megabytes(limit)},
        )


def validate_image_file(f: FileLike) -> None:
    """Accept only JPEG, PNG, GIF, WebP or TIFF, judged by content, that decode completely
    within the pixel limit: a corrupt or hostile image fails here, not when a reader views it."""
    try:
        with _open_image(f) as im:
            try:
                im.verify()  # structural checks (e.g. PNG chunk CRCs); leaves `im` unusable
            except Exception as exc:
                raise _corrupt(exc) from exc
        with _open_image(f) as im:
            try:
                im.load()  # decodes every pixel of the first frame: catches truncation
            except Exception as exc:
                raise _corrupt(exc) from exc
            _check_tiff_pages(im, _pixel_limit())
    finally:
        _rewind(f)


def _is_pdf(f: FileLike) -> bool:
    """True if ``f`` starts with the PDF header (at offset 0; leading junk is not allowed).

    Raises ValidationError ``corrupt`` if it has the header but no ``%%EOF`` near its end.
    """
    _rewind(f)
    if f.read(len(PDF_MAGIC)) != PDF_MAGIC:
        return False
    size = _file_size(f)
    f.seek(max(0, size - PDF_EOF_WINDOW))
    if PDF_EOF not in f.read(PDF_EOF_WINDOW):
        raise ValidationError(
            _("This PDF is truncated or damaged: it has no end-of-file marker."),
            code="corrupt",
        )
    return True


# -- what a stored file is -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    """How Dossier stores and serves a file of one kind: never from the file's own name."""

    kind: str
    content_type: str
    extension: str


FILE_TYPES: dict[str, FileType] = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", "pdf"),
        FileType("jpeg", "image/jpeg", "jpg"),
        FileType("png", "image/png", "png"),
        FileType("gif", "image/gif", "gif"),
        FileType("webp", "image/webp", "webp"),
        FileType("tiff", "image/tiff", "tif"),
    )
}
UNKNOWN_FILE_TYPE = FileType("unknown", "application/octet-stream", "bin")


def file_type(f: FileLike) -> FileType:
    """What a file is, by its first bytes only: cheap enough to run on every download, so a
    file stored before these rules (under any name) is still served as what it is."""
    _rewind(f)
    try:
        head = f.read(16)
    finally:
        _rewind(f)
    if head.startswith(PDF_MAGIC):
        return FILE_TYPES["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FILE_TYPES["png"]
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FILE_TYPES["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FILE_TYPES["webp"]
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return FILE_TYPES["tiff"]
    return UNKNOWN_FILE_TYPE


# -- PDFs ------------------------------------------------------------------------------------


def _pdf_objects(reader: PdfReader) -> Iterator[object]:
    """The trailer and every object the cross-reference tables list, including those packed
    in compressed object streams: unreachable objects too, as some viewers recover them."""
    yield reader.trailer
    for generation, entries in reader.xref.items():
        for number in entries:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def _pdf_active_content(reader: PdfReader) -> list[str]:
    """The active names found anywhere in the PDF, sorted, to name them all in the refusal.
    Iterative, so deep nesting in a hostile file cannot exhaust the stack; each indirect
    object is visited once."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = list(_pdf_objects(reader))
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for key, value in dict.items(obj):  # raw values: references are pushed, not resolved
                if key in PDF_ACTIVE_KEYS:
                    found.add(str(key))
                elif key in _PDF_TYPE_KEYS:
                    name = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(name, NameObject) and name in PDF_ACTIVE_TYPES:
                        found.add(f"{key} {name}")
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return sorted(found)


def validate_pdf_file(f: FileLike) -> None:
    """A PDF must parse, have pages and carry no active content (see the module docstring:
    such PDFs are refused, with what was found, rather than cleaned)."""
    _rewind(f)
    try:
        reader = PdfReader(f, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("This PDF is password-protected; upload a copy without a password."),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("This PDF has no pages."), code="corrupt")
        found = _pdf_active_content(reader)
    except ValidationError:
        raise
    except Exception as exc:  # any failure parsing untrusted data is the file's fault
        raise ValidationError(
            _("This PDF is damaged and cannot be read (%(reason)s)."),
            code="corrupt",
            params={"reason": str(exc) or type(exc).__name__},
        ) from exc
    finally:
        _rewind(f)
    if found:
        raise ValidationError(
            _(
                "This PDF contains active content (%(found)s): scripts, actions, embedded files "
                "or forms. Dossier does not accept those in a scan; export the document again "
                'as a plain PDF (for example with "Print to PDF") and upload that.'
            ),
            code="pdf_active_content",
            params={"found": ", ".join(found)},
        )


# -- multi-page TIFFs ------------------------------------------------------------------------


def _tiff_pages(im: Image.Image) -> int:
    return getattr(im, "n_frames", 1) if im.format == "TIFF" else 1


def _check_tiff_pages(im: Image.Image, limit: int) -> None:
    """Every page of a multi-page TIFF within the limits and decodable, not just the first."""
    pages = _tiff_pages(im)
    if pages > MAX_TIFF_PAGES:
        raise ValidationError(
            _("This TIFF has %(pages)s pages; Dossier accepts at most %(limit)s in one scan."),
            code="too_many_pages",
            params={"pages": pages, "limit": MAX_TIFF_PAGES},
        )
    for frame in range(pages):
        im.seek(frame)
        width, height = im.size
        if width * height > limit:
            raise _bomb(width, height, limit)
        if pages > 1 and im.mode not in _PDF_PAGE_MODES:
            raise ValidationError(
                _(
                    "Page %(page)s of this TIFF uses the colour mode %(mode)s, which cannot be "
                    "kept in a PDF; save it as 8-bit grey or RGB and upload it again."
                ),
                code="unsupported_mode",
                params={"page": frame + 1, "mode": im.mode},
            )
        try:
            im.load()
        except Exception as exc:
            raise _corrupt(exc) from exc


def is_multipage_tiff(f: FileLike) -> bool:
    try:
        with _open_image(f) as im:
            return _tiff_pages(im) > 1
    finally:
        _rewind(f)


def tiff_to_pdf(f: FileLike) -> ContentFile:
    """Every page of a multi-page TIFF in one PDF, at the TIFF's resolution, without its
    metadata (Pillow writes only the pixels). Run ``validate_scan_file`` first."""
    try:
        with _open_image(f) as im:
            try:  # TIFF resolutions are rationals; a page's size in the PDF follows from them
                dpi = tuple(float(d) for d in im.info["dpi"][:2])
                if len(dpi) != 2 or not all(1 <= d <= 10_000 for d in dpi):
                    raise ValueError(dpi)
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                dpi = (72.0, 72.0)
            buf = io.BytesIO()
            # Pillow walks the frames itself, so only one page is decoded at a time.
            im.save(buf, "PDF", save_all=True, dpi=dpi)
    finally:
        _rewind(f)
    base = os.path.splitext(os.path.basename(getattr(f, "name", None) or ""))[0] or "scan"
    return ContentFile(buf.getvalue(), name=f"{base}.pdf")


def _scan_is_pdf(f: FileLike, check_image: Callable[[FileLike], None]) -> bool:
    """Whether a scan is a PDF; if not, it must pass ``check_image``, and a file that is
    neither is refused naming every type a scan may be."""
    try:
        if _is_pdf(f):
            return True
        try:
            check_image(f)
        except ValidationError as exc:
            if exc.code == "unsupported_type":
                raise _unsupported(SCAN_TYPES_LABEL) from exc
            raise
        return False
    finally:
        _rewind(f)


def _check_image_header(f: FileLike) -> None:
    with _open_image(f):
        pass


def sniff_kind(f: FileLike) -> Literal["pdf", "image"]:
    """Whether a scan is a PDF or an image, by content. Cheap: reads the PDF markers or the
    image header only (run ``validate_scan_file`` for the full checks)."""
    return "pdf" if _scan_is_pdf(f, _check_image_header) else "image"


def validate_scan_file(f: FileLike) -> None:
    """A scan of an original document is a PDF or an accepted image, judged by content: a
    renamed HTML page, archive or executable is refused whatever its name says."""
    if _scan_is_pdf(f, validate_image_file):
        validate_pdf_file(f)


def validate_image_upload(f: FileLike) -> None:
    """Model-field validator for images (collection images, logos): size, then content."""
    validate_upload_size(f)
    validate_image_file(f)


def validate_scan_upload(f: FileLike) -> None:
    """Model-field validator for document scans: size, then PDF or image content."""
    validate_upload_size(f)
    validate_scan_file(f)


# -- derivatives ---------------------------------------------------------------------------------


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA") and im.getchannel("A").getextrema()[0] < 255


def _normalise_mode(im: Image.Image) -> Image.Image:
    """Convert to L, LA, RGB or RGBA; an alpha channel survives only if something is actually
    transparent."""
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):  # 16-bit scans: scale, don't clip
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif im.mode in ("1", "F"):
        im = im.convert("L")
    elif im.mode in ("P", "PA") or "transparency" in im.info:
        im = im.convert("RGBA" if im.mode != "L" else "LA")
    elif im.mode not in ("L", "LA", "RGB", "RGBA"):  # CMYK, YCbCr, LAB, HSV, RGBX...
        im = im.convert("RGB")
    if im.mode in ("RGBA", "LA") and not _has_alpha(im):
        im = im.convert(im.mode[:-1])
    return im


def _color_family(mode: str) -> str:
    return "gray" if mode in _GRAY_MODES else "rgb" if mode in _RGB_MODES else mode


def reencode_image(f: FileLike, *, max_side: int | None = None) -> ContentFile:
    """A clean copy of an image: EXIF orientation applied, then all metadata (EXIF, GPS, XMP,
    comments) and any bytes hidden after the image dropped. PNG if something is transparent,
    JPEG otherwise; downscaled so the longest side is at most ``max_side`` if given.

    The ICC colour profile is kept when the colour space is unchanged, so colours stay true.
    """
    try:
        with _open_image(f) as im:
            original_mode = im.mode
            icc_profile = im.info.get("icc_profile")
            if max_side:
                im.draft(None, (max_side * 2, max_side * 2))  # JPEG: decode at reduced scale
            try:
                out = _normalise_mode(ImageOps.exif_transpose(im))
            except Exception as exc:
                raise _corrupt(exc) from exc
    finally:
        _rewind(f)

    if max_side and max(out.size) > max_side:
        out.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out.info = {}  # nothing from the original's metadata reaches the encoder
    save_kwargs: dict[str, object] = {"optimize": True}
    if icc_profile and _color_family(original_mode) == _color_family(out.mode):
        save_kwargs["icc_profile"] = icc_profile
    if out.mode in ("RGBA", "LA"):
        fmt, ext = "PNG", "png"
    else:
        fmt, ext = "JPEG", "jpg"
        save_kwargs.update(quality=JPEG_QUALITY, progressive=True)

    buf = io.BytesIO()
    out.save(buf, fmt, **save_kwargs)
    base = os.path.splitext(os.path.basename(getattr(f, "name", None) or ""))[0] or "image"
    return ContentFile(buf.getvalue(), name=f"{base}.{ext}")


def make_thumbnail(f: FileLike, *, size: int = 300) -> ContentFile:
    """A small derivative for lists and search results (longest side at most ``size``)."""
    return reencode_image(f, max_side=size)


def make_web_image(f: FileLike, *, size: int = 1600) -> ContentFile:
    """The derivative shown on a document's page (longest side at most ``size``)."""
    return reencode_image(f, max_side=size)
