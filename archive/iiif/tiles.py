"""Static IIIF Image API 3 level-0 derivatives of a scan: tiles, sizes and info.json, for an
image scan and for each page of a PDF scan (rendered with PDFium at 150 dpi).

A level-0 service answers only the URLs its info.json announces, so every one of them is a
file written once with Pillow into default storage, under a folder named by the scan and its
stored file name (a replaced file gets a fresh folder, so served files never change and may
be cached for a year). The tile URLs follow the Image API's canonical form, which is also
what OpenSeadragon asks for: region `full` or `x,y,w,h`, size `max` or `w,h`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
import threading
import time
from dataclasses import dataclass

import pypdfium2
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps
from pypdf import PdfReader

logger = logging.getLogger(__name__)

TILE_SIZE = 512
JPEG_QUALITY = 82
DERIVATIVES_ROOT = "iiif"
INFO_NAME = "info.json"
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
# The only paths a level-0 service of ours has below its id.
TILE_PATH = re.compile(r"^(full|\d+,\d+,\d+,\d+)/(max|\d+,\d+)/0/default\.jpg$")
# How long a request waits for another process generating the same tiles.
GENERATION_WAIT_SECONDS = 60
# PDF pages become images at this resolution; their canvases have that pixel size.
PDF_DPI = 150
POINTS_PER_INCH = 72
# PDFium is not thread-safe: one render at a time per process.
_PDFIUM_LOCK = threading.Lock()
PDF_SIZES_CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class Tile:
    path: str  # below the service id, e.g. "0,0,1024,1024/512,512/0/default.jpg"
    scale_factor: int
    box: tuple[int, int, int, int]  # left, upper, right, lower in the scaled level's pixels


def version_of(file_name: str) -> str:
    """A short name for a stored file: its derivatives live (and are served) under it."""
    return hashlib.sha256(file_name.encode()).hexdigest()[:12]


def key_of(*, file_name: str, page: int | None = None) -> str:
    """The URL segment (and folder) of an image: the file's version, and a PDF's page."""
    version = version_of(file_name)
    return version if page is None else f"{version}-{page}"


def folder_of(*, scan_id: int, file_name: str, page: int | None = None) -> str:
    return f"{DERIVATIVES_ROOT}/{scan_id}/{key_of(file_name=file_name, page=page)}"


def pdf_page_sizes(scan) -> list[tuple[int, int]]:
    """Each page's size in pixels at PDF_DPI, from its MediaBox turned by /Rotate (read with
    pypdf, no rendering); cached per stored file, since a long PDF takes a moment to parse.
    Raises OSError for a PDF that cannot be read."""
    key = f"iiif-pdf-pages:{scan.id}:{version_of(scan.file.name)}:{scan.file_size}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    scale = PDF_DPI / POINTS_PER_INCH
    sizes = []
    try:
        with scan.file.open("rb") as handle:
            for page in PdfReader(handle).pages:
                width, height = abs(float(page.mediabox.width)), abs(float(page.mediabox.height))
                if int(page.get("/Rotate", 0) or 0) % 180:
                    width, height = height, width
                sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    except (OSError, ValueError, KeyError) as error:  # pypdf's errors derive from these
        raise OSError(f"unreadable PDF: {error}") from error
    cache.set(key, sizes, PDF_SIZES_CACHE_SECONDS)
    return sizes


def renderable(width: int, height: int) -> bool:
    """A page is rendered only within the pixel limit uploads are held to (a MediaBox can
    claim any size)."""
    return width * height <= int(settings.DOSSIER_MAX_IMAGE_PIXELS)


def render_pdf_page(source: bytes, *, index: int, size: tuple[int, int]) -> Image.Image:
    """One page as an RGB image of exactly ``size`` (the canvas size): PDFium rounds its
    own way, so a pixel of difference is resampled away. No forms, no script: PDFium runs
    none without a form environment, and pypdfium2 makes none unless asked."""
    with _PDFIUM_LOCK:
        image = _render(source, index)
    return image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)


def _render(source: bytes, index: int) -> Image.Image:
    document = pypdfium2.PdfDocument(source)
    try:
        page = document[index]
        try:
            bitmap = page.render(scale=PDF_DPI / POINTS_PER_INCH)
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()
    return image


def scale_factors(width: int, height: int, tile_size: int = TILE_SIZE) -> list[int]:
    """1, 2, 4 ... up to the first factor at which the whole image fits in one tile."""
    factors = [1]
    while max(math.ceil(width / factors[-1]), math.ceil(height / factors[-1])) > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def level_size(width: int, height: int, factor: int) -> tuple[int, int]:
    return math.ceil(width / factor), math.ceil(height / factor)


def tile_plan(width: int, height: int, tile_size: int = TILE_SIZE) -> list[Tile]:
    """Every tile a viewer may ask for, with the URL path the Image API gives it."""
    tiles = []
    for factor in scale_factors(width, height, tile_size):
        level_w, level_h = level_size(width, height, factor)
        region_step = tile_size * factor
        for y in range(0, math.ceil(level_h / tile_size)):
            for x in range(0, math.ceil(level_w / tile_size)):
                rx, ry = x * region_step, y * region_step
                rw, rh = min(region_step, width - rx), min(region_step, height - ry)
                sw, sh = (
                    min(tile_size, level_w - x * tile_size),
                    min(tile_size, level_h - y * tile_size),
                )
                region = (
                    "full" if (rx, ry, rw, rh) == (0, 0, width, height) else f"{rx},{ry},{rw},{rh}"
                )
                size = "max" if (sw, sh) == (width, height) else f"{sw},{sh}"
                box = (x * tile_size, y * tile_size, x * tile_size + sw, y * tile_size + sh)
                tiles.append(Tile(f"{region}/{size}/0/default.jpg", factor, box))
    return tiles


def sizes(width: int, height: int, tile_size: int = TILE_SIZE) -> list[dict[str, int]]:
    """Whole-image sizes offered besides the tiles (each scaled level but the full one),
    smallest first: thumbnails and the viewer's first paint."""
    levels = [level_size(width, height, f) for f in scale_factors(width, height, tile_size)[1:]]
    return [{"width": w, "height": h} for w, h in reversed(levels)]


def info(width: int, height: int, tile_size: int = TILE_SIZE) -> dict:
    """info.json without its id: the view adds the id, an absolute URL of the request's host."""
    return {
        "@context": IMAGE_CONTEXT,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": sizes(width, height, tile_size),
        "tiles": [
            {
                "width": tile_size,
                "height": tile_size,
                "scaleFactors": scale_factors(width, height, tile_size),
            }
        ],
    }


def _jpeg(image: Image.Image) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue())


def _clear(storage, folder: str) -> None:
    """Remove what a generation that died half-way left, so no file is a truncated one."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for name in directories:
        _clear(storage, f"{folder}/{name}")


def open_image(source) -> Image.Image:
    with Image.open(source) as opened:
        opened.seek(0)
        return ImageOps.exif_transpose(opened).convert("RGB")


def write_derivatives(
    *, image: Image.Image, folder: str, storage=default_storage, full_image: bool = False
) -> dict:
    """Write every tile, every size, the full image if asked (a PDF page has no other file
    of it to paint its canvas with) and then info.json (last: its presence means done)."""
    width, height = image.size
    _clear(storage, folder)
    if full_image:
        storage.save(f"{folder}/full/max/0/default.jpg", _jpeg(image))
    tiles = tile_plan(width, height)
    level, factor = image, 1
    for tile in tiles:  # ordered by scale factor: each level is made from the one before
        if tile.scale_factor != factor:
            factor = tile.scale_factor
            # Each level halves the one before, rounding up as level_size does, so a 2 x 2
            # box average makes it: 40% less CPU per scan than a Lanczos resize.
            level = level.reduce(2)
            for size in sizes(width, height):
                if (size["width"], size["height"]) == level.size:
                    path = f"{folder}/full/{level.width},{level.height}/0/default.jpg"
                    if not storage.exists(path):
                        storage.save(path, _jpeg(level))
        path = f"{folder}/{tile.path}"
        if not storage.exists(path):  # a single-tile level is also that level's size
            storage.save(path, _jpeg(level.crop(tile.box)))
    description = info(width, height)
    storage.save(f"{folder}/{INFO_NAME}", ContentFile(json.dumps(description).encode()))
    return description


def _make_image(scan, page: int | None) -> tuple[Image.Image, bool]:
    with scan.file.open("rb") as source:
        if page is None:
            return open_image(source), False
        sizes = pdf_page_sizes(scan)
        return render_pdf_page(source.read(), index=page - 1, size=sizes[page - 1]), True


def ensure_derivatives(*, scan, page: int | None = None, storage=default_storage) -> dict | None:
    """The info.json (without id) of an image scan, or of a PDF scan's page (from 1),
    generating its tiles first if they are missing.

    One process generates at a time (a cache lock: a shared cache such as Redis makes it
    hold across servers); the others wait for its info.json. None when there is no such
    image: a PDF without that page or with a page beyond the pixel limit, a file that
    cannot be read.
    """
    if not scan.file or scan.is_image != (page is None):
        return None
    if page is not None:
        try:
            sizes = pdf_page_sizes(scan)
        except OSError:
            return None
        if not (1 <= page <= len(sizes)) or not renderable(*sizes[page - 1]):
            return None
    folder = folder_of(scan_id=scan.id, file_name=scan.file.name, page=page)
    info_path = f"{folder}/{INFO_NAME}"
    deadline = time.monotonic() + GENERATION_WAIT_SECONDS
    while True:
        if storage.exists(info_path):
            with storage.open(info_path, "rb") as handle:
                return json.load(handle)
        lock = f"iiif-tiles:{folder}"
        if cache.add(lock, "generating", timeout=GENERATION_WAIT_SECONDS * 5):
            try:
                image, full_image = _make_image(scan, page)
                return write_derivatives(
                    image=image, folder=folder, storage=storage, full_image=full_image
                )
            except (
                OSError,
                ValueError,
                Image.DecompressionBombError,
                pypdfium2.PdfiumError,
            ) as error:
                logger.warning("No IIIF tiles for scan %s: %s", scan.id, error)
                return None
            finally:
                cache.delete(lock)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)
