"""Static IIIF Image API 3 level-0 derivatives of an image scan: tiles, sizes and info.json.

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
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

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


@dataclass(frozen=True)
class Tile:
    path: str  # below the service id, e.g. "0,0,1024,1024/512,512/0/default.jpg"
    scale_factor: int
    box: tuple[int, int, int, int]  # left, upper, right, lower in the scaled level's pixels


def version_of(file_name: str) -> str:
    """A short name for a stored file: its derivatives live (and are served) under it."""
    return hashlib.sha256(file_name.encode()).hexdigest()[:12]


def folder_of(*, scan_id: int, file_name: str) -> str:
    return f"{DERIVATIVES_ROOT}/{scan_id}/{version_of(file_name)}"


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


def write_derivatives(*, source, folder: str, storage=default_storage) -> dict:
    """Write every tile, every size and then info.json (last: its presence means done)."""
    with Image.open(source) as opened:
        opened.seek(0)
        image = ImageOps.exif_transpose(opened).convert("RGB")
    width, height = image.size
    _clear(storage, folder)
    tiles = tile_plan(width, height)
    level, factor = image, 1
    for tile in tiles:  # ordered by scale factor: each level is made from the one before
        if tile.scale_factor != factor:
            factor = tile.scale_factor
            level = level.resize(level_size(width, height, factor), Image.Resampling.LANCZOS)
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


def ensure_derivatives(*, scan, storage=default_storage) -> dict | None:
    """The scan's info.json (without id), generating the tiles first if they are missing.

    One process generates at a time (a cache lock: a shared cache such as Redis makes it
    hold across servers); the others wait for its info.json. None when the scan is not an
    image or its file cannot be read.
    """
    if not scan.is_image or not scan.file:
        return None
    folder = folder_of(scan_id=scan.id, file_name=scan.file.name)
    info_path = f"{folder}/{INFO_NAME}"
    deadline = time.monotonic() + GENERATION_WAIT_SECONDS
    while True:
        if storage.exists(info_path):
            with storage.open(info_path, "rb") as handle:
                return json.load(handle)
        lock = f"iiif-tiles:{folder}"
        if cache.add(lock, "generating", timeout=GENERATION_WAIT_SECONDS * 5):
            try:
                with scan.file.open("rb") as source:
                    return write_derivatives(source=source, folder=folder, storage=storage)
            except (OSError, ValueError, Image.DecompressionBombError) as error:
                logger.warning("No IIIF tiles for scan %s: %s", scan.id, error)
                return None
            finally:
                cache.delete(lock)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)
