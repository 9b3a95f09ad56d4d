import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from archive.uploads import (
    file_type,
    make_thumbnail,
    make_web_image,
    reencode_image,
    sniff_kind,
    tiff_to_pdf,
    validate_image_file,
    validate_image_upload,
    validate_scan_file,
    validate_scan_upload,
    validate_upload_size,
)
from tests.archive import pdf_files

ORIENTATION = 0x0112
MAKE = 0x010F

# -- building test files -----------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", color="red", **save) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


def noise_bytes(fmt: str, size=(256, 256), **save) -> bytes:
    """Incompressible content, so the file is big and truncation hits pixel data."""
    buf = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buf, fmt, **save)
    return buf.getvalue()


def pdf_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (100, 140), "white").save(buf, "PDF")
    return buf.getvalue()


def oriented_jpeg() -> bytes:
    """60x40 stored, left half red and right half blue, with EXIF Orientation 6 ("rotate 90°
    clockwise to display") plus identifying metadata that must not survive re-encoding."""
    im = Image.new("RGB", (60, 40), "blue")
    im.paste("red", (0, 0, 30, 40))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "SecretCam"
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), comment=b"internal note", quality=95)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int) -> bytes:
    """A valid 1-bit all-black PNG of side x side pixels: a few kilobytes on disk, side² bytes
    once Pillow decodes it (built row by row so the test itself stays cheap)."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grayscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "file.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_code(validator, f) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(f)
    return excinfo.value.code


def message(validator, f) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(f)
    return " ".join(excinfo.value.messages)


def open_result(cf: ContentFile) -> Image.Image:
    cf.seek(0)
    im = Image.open(io.BytesIO(cf.read()))
    im.load()
    return im


# -- accepted types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [
        ("JPEG", {}),
        ("PNG", {}),
        ("GIF", {}),
        ("WEBP", {}),
        ("TIFF", {}),
        ("TIFF", {"compression": "tiff_lzw"}),
    ],
)
def test_accepted_image_types(fmt, kwargs):
    f = upload(image_bytes(fmt, **kwargs), name="no-extension", content_type="text/plain")
    validate_image_upload(f)
    validate_scan_upload(f)
    assert sniff_kind(f) == "image"


def test_mpo_jpeg_from_a_camera_is_accepted():
    buf = io.BytesIO()
    first = Image.new("RGB", (40, 30), "red")
    first.save(buf, "MPO", save_all=True, append_images=[Image.new("RGB", (40, 30), "blue")])
    f = upload(buf.getvalue(), name="IMG_0001.JPG", content_type="image/jpeg")
    validate_image_upload(f)
    assert open_result(reencode_image(f)).format == "JPEG"


def test_pdf_scan_accepted_by_content():
    f = upload(pdf_bytes(), name="scan.bin", content_type="application/octet-stream")
    validate_scan_upload(f)
    assert sniff_kind(f) == "pdf"


# -- refused types -----------------------------------------------------------------------------


def test_text_renamed_png_refused():
    f = upload(b"Just some notes, not an image.\n" * 10, name="photo.png")
    assert error_code(validate_image_upload, f) == "unsupported_type"
    msg = message(validate_image_upload, f)
    assert "not an image Dossier accepts" in msg
    for kind in ("JPEG", "PNG", "GIF", "WebP", "TIFF"):
        assert kind in msg


def test_html_renamed_pdf_refused():
    html = b"<!doctype html><html><body><script>alert(1)</script>%PDF-1.7</body></html>\n%%EOF"
    f = upload(html, name="report.pdf", content_type="application/pdf")
    assert error_code(validate_scan_upload, f) == "unsupported_type"
    msg = message(validate_scan_upload, f)
    assert "PDF" in msg and "JPEG" in msg
    with pytest.raises(ValidationError):
        sniff_kind(f)


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200,  # ZIP
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200,  # Windows executable
        image_bytes("BMP"),  # an image, but not a type Dossier accepts
    ],
    ids=["zip", "exe", "bmp"],
)
def test_other_content_renamed_jpg_refused(content):
    f = upload(content, name="scan.jpg", content_type="image/jpeg")
    assert error_code(validate_image_upload, f) == "unsupported_type"
    assert error_code(validate_scan_upload, f) == "unsupported_type"


def test_pdf_is_not_an_image():
    f = upload(pdf_bytes(), name="logo.png")
    assert error_code(validate_image_upload, f) == "unsupported_type"


def test_pdf_without_eof_marker_refused_as_corrupt():
    f = upload(pdf_bytes()[:200], name="scan.pdf", content_type="application/pdf")
    assert error_code(validate_scan_upload, f) == "corrupt"


def test_pdf_header_must_be_at_the_start():
    f = upload(b"<html>" + pdf_bytes(), name="scan.pdf", content_type="application/pdf")
    assert error_code(validate_scan_upload, f) == "unsupported_type"


# -- size ----------------------------------------------------------------------------------------


def test_oversized_file_refused(settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 1000
    f = upload(noise_bytes("PNG", (64, 64)))
    assert f.size > 1000
    assert error_code(validate_image_upload, f) == "too_large"
    assert error_code(validate_scan_upload, f) == "too_large"
    assert "MB" in message(validate_upload_size, f)


def test_size_limit_is_inclusive_and_reported_in_mb(settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    validate_upload_size(upload(b"x" * (2 * 1024 * 1024)))
    msg = message(validate_upload_size, upload(b"x" * (2 * 1024 * 1024 + 1)))
    assert "2 MB" in msg


def test_size_of_plain_file_object(settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 10
    f = io.BytesIO(b"x" * 11)
    f.seek(5)
    assert error_code(validate_upload_size, f) == "too_large"
    assert f.tell() == 0


# -- decompression bombs ------------------------------------------------------------------------


def test_pixel_limit_from_settings(settings):
    settings.DOSSIER_MAX_IMAGE_PIXELS = 10_000
    f = upload(image_bytes("PNG", size=(200, 200)))
    assert error_code(validate_image_upload, f) == "decompression_bomb"
    assert error_code(validate_scan_upload, f) == "decompression_bomb"
    assert "10,000 pixels" in message(validate_image_file, f)
    with pytest.raises(ValidationError):
        reencode_image(f)


def test_pixel_limit_between_limit_and_twice_limit(settings):
    # Pillow itself only warns in this range; Dossier refuses.
    settings.DOSSIER_MAX_IMAGE_PIXELS = 30_000
    f = upload(image_bytes("PNG", size=(200, 200)))
    assert error_code(validate_image_file, f) == "decompression_bomb"
    assert "200 x 200 pixels (40,000)" in message(validate_image_file, f)


def test_pixel_limit_is_inclusive(settings):
    settings.DOSSIER_MAX_IMAGE_PIXELS = 40_000
    validate_image_file(upload(image_bytes("PNG", size=(200, 200))))


@pytest.mark.parametrize("side", [20_000, 10_000], ids=["400M-pixels", "100M-pixels"])
def test_real_decompression_bomb_refused_under_default_limit(side):
    content = bomb_png(side)
    assert len(content) < 100_000  # tiny on disk...
    f = upload(content, name="innocent.png")
    validate_upload_size(f)  # ...so the size check cannot catch it
    assert error_code(validate_image_upload, f) == "decompression_bomb"
    assert error_code(validate_scan_upload, f) == "decompression_bomb"
    with pytest.raises(ValidationError):
        make_thumbnail(f)


def test_raising_the_limit_in_settings_is_honoured(settings):
    # 100M pixels is over Pillow's own default limit (~89M) but under this setting. sniff_kind
    # reads the header only, so this checks the limit without decoding 100M pixels.
    settings.DOSSIER_MAX_IMAGE_PIXELS = 150_000_000
    assert sniff_kind(upload(bomb_png(10_000))) == "image"


# -- corrupt images -----------------------------------------------------------------------------


def test_truncated_jpeg_refused_as_corrupt():
    content = noise_bytes("JPEG")
    f = upload(content[: len(content) // 2], name="scan.jpg", content_type="image/jpeg")
    assert error_code(validate_image_upload, f) == "corrupt"
    assert error_code(validate_scan_upload, f) == "corrupt"
    assert "damaged or truncated" in message(validate_image_file, f)


def test_truncated_png_refused_as_corrupt():
    content = noise_bytes("PNG")
    f = upload(content[: len(content) // 2])
    assert error_code(validate_image_upload, f) == "corrupt"


def test_png_with_bad_checksum_refused_as_corrupt():
    content = bytearray(image_bytes("PNG"))
    idat = content.index(b"IDAT")
    content[idat + 6] ^= 0xFF  # flip bits inside the compressed data; the CRC no longer matches
    assert error_code(validate_image_file, upload(bytes(content))) == "corrupt"


# -- re-encoding ----------------------------------------------------------------------------------


def test_reencode_applies_orientation_and_strips_metadata():
    content = oriented_jpeg()
    assert b"SecretCam" in content
    f = upload(content, name="IMG_1234.JPG", content_type="image/jpeg")

    out = reencode_image(f)

    assert isinstance(out, ContentFile)
    assert out.name == "IMG_1234.jpg"
    data = out.read()
    assert b"SecretCam" not in data and b"internal note" not in data and b"Exif" not in data
    im = open_result(out)
    assert im.format == "JPEG"
    assert im.size == (40, 60)  # rotated to portrait
    assert not im.getexif()
    assert "exif" not in im.info and "comment" not in im.info
    red, blue = im.getpixel((20, 5)), im.getpixel((20, 55))  # left half is now on top
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_reencode_drops_trailing_payload():
    payload = b"PK\x03\x04 hidden archive after IEND"
    f = upload(image_bytes("PNG") + payload, name="collection.png")
    data = reencode_image(f).read()
    assert payload not in data


def test_transparent_image_becomes_png():
    im = Image.new("RGBA", (50, 50), (255, 0, 0, 0))
    im.paste((0, 0, 255, 255), (10, 10, 40, 40))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    out = reencode_image(upload(buf.getvalue(), name="funder-logo.final.png"))
    assert out.name == "funder-logo.final.png"
    result = open_result(out)
    assert result.format == "PNG" and result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0


def test_transparent_palette_gif_becomes_png():
    im = Image.new("P", (30, 30), 0)
    im.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    im.paste(1, (5, 5, 25, 25))
    buf = io.BytesIO()
    im.save(buf, "GIF", transparency=0)
    result = open_result(reencode_image(upload(buf.getvalue(), name="logo.gif")))
    assert result.format == "PNG"
    assert result.getpixel((0, 0))[-1] == 0


def test_opaque_alpha_channel_becomes_jpeg():
    content = image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 255))
    out = reencode_image(upload(content, name="photo.png"))
    assert out.name == "photo.jpg"
    assert open_result(out).format == "JPEG"


def test_cmyk_jpeg_becomes_rgb():
    content = image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0))  # red in CMYK
    result = open_result(reencode_image(upload(content, name="print.jpeg")))
    assert result.mode == "RGB"
    r, g, b = result.getpixel((5, 5))
    assert r > 200 and g < 60 and b < 60


def test_grayscale_stays_grayscale_and_16_bit_is_scaled():
    im = Image.new("I;16", (20, 10), 0)
    im.paste(65535, (10, 0, 20, 10))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    result = open_result(reencode_image(upload(buf.getvalue(), name="scan16.png")))
    assert result.mode == "L"
    assert result.getpixel((2, 5)) < 10 and result.getpixel((15, 5)) > 245


def test_reencode_of_file_without_name():
    assert reencode_image(io.BytesIO(image_bytes("PNG"))).name == "image.jpg"


def test_thumbnail_longest_side_at_most_size():
    f = upload(image_bytes("JPEG", size=(1200, 800)), name="big.jpg")
    assert open_result(make_thumbnail(f)).size == (300, 200)
    assert max(open_result(make_thumbnail(f, size=120)).size) == 120
    portrait = upload(image_bytes("PNG", size=(500, 1000)), name="tall.png")
    assert open_result(make_thumbnail(portrait)).size == (150, 300)


def test_thumbnail_uses_orientation_before_measuring():
    f = upload(oriented_jpeg(), name="o.jpg")
    assert open_result(make_thumbnail(f, size=30)).size == (20, 30)


def test_small_images_are_not_upscaled():
    f = upload(image_bytes("PNG", size=(100, 50)))
    assert open_result(make_thumbnail(f)).size == (100, 50)


def test_web_image_size():
    f = upload(image_bytes("JPEG", size=(2000, 1000)), name="scan.jpg")
    assert open_result(make_web_image(f)).size == (1600, 800)
    assert open_result(make_web_image(f, size=500)).size == (500, 250)


def test_reencoded_image_matches_exif_transpose():
    f = upload(oriented_jpeg())
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(oriented_jpeg())))
    assert open_result(reencode_image(f)).size == expected.size


# -- file position -----------------------------------------------------------------------------


def _ok_calls():
    return [
        (validate_upload_size, image_bytes("PNG")),
        (validate_image_file, image_bytes("PNG")),
        (validate_image_upload, image_bytes("JPEG")),
        (validate_scan_file, pdf_bytes()),
        (validate_scan_upload, image_bytes("GIF")),
        (sniff_kind, pdf_bytes()),
        (sniff_kind, image_bytes("WEBP")),
        (reencode_image, oriented_jpeg()),
        (make_thumbnail, image_bytes("PNG", size=(400, 400))),
        (make_web_image, image_bytes("TIFF")),
    ]


@pytest.mark.parametrize(("func", "content"), _ok_calls())
def test_file_position_is_zero_after_success(func, content):
    f = upload(content)
    f.seek(7)
    func(f)
    assert f.tell() == 0
    assert not f.closed
    assert f.read() == content


@pytest.mark.parametrize(
    ("func", "content"),
    [
        (validate_image_file, b"not an image at all"),
        (validate_image_upload, noise_bytes("JPEG")[:3000]),
        (validate_scan_file, b"<html></html>"),
        (validate_scan_upload, b"%PDF-1.4 truncated"),
        (sniff_kind, b"GIF89a garbage"),
        (reencode_image, b"plain text"),
        (make_thumbnail, bomb_png(20_000)),
    ],
)
def test_file_position_is_zero_after_failure(func, content):
    f = upload(content)
    f.seek(3)
    with pytest.raises(ValidationError):
        func(f)
    assert f.tell() == 0
    assert not f.closed


def test_file_position_is_zero_after_size_failure(settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 5
    f = upload(image_bytes("PNG"))
    f.seek(9)
    with pytest.raises(ValidationError):
        validate_image_upload(f)
    assert f.tell() == 0


# -- PDFs with active content (issue 13, item 1) -------------------------------------------------

JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (pdf_files.open_action_javascript_pdf(), "/JS"),
        # A name spelled with #-escapes is the same name to a viewer: /J#53 is /JS.
        (pdf_files.build_pdf(catalog=b"/OpenAction << /S /JavaScript /J#53 (x) >>"), "/JS"),
        (pdf_files.build_pdf(catalog=b"/OpenAction << /S /Launch /F (calc.exe) >>"), "/Launch"),
        (
            pdf_files.build_pdf(catalog=b"/OpenAction << /S /SubmitForm /F (http://x.test) >>"),
            "/SubmitForm",
        ),
        (pdf_files.build_pdf(catalog=b"/Names << /JavaScript 4 0 R >>"), "/JavaScript"),
        (pdf_files.build_pdf(page=b"/AA << /O " + JS_ACTION + b" >>"), "/AA"),
        (
            pdf_files.build_pdf(
                catalog=b"/Names << /EmbeddedFiles << /Names [(payload.exe) 4 0 R] >> >>",
                extra=(b"<< /Type /Filespec /F (payload.exe) >>",),
            ),
            "/EmbeddedFiles",
        ),
        (pdf_files.build_pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>"), "/XFA"),
        (
            pdf_files.build_pdf(page=b"/Annots [4 0 R]", extra=(b"<< /Subtype /RichMedia >>",)),
            "/RichMedia",
        ),
        # Inside a compressed object stream: the bytes "/JavaScript" never appear in the file.
        (
            pdf_files.build_pdf_with_object_stream(catalog=b"/OpenAction 4 0 R", packed=JS_ACTION),
            "/JS",
        ),
    ],
    ids=[
        "open-action-js",
        "escaped-name",
        "launch",
        "submit-form",
        "names-javascript",
        "page-additional-actions",
        "embedded-files",
        "xfa",
        "rich-media",
        "js-in-object-stream",
    ],
)
def test_pdf_with_active_content_refused_with_what_was_found(content, found):
    if found == "/JS" and b"ObjStm" in content:  # the test file hides what it carries
        assert b"JavaScript" not in content and b"/JS" not in content
    f = upload(content, "scan.pdf", "application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_scan_upload(f)
    assert excinfo.value.code == "pdf_active_content"
    assert found in " ".join(excinfo.value.messages)
    assert f.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        pdf_files.image_pdf(pages=3),
        # Opening at a page and linking to a web address are not active content.
        pdf_files.build_pdf(catalog=b"/OpenAction [3 0 R /Fit]"),
        pdf_files.build_pdf(
            page=b"/Annots [4 0 R]",
            extra=(
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
                b"/A << /S /URI /URI (https://digitalarchive.example/) >> >>",
            ),
        ),
    ],
    ids=["scanner-pdf", "open-at-page", "uri-link"],
)
def test_plain_pdfs_still_accepted_and_typed_as_pdf(content):
    f = upload(content, "scan.html", "text/html")
    validate_scan_upload(f)
    assert file_type(f).content_type == "application/pdf"


def test_pdf_that_cannot_be_parsed_refused_as_damaged():
    """Header and end marker are not enough: a script between them is not a PDF."""
    content = b"%PDF-1.7\n" + pdf_files.JS_PAYLOAD + b"\n%%EOF\n"
    assert error_code(validate_scan_file, upload(content, "viewer.js")) == "corrupt"


# -- what a stored file is -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (pdf_files.polyglot(pdf_files.HTML_PAYLOAD), "application/pdf", "pdf"),
        (image_bytes("JPEG"), "image/jpeg", "jpg"),
        (image_bytes("PNG"), "image/png", "png"),
        (image_bytes("GIF"), "image/gif", "gif"),
        (image_bytes("WEBP"), "image/webp", "webp"),
        (image_bytes("TIFF"), "image/tiff", "tif"),
        (b"<html><script>alert(1)</script></html>", "application/octet-stream", "bin"),
        (pdf_files.SVG_PAYLOAD, "application/octet-stream", "bin"),
    ],
)
def test_file_type_comes_from_the_bytes(content, content_type, extension):
    kind = file_type(upload(content, "whatever.html", "text/html"))
    assert (kind.content_type, kind.extension) == (content_type, extension)


# -- multi-page TIFFs ----------------------------------------------------------------------------

PAGE_COLOURS = ("red", "green", "blue")


def three_page_tiff(mode: str = "RGB") -> bytes:
    pages = [Image.new(mode, (40, 60), colour) for colour in PAGE_COLOURS]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    return buf.getvalue()


def test_multipage_tiff_becomes_a_pdf_with_every_page():
    from pypdf import PdfReader

    f = upload(three_page_tiff(), "letter.tif", "image/tiff")
    validate_scan_upload(f)
    pdf = tiff_to_pdf(f)
    reader = PdfReader(io.BytesIO(pdf.read()))
    assert len(reader.pages) == 3
    # Each page keeps its own pixels: the image on page n is the n-th page's colour.
    # (Pillow stores them as JPEG, so compare the dominant channel, not exact values.)
    pixels = [page.images[0].image.convert("RGB").getpixel((5, 5)) for page in reader.pages]
    assert [pixel.index(max(pixel)) for pixel in pixels] == [0, 1, 2]
    # At the scan's 300 dpi, 40 pixels are 9.6 points wide.
    assert float(reader.pages[0].mediabox.width) == pytest.approx(9.6)


def test_multipage_tiff_with_a_page_over_the_pixel_limit_refused(settings):
    settings.DOSSIER_MAX_IMAGE_PIXELS = 10_000
    pages = [Image.new("L", (50, 50)), Image.new("L", (500, 500))]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    assert error_code(validate_scan_file, upload(buf.getvalue(), "two.tif")) == (
        "decompression_bomb"
    )
