"""Validation of uploaded files and the image derivatives Dossier serves.

Uploads come from archivists' scanners and from the web, so nothing about them is trusted:
the type is decided by the bytes (never the file name or the browser's content type), images
are fully decoded once to catch truncation and decompression bombs, and what the site serves
is a re-encoded copy that carries no EXIF/GPS metadata and no trailing payload.

Every public function rewinds the file to position 0 before returning, because the same file
object goes through form validation and is then written by the model's save.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow plugin names we let Image.open() try. "JPEG" also opens MPO (multi-picture JPEG, as
# written by many phones and cameras), whose format then reads "MPO".
PILLOW_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "WEBP", "TIFF")
IMAGE_TYPES_LABEL = "JPEG, PNG, GIF, WebP, TIFF"
SCAN_TYPES_LABEL = f"PDF, {IMAGE_TYPES_LABEL}"

PDF_MAGIC = b"%PDF-"
PDF_EOF = b"%%EOF"
PDF_EOF_WINDOW = 1024  # %%EOF must appear within this many bytes of the end of the file

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


def _megabytes(n: int) -> str:
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
            params={"size": _megabytes(size), "limit": _megabytes(limit)},
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


def sniff_kind(f: FileLike) -> Literal["pdf", "image"]:
    """Whether a scan is a PDF or an image, by content. Cheap: reads the PDF markers or the
    image header only (run ``validate_scan_file`` for the full checks)."""
    try:
        if _is_pdf(f):
            return "pdf"
        try:
            with _open_image(f):
                return "image"
        except ValidationError as exc:
            if exc.code == "unsupported_type":
                raise _unsupported(SCAN_TYPES_LABEL) from exc
            raise
    finally:
        _rewind(f)


def validate_scan_file(f: FileLike) -> None:
    """A scan of an original document is a PDF or an accepted image, judged by content: a
    renamed HTML page, archive or executable is refused whatever its name says."""
    try:
        if _is_pdf(f):
            return
        try:
            validate_image_file(f)
        except ValidationError as exc:
            if exc.code == "unsupported_type":
                raise _unsupported(SCAN_TYPES_LABEL) from exc
            raise
    finally:
        _rewind(f)


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
