"""A reader uses the document page's scan viewer (issue 16, item 2): OpenSeadragon, served by
the site, reads the IIIF manifest, deep-zooms an image scan from its level-0 tiles, turns to
the pages of a PDF scan, all from labelled buttons and the keyboard, under the site's strict
Content-Security-Policy (the conftest fails the test on any violation) and with no serious
axe finding."""

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.axe import format_violations
from tests.factories import PublishedDocumentFactory, ScanFactory, SimpleUploadedFile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def typed_image(size=(1600, 2100)) -> Image.Image:
    image = Image.new("RGB", size, (244, 240, 230))
    draw = ImageDraw.Draw(image)
    for y in range(100, size[1] - 100, 60):
        draw.line((120, y, size[0] - 120, y), fill=(40, 40, 40), width=6)
    return image


def typed_page() -> bytes:
    buffer = io.BytesIO()
    typed_image().save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def typed_pdf(pages: int = 2) -> bytes:
    """A scanner's PDF of A4 pages at 150 dpi (595 x 842 points)."""
    images = [typed_image((1240, 1754)) for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.fixture
def document(db):
    document = PublishedDocumentFactory(title="Cable with a scan and a PDF")
    ScanFactory(
        document=document,
        position=1,
        file=SimpleUploadedFile("typed.jpg", typed_page()),
        label="Typed original",
        alt_text="Typed cable, first page",
    )
    ScanFactory(
        document=document,
        position=2,
        file=SimpleUploadedFile("copy.pdf", typed_pdf(pages=2)),
        label="Printed copy",
    )
    return document


def viewer_state(page, key: str):
    return page.locator("[data-iiif-viewer]").get_attribute(f"data-{key}")


def test_reader_zooms_the_scan_and_turns_pages_with_buttons_and_keys(
    page, live_server, document, axe
):
    tiles = []
    page.on(
        "response",
        lambda r: tiles.append((r.url, r.status)) if "/iiif/images/" in r.url else None,
    )
    page.goto(live_server.url + document.get_absolute_url())

    viewer = page.locator("[data-iiif-viewer]")
    status = viewer.get_by_role("status")
    expect(status).to_have_text("Page 1 of 3: Typed original")
    page.wait_for_function(
        "() => document.querySelector('[data-iiif-viewer]').dataset.state === 'open'"
    )
    expect(viewer.get_by_role("img", name="Typed cable, first page")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-iiif-viewer]').dataset.zoom")
    fitted = float(viewer_state(page, "zoom"))

    # Zoom in with the keyboard on the labelled button, then out with a click.
    zoom_in = viewer.get_by_role("button", name="Zoom in")
    zoom_in.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-iiif-viewer]').dataset.zoom) > {fitted} * 1.4"
    )
    page.wait_for_timeout(800)  # the zoom animation asks for the next level's tiles
    assert [url for url, code in tiles if code != 200] == []
    full_size_tiles = [url for url, _ in tiles if "/512,512/0/default.jpg" in url]
    assert full_size_tiles, tiles
    viewer.get_by_role("button", name="Zoom out").click()
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-iiif-viewer]').dataset.zoom) < {fitted} * 1.4"
    )

    # The image itself takes focus and zooms with "+".
    before = float(viewer_state(page, "zoom"))
    viewer.get_by_role("img", name="Typed cable, first page").focus()
    page.keyboard.press("+")
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-iiif-viewer]').dataset.zoom) > {before}"
    )

    check = axe(page)
    assert not check, format_violations(check)

    # Turn to the PDF's pages: each is zoomable from its rendered image and links to its
    # page of the PDF.
    previous = viewer.get_by_role("button", name="Previous page")
    next_page = viewer.get_by_role("button", name="Next page")
    expect(previous).to_be_disabled()
    next_page.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Page 2 of 3: Printed copy, page 1 of 2")
    next_page.click()
    expect(status).to_have_text("Page 3 of 3: Printed copy, page 2 of 2")
    expect(next_page).to_be_disabled()
    page.wait_for_function(
        "() => document.querySelector('[data-iiif-viewer]').dataset.state === 'open'"
    )
    link = viewer.get_by_role("link", name="Open Printed copy, page 2 of 2 in the PDF")
    pdf_url = f"{live_server.url}/documents/{document.record_id}/scans/2/#page=2"
    expect(link).to_have_attribute("href", pdf_url)
    zoom_in = viewer.get_by_role("button", name="Zoom in")
    expect(zoom_in).to_be_enabled()
    before = float(viewer_state(page, "zoom"))
    zoom_in.click()
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-iiif-viewer]').dataset.zoom) > {before}"
    )
    assert any("-2/" in url and code == 200 for url, code in tiles), tiles
    check = axe(page)
    assert not check, format_violations(check)

    # And back to the image.
    previous.click()
    previous.click()
    expect(status).to_have_text("Page 1 of 3: Typed original")
    page.wait_for_function(
        "() => document.querySelector('[data-iiif-viewer]').dataset.state === 'open'"
    )


def test_without_the_viewer_the_scans_stay_listed(page, live_server, document):
    """If the manifest cannot be read (here: the request fails), readers keep the list."""
    page.route("**/iiif/documents/**", lambda route: route.abort())
    page.goto(live_server.url + document.get_absolute_url())

    expect(page.locator("[data-iiif-viewer]")).to_be_hidden()
    expect(page.locator("#scans img")).to_be_visible()
    expect(page.get_by_role("link", name="Open the PDF (Printed copy)")).to_be_visible()
