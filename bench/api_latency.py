"""API latency on a generated archive: median and p95 server time of /api/v1/ and /srv/
list requests (and of a document's detail in both), beside a hello-world view timed in the
same run.

    uv run python manage.py generate_archive 10000      # once; see bench/README.md
    uv run python bench/api_latency.py [--rounds 10]

Uses DATABASE_URL like the site does. Requests go through Django's test client in-process
(the full middleware stack, URL routing, the read-only wrapper with its ETag, ninja's
validation of every response), with DEBUG off, but no network.
"""

import argparse
import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # no query log, as in production

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from archive.models import Collection, Document, Place, Topic  # noqa: E402


def hello(request):
    return HttpResponse("Hello, world")


def install_hello_world() -> None:
    """The site's URLs plus /__hello__/, so both are timed through the same stack."""
    import config.urls

    urls = types.ModuleType("bench_api_urls")
    urls.urlpatterns = [path("__hello__/", hello), *config.urls.urlpatterns]
    sys.modules["bench_api_urls"] = urls
    settings.ROOT_URLCONF = "bench_api_urls"
    clear_url_caches()


def request_mix() -> list[tuple[str, str]]:
    country = Place.objects.filter(parent=None).order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    collection = Collection.objects.active().order_by("pk").first()
    pages = Document.objects.published().count() // 20
    # A document from the middle of the archive, for the detail requests.
    middle = Document.objects.published().order_by("record_id")[pages * 10].record_id
    return [
        ("documents, page 1", "/api/v1/documents"),
        ("documents, middle page", f"/api/v1/documents?page={max(1, pages // 2)}"),
        ("documents, newest first", "/api/v1/documents?sort=-date"),
        ("documents, 100 per page", "/api/v1/documents?per_page=100"),
        ("documents, word", "/api/v1/documents?q=embassy"),
        ("documents, word + dates", "/api/v1/documents?q=embassy&date_from=1960&date_to=1965"),
        ("documents, place + topic", f"/api/v1/documents?place={country.slug}&topic={topic.slug}"),
        ("documents, collection", f"/api/v1/documents?collection={collection.slug}"),
        ("collections", "/api/v1/collections"),
        ("places", "/api/v1/places"),
        ("topics", "/api/v1/topics"),
        ("people", "/api/v1/people"),
        ("translators", "/api/v1/translators"),
        ("funders", "/api/v1/funders"),
        ("repositories", "/api/v1/repositories"),
        ("srv records", "/srv/record.json"),
        ("srv records, word", "/srv/record.json?q=embassy"),
        ("srv records, coverage", f"/srv/record.json?coverage[]={country.pk}"),
        ("srv subjects, term", "/srv/subject.json?term=topic"),
        ("document detail", f"/api/v1/documents/{middle}"),
        ("srv record detail", f"/srv/record/{middle}.json"),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    install_hello_world()
    client = Client(HTTP_HOST="localhost")
    mix = request_mix()
    published = Document.objects.published().count()
    print(f"{connection.vendor}: {published} published documents; {args.rounds} rounds\n")

    for _label, url in mix:  # warm-up: caches, prepared plans
        timed(client, url)
    hello_times: list[float] = []
    times: dict[str, list[float]] = {label: [] for label, _ in mix}
    for _ in range(args.rounds):
        for label, url in mix:
            hello_times.append(timed(client, "/__hello__/"))
            times[label].append(timed(client, url))

    hello_median = statistics.median(hello_times)
    print(f"{'request':32} {'median ms':>10} {'p95 ms':>8} {'x hello':>8}")
    for label, _ in mix:
        median = statistics.median(times[label])
        print(
            f"{label:32} {median:>10.1f} {percentile(times[label], 95):>8.1f} "
            f"{median / hello_median:>8.0f}"
        )
    print(f"\nhello world: median {hello_median:.2f} ms")
    lists = [t for label, values in times.items() if "detail" not in label for t in values]
    print(
        f"API list requests: p50 {statistics.median(lists):.1f} ms, "
        f"p95 {percentile(lists, 95):.1f} ms, max {max(lists):.1f} ms ({len(lists)} requests)"
    )


if __name__ == "__main__":
    main()
