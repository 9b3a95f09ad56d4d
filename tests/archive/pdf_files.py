"""Real PDF files built byte by byte for the upload tests: valid cross-reference tables (or a
compressed cross-reference stream), so a viewer opens them as any other PDF."""

import io
import struct
import zlib

from PIL import Image

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s >>"


def image_pdf(pages: int = 1) -> bytes:
    """A scanner's PDF: one image per page, written by Pillow."""
    images = [Image.new("RGB", (100, 140), color) for color in ("white", "red", "blue")[:pages]]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:])
    return buf.getvalue()


def build_pdf(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF; ``catalog`` and ``page`` are added to those dictionaries and ``extra``
    become objects 4, 5, ... ."""
    objects = [CATALOG % catalog, PAGES, PAGE % page, *extra]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def build_pdf_with_object_stream(*, catalog: bytes, packed: bytes) -> bytes:
    """A PDF 1.5 file whose object 4 (``packed``) sits in a Flate-compressed object stream
    (object 5), listed by a compressed cross-reference stream (object 6): its bytes never
    appear in the file as they are."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in ((1, CATALOG % catalog), (2, PAGES), (3, PAGE % b"")):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    header = b"4 0 "
    stream = zlib.compress(header + packed)
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(header),
        len(stream),
    )
    out += b"stream\n" + stream + b"\nendstream\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [struct.pack(">BIH", 2, 5, 0)]  # object 4: in object stream 5, at index 0
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (5, 6)]
    xref = zlib.compress(b"".join(rows))
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % len(xref)
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def open_action_javascript_pdf() -> bytes:
    """Runs ``app.alert`` as soon as a viewer opens it."""
    return build_pdf(
        catalog=b"/OpenAction 4 0 R",
        extra=(b"<< /Type /Action /S /JavaScript /JS (app.alert\\('opened'\\);) >>",),
    )


def polyglot(payload: bytes) -> bytes:
    """A valid PDF that also carries ``payload`` (HTML, SVG, script) in an unused stream: it
    starts with %PDF-, ends with %%EOF, and a browser reading it as markup runs the script."""
    return build_pdf(extra=(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(payload), payload),))


HTML_PAYLOAD = b"<html><body><script>alert(document.domain)</script></body></html>"
SVG_PAYLOAD = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
)
JS_PAYLOAD = b"/* a PDF? */ fetch('/admin/').then(r => r.text()).then(alert);"
