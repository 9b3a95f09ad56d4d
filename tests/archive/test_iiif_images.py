"""The level-0 IIIF Image API 3 service of image scans (issue 16, item 2): static tiles and
sizes made with Pillow, an info.json a deep-zoom viewer reads, served with CORS and long
cache headers while the document is published, and nothing for drafts or withdrawn ones."""

import io
import math

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from archive.iiif import tiles
from archive.models import Document
from tests import factories
from tests.archive import pdf_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """PDF page sizes are cached by scan id, which rolled-back tests hand out again."""
    cache.clear()


@pytest.fixture
def scan(db):
    document = factories.PublishedDocumentFactory()
    return factories.ScanFactory(
        document=document, file=factories.png_upload("big.png", size=(1100, 700))
    )


def info_url(scan) -> str:
    return reverse("archive:iiif_image_info", args=[scan.id, tiles.version_of(scan.file.name)])


def tile_urls_as_openseadragon_asks(info: dict) -> list[tuple[str, tuple[int, int]]]:
    """The URLs OpenSeadragon 5 builds from an Image API 3 info.json (IIIFTileSource.
    getTileUrl), written out independently of our tile plan, with the size each must have."""
    width, height = info["width"], info["height"]
    tile = info["tiles"][0]["width"]
    urls = []
    for factor in info["tiles"][0]["scaleFactors"]:
        level_w, level_h = math.ceil(width / factor), math.ceil(height / factor)
        step = tile * factor
        for y in range(math.ceil(level_h / tile)):
            for x in range(math.ceil(level_w / tile)):
                if level_w < tile and level_h < tile:
                    region = "full"
                    size = (level_w, level_h)
                else:
                    rx, ry = x * step, y * step
                    rw, rh = min(step, width - rx), min(step, height - ry)
                    full = (rx, ry, rw, rh) == (0, 0, width, height)
                    region = "full" if full else f"{rx},{ry},{rw},{rh}"
                    size = (min(tile, level_w - x * tile), min(tile, level_h - y * tile))
                size_text = "max" if size == (width, height) else f"{size[0]},{size[1]}"
                urls.append((f"{info['id']}/{region}/{size_text}/0/default.jpg", size))
    return urls


def test_info_json_describes_a_level0_service_with_tiles_and_sizes(client, scan):
    response = client.get(info_url(scan))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    info = response.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver{info_url(scan).removesuffix('/info.json')}"
    assert (info["type"], info["protocol"], info["profile"]) == (
        "ImageService3",
        "http://iiif.io/api/image",
        "level0",
    )
    assert (info["width"], info["height"]) == (1100, 700)
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4]}]
    assert info["sizes"] == [{"width": 275, "height": 175}, {"width": 550, "height": 350}]


def test_every_tile_a_viewer_asks_for_is_served_at_its_size_and_cached_long(client, scan):
    info = client.get(info_url(scan)).json()

    urls = tile_urls_as_openseadragon_asks(info)
    assert len(urls) == 6 + 2 + 1  # 3 x 2 tiles at full size, 2 x 1 at half, 1 at a quarter
    for url, size in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/jpeg"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "immutable" in response["Cache-Control"]
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.size == size, url
    for size in info["sizes"]:
        url = f"{info['id']}/full/{size['width']},{size['height']}/0/default.jpg"
        assert client.get(url).status_code == 200


def test_an_odd_sized_scan_has_every_tile_and_size_at_the_size_announced(client):
    # Each level halves the one before, rounding up: 1101 x 699, 551 x 350, 276 x 175.
    document = factories.PublishedDocumentFactory()
    scan = factories.ScanFactory(
        document=document, file=factories.png_upload("odd.png", size=(1101, 699))
    )
    info = client.get(info_url(scan)).json()

    assert info["sizes"] == [{"width": 276, "height": 175}, {"width": 551, "height": 350}]
    for url, size in tile_urls_as_openseadragon_asks(info):
        response = client.get(url)
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == size, url
    for size in info["sizes"]:
        response = client.get(f"{info['id']}/full/{size['width']},{size['height']}/0/default.jpg")
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.size == (size["width"], size["height"])


def test_tiles_carry_the_pixels_of_their_region(client):
    """A picture whose left half is black and right half white: the top-left full-size tile
    is black, the top-right one white."""
    picture = Image.new("RGB", (1024, 512), "white")
    picture.paste((0, 0, 0), (0, 0, 512, 512))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    document = factories.PublishedDocumentFactory()
    scan = factories.ScanFactory(
        document=document,
        file=factories.SimpleUploadedFile("halves.png", buffer.getvalue()),
    )
    base = client.get(info_url(scan)).json()["id"]

    left = client.get(f"{base}/0,0,512,512/512,512/0/default.jpg")
    right = client.get(f"{base}/512,0,512,512/512,512/0/default.jpg")

    assert Image.open(io.BytesIO(b"".join(left.streaming_content))).getpixel((256, 256)) < (
        20,
        20,
        20,
    )
    assert Image.open(io.BytesIO(b"".join(right.streaming_content))).getpixel((256, 256)) > (
        235,
        235,
        235,
    )


@pytest.mark.parametrize("status", [Document.Status.DRAFT, Document.Status.WITHDRAWN])
def test_unpublished_scans_have_no_info_nor_tiles(client, scan, status):
    base = client.get(info_url(scan)).json()["id"]
    Document.objects.filter(pk=scan.document_id).update(status=status)

    info = client.get(info_url(scan))
    tile = client.get(f"{base}/full/275,175/0/default.jpg")

    assert (info.status_code, tile.status_code) == (404, 404)
    assert info["Access-Control-Allow-Origin"] == "*"


def test_a_replaced_file_answers_under_a_new_version_only(client, scan):
    old = info_url(scan)
    scan.file = factories.png_upload("other.png", size=(600, 600))
    scan.save()

    assert client.get(old).status_code == 404
    assert client.get(info_url(scan)).json()["width"] == 600


@pytest.mark.parametrize(
    "tile",
    [
        "full/full/0/default.jpg",  # not a path a level-0 service of ours has
        "../../../secret/0/default.jpg",
        "full/275,175/90/default.jpg",
        "full/275,175/0/default.png",
        "0,0,1,1/1,1/0/default.jpg",  # well-formed but not a tile we announced
    ],
)
def test_requests_beyond_the_announced_tiles_are_not_found(client, scan, tile):
    base = info_url(scan).removesuffix("info.json")

    assert client.get(base + tile).status_code == 404


def test_the_service_id_redirects_to_its_info_json(client, scan):
    response = client.get(info_url(scan).removesuffix("/info.json"))

    assert response.status_code == 301
    assert response["Location"] == info_url(scan)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_tiles_are_made_when_an_image_scan_is_saved(django_capture_on_commit_callbacks):
    document = factories.PublishedDocumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        scan = factories.ScanFactory(document=document)

    folder = tiles.folder_of(scan_id=scan.id, file_name=scan.file.name)
    assert default_storage.exists(f"{folder}/info.json")
    assert default_storage.exists(f"{folder}/full/max/0/default.jpg")


def test_pdf_pages_are_rendered_on_first_request_not_on_save(
    client, django_capture_on_commit_callbacks
):
    document = factories.PublishedDocumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        scan = factories.ScanFactory(
            document=document,
            file=factories.SimpleUploadedFile("copy.pdf", pdf_files.image_pdf(pages=3)),
        )
    assert not default_storage.exists(tiles.DERIVATIVES_ROOT)
    key = tiles.key_of(file_name=scan.file.name, page=3)

    info = client.get(reverse("archive:iiif_image_info", args=[scan.id, key])).json()

    # Pillow's 100 x 140 pixel page at 72 dpi, rendered at 150 dpi.
    assert (info["width"], info["height"], info["profile"]) == (208, 292, "level0")
    page = client.get(f"{info['id']}/full/max/0/default.jpg")
    rendered = Image.open(io.BytesIO(b"".join(page.streaming_content)))
    assert rendered.size == (208, 292)
    blue = rendered.getpixel((104, 146))
    assert blue[2] > 200 and blue[0] < 60  # page 3 of the PDF is blue...
    page_two = tiles.key_of(file_name=scan.file.name, page=2)
    second = client.get(reverse("archive:iiif_image_info", args=[scan.id, page_two])).json()
    red = client.get(f"{second['id']}/full/max/0/default.jpg")
    pixel = Image.open(io.BytesIO(b"".join(red.streaming_content))).getpixel((104, 146))
    assert pixel[0] > 200 and pixel[2] < 60  # ...and page 2 red: each page is its own


@pytest.mark.parametrize("page", ["4", "0", "x"])
def test_a_pdf_page_that_does_not_exist_has_no_image(client, page):
    scan = factories.ScanFactory(
        document=factories.PublishedDocumentFactory(),
        file=factories.SimpleUploadedFile("copy.pdf", pdf_files.image_pdf(pages=3)),
    )
    key = f"{tiles.version_of(scan.file.name)}-{page}"

    assert client.get(reverse("archive:iiif_image_info", args=[scan.id, key])).status_code == 404


def test_an_image_scan_has_no_pages(client, scan):
    key = tiles.key_of(file_name=scan.file.name, page=1)

    assert client.get(reverse("archive:iiif_image_info", args=[scan.id, key])).status_code == 404


def test_pdf_pages_of_unpublished_documents_have_no_image(client):
    scan = factories.ScanFactory(
        file=factories.SimpleUploadedFile("copy.pdf", pdf_files.image_pdf(pages=1))
    )
    key = tiles.key_of(file_name=scan.file.name, page=1)

    assert client.get(reverse("archive:iiif_image_info", args=[scan.id, key])).status_code == 404


def test_make_iiif_tiles_command_makes_the_missing_ones():
    scans = [factories.ScanFactory() for _ in range(2)]  # no commit here: no tiles yet
    pdf = factories.ScanFactory(
        file=factories.SimpleUploadedFile("copy.pdf", pdf_files.image_pdf(pages=2))
    )
    folders = [tiles.folder_of(scan_id=s.id, file_name=s.file.name) for s in scans] + [
        tiles.folder_of(scan_id=pdf.id, file_name=pdf.file.name, page=page) for page in (1, 2)
    ]
    assert not any(default_storage.exists(f"{f}/info.json") for f in folders)
    out = io.StringIO()

    call_command("make_iiif_tiles", stdout=out)

    assert all(default_storage.exists(f"{f}/info.json") for f in folders)
    assert "3 scan(s) have tiles; 0 failed." in out.getvalue()


def test_a_generation_that_died_half_way_is_redone_cleanly(client, scan):
    folder = tiles.folder_of(scan_id=scan.id, file_name=scan.file.name)
    default_storage.save(f"{folder}/full/275,175/0/default.jpg", io.BytesIO(b"truncated"))

    response = client.get(f"{info_url(scan).removesuffix('info.json')}full/275,175/0/default.jpg")

    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (275, 175)
