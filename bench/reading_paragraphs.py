"""What the document page spends cutting its texts into aligned paragraphs (archive/reading.py):
median time per page for a translation and its original of N paragraphs each, with page
breaks and an alignment correction, against a plain str.join of the same text.

    uv run python bench/reading_paragraphs.py [--paragraphs 60] [--rounds 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from archive.reading import _aligned, paragraphs  # noqa: E402

SENTENCE = "The Soviet Revisionists have been using the following methods. "
ORIGINAL_SENTENCE = "苏修在越南问题上的一些做法。"


def texts(count: int) -> tuple[str, str]:
    english = "".join(f"<p>{n}. {SENTENCE * 8}</p>" for n in range(count))
    original = "".join(
        f"<p>{n}. {ORIGINAL_SENTENCE * 10}</p>" + (f"<p>[page {n // 10 + 2}]</p>" * (n % 10 == 9))
        for n in range(count)
    )
    return english, original


def median_ms(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=200)
    options = parser.parse_args()
    english, original = texts(options.paragraphs)

    def aligned():
        _aligned(paragraphs(english), "5=5-6", paragraphs(original))

    baseline = median_ms(lambda: "".join([english, original]), options.rounds)
    cost = median_ms(aligned, options.rounds)
    print(
        f"{len(english) + len(original)} characters, {options.paragraphs} + "
        f"{options.paragraphs} paragraphs: {cost:.2f} ms median (join: {baseline:.3f} ms)"
    )


if __name__ == "__main__":
    main()
