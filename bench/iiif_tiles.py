"""IIIF tile generation time per scan: how long `archive.iiif.tiles.write_derivatives` takes
to cut a scan into its level-0 tiles, sizes and info.json (what happens once per image scan,
after its upload commits), and how many files and bytes it writes; then the time to render
one page of a PDF scan with PDFium at 150 dpi and tile it (done on the page's first request).

    uv run python bench/iiif_tiles.py [--rounds 3] [--sizes 3000x4000,2480x3508] [--pdf-pages 10]

Scans are synthetic JPEGs that compress like a typed page (paper grain, lines of "type"),
written to a temporary folder through a FileSystemStorage, as the site's default storage.
Besides wall-clock times it reports the process's CPU time, which other jobs on a shared
machine do not inflate.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.files.storage import FileSystemStorage  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from archive.iiif import tiles  # noqa: E402


def typed_page(width: int, height: int) -> bytes:
    rng = random.Random(width * height)
    grain = Image.effect_noise((width, height), 12).filter(ImageFilter.GaussianBlur(1))
    page = Image.merge(
        "RGB",
        [grain.point(lambda v, base=base: min(255, base + v // 8)) for base in (222, 216, 200)],
    )
    draw = ImageDraw.Draw(page)
    line_height = max(12, height // 60)
    for top in range(height // 10, height - height // 10, line_height):
        left = width // 10
        while left < width - width // 10:
            word = rng.randint(width // 60, width // 15)
            draw.rectangle((left, top, left + word, top + line_height // 2), fill=(45, 40, 35))
            left += word + width // 80
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def a4_pdf(pages: int) -> bytes:
    """A scanner's PDF: A4 pages at 150 dpi (1240 x 1754 pixels, 595 x 842 points)."""
    images = [Image.open(io.BytesIO(typed_page(1240, 1754))).convert("RGB") for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def files_and_bytes(root: Path) -> tuple[int, int]:
    paths = [p for p in root.rglob("*") if p.is_file()]
    return len(paths), sum(p.stat().st_size for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="3000x4000,2480x3508,1500x2000")
    parser.add_argument("--pdf-pages", type=int, default=10)
    args = parser.parse_args()
    print(f"tile size {tiles.TILE_SIZE}, JPEG quality {tiles.JPEG_QUALITY}, {args.rounds} rounds")
    print(
        f"{'scan':>11} {'source':>8} {'tiles+sizes':>11} {'written':>9} {'median':>8} {'min':>7}"
        f" {'CPU':>6}"
    )
    for size in args.sizes.split(","):
        width, height = (int(n) for n in size.split("x"))
        source = typed_page(width, height)
        times, cpu = [], []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as folder:
                storage = FileSystemStorage(location=folder)
                started, cpu_started = time.perf_counter(), time.process_time()
                image = tiles.open_image(io.BytesIO(source))
                tiles.write_derivatives(image=image, folder="s", storage=storage)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                count, written = files_and_bytes(Path(folder))
        print(
            f"{size:>11} {len(source) / 1e6:>6.1f}MB {count - 1:>11} {written / 1e6:>7.1f}MB"
            f" {statistics.median(times):>7.2f}s {min(times):>6.2f}s"
            f" {statistics.median(cpu):>5.2f}s"
        )

    pdf = a4_pdf(args.pdf_pages)
    render, tile = [], []
    cpu_started = time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        storage = FileSystemStorage(location=folder)
        for index in range(args.pdf_pages):
            started = time.perf_counter()
            image = tiles.render_pdf_page(pdf, index=index, size=(1240, 1754))
            rendered = time.perf_counter()
            tiles.write_derivatives(
                image=image, folder=f"p{index}", storage=storage, full_image=True
            )
            render.append(rendered - started)
            tile.append(time.perf_counter() - rendered)
    cpu = time.process_time() - cpu_started
    print(
        f"PDF page (A4, {len(pdf) / 1e6:.1f}MB PDF of {args.pdf_pages} pages) at"
        f" {tiles.PDF_DPI} dpi: render {statistics.median(render):.2f}s"
        f" + tiles {statistics.median(tile):.2f}s per page (median);"
        f" whole PDF {sum(render) + sum(tile):.2f}s, CPU {cpu:.2f}s"
    )


if __name__ == "__main__":
    main()
