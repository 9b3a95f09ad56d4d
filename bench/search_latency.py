"""Search latency on a generated archive: median and p95 server time for a fixed mix of
queries, with and without filters, with facet counts (the full /search/ page) and
without (count, one page of results and snippets).

    uv run python manage.py generate_archive 100000      # once; see bench/README.md
    uv run python bench/search_latency.py [--rounds 5]

Uses DATABASE_URL like the site does. Times are measured in-process through Django's
test client, so they include filter validation, every query, facets and the template,
but no network.
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

from django.conf import settings  # noqa: E402

# Measure as in production: no query log, no template debugging.
settings.DEBUG = False

from django.db import OperationalError, connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402

from archive.models import Collection, Place, Topic  # noqa: E402
from archive.search.backends import Search, get_backend  # noqa: E402
from archive.search.engine import SearchPlan  # noqa: E402
from archive.search.filters import DocumentFilter  # noqa: E402

WORDS = {
    "single word": "embassy",
    "common word": "bombing",
    "rare word": "Zarkovian7",
    "phrase": '"Soviet Union"',
    "boolean": "embassy OR consul -revisionism",
    "chinese": "外交部",
    # Found by its stem: the generated Russian texts hold "переговоры" only.
    "inflected russian": "переговорах",
    # A variant name of the Soviet Union (generate_archive's VARIANT_NAMES).
    "variant name": "Sovetsky",
}


def query_mix() -> list[tuple[str, dict]]:
    topic = Topic.objects.filter(name__startswith="Topic ").order_by("pk").first()
    country = Place.objects.filter(name="China", parent=None).first()
    collection = Collection.objects.filter(slug__startswith="generated-").order_by("pk").first()
    mix = []
    for label, q in WORDS.items():
        mix.append((label, {"q": q}))
        mix.append((f"{label} + date range", {"q": q, "date_from": "1960", "date_to": "1965"}))
        mix.append(
            (f"{label} + topic + place", {"q": q, "topic": topic.slug, "place": country.slug})
        )
    mix.append(("common word, sort by date", {"q": WORDS["common word"], "sort": "-date"}))
    mix.append(("common word, page 50", {"q": WORDS["common word"], "page": "50"}))
    mix.append(("filters only: collection", {"collection": collection.slug}))
    mix.append(
        (
            "filters only: place + dates",
            {"place": country.slug, "date_from": "1950-03", "date_to": "1950-06"},
        )
    )
    return mix


def results_only(params: dict) -> str:
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = DocumentFilter(data, queryset=Search())
    assert filterset.is_valid(), filterset.form.errors
    page = int(params.get("page", 1))
    with get_backend().session():  # as the search page runs its queries
        results = SearchPlan(filterset.qs)
        results[(page - 1) * 20 : page * 20]
        return f"{'~' if results.estimated else ''}{results.count()}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--timeout", type=float, default=0, help="PostgreSQL statement timeout, seconds"
    )
    args = parser.parse_args()
    if args.timeout and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(args.timeout * 1000)])
    client = Client(HTTP_HOST="localhost")
    mix = query_mix()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_searchentry")
        indexed = cursor.fetchone()[0]
    print(f"{connection.vendor}: {indexed} documents in the index; {args.rounds} rounds\n")

    page_times: dict[str, list[float]] = {label: [] for label, _ in mix}
    # Process CPU time of each page: on a shared machine, what the wall clock adds is
    # mostly waiting for a core (SQLite runs in this process; PostgreSQL's share is not in it).
    page_cpu: dict[str, list[float]] = {label: [] for label, _ in mix}
    bare_times: dict[str, list[float]] = {label: [] for label, _ in mix}
    hits = {}
    timed_out = set()

    def timed(label, call) -> float:
        started = time.perf_counter()
        try:
            call()
        except OperationalError:  # statement timeout: counted as the timeout, reported
            timed_out.add(label)
        return (time.perf_counter() - started) * 1000

    for label, params in mix:  # warm-up: caches, prepared plans
        timed(label, lambda params=params: client.get("/search/", params))
        try:
            hits[label] = results_only(params)
        except OperationalError:
            hits[label] = "-"
            timed_out.add(label)
    for _ in range(args.rounds):
        for label, params in mix:
            cpu = time.process_time()
            page_times[label].append(timed(label, lambda p=params: client.get("/search/", p)))
            page_cpu[label].append((time.process_time() - cpu) * 1000)
            bare_times[label].append(timed(label, lambda p=params: results_only(p)))

    print(f"{'query':42} {'hits':>8} {'page+facets ms':>15} {'cpu ms':>7} {'results only ms':>16}")
    print(f"{'':42} {'(~ about)':>8}")
    for label, _ in mix:
        print(
            f"{label:42} {hits[label]:>8} {statistics.median(page_times[label]):>15.1f} "
            f"{statistics.median(page_cpu[label]):>7.1f} "
            f"{statistics.median(bare_times[label]):>16.1f}"
            + ("  (hit the statement timeout)" if label in timed_out else "")
        )
    every_page = [t for times in page_times.values() for t in times]
    every_bare = [t for times in bare_times.values() for t in times]
    every_cpu = [t for times in page_cpu.values() for t in times]
    print(
        f"\nfull page with facets: median {statistics.median(every_page):.1f} ms, "
        f"p95 {percentile(every_page, 95):.1f} ms, max {max(every_page):.1f} ms "
        f"({len(every_page)} requests)"
    )
    print(
        f"full page with facets, process CPU: median {statistics.median(every_cpu):.1f} ms, "
        f"p95 {percentile(every_cpu, 95):.1f} ms, max {max(every_cpu):.1f} ms"
    )
    print(
        f"results without facets: median {statistics.median(every_bare):.1f} ms, "
        f"p95 {percentile(every_bare, 95):.1f} ms ({len(every_bare)} searches)"
    )


if __name__ == "__main__":
    main()
