"""Admin page profile: where the time of the document list and change form goes.

    DATABASE_URL=… uv run python bench/admin_pages.py [--runs 5] [--sql 3] [--only list]

Each admin URL (the document list plain, searched, filtered and paged; change forms of
a document with few and with many links) is requested through Django's test client in
this process, with DEBUG off (bench/settings.py), signed in as a bench superuser. It
prints per URL the median wall-clock and CPU time of the whole request, the time of its
queries (timed one by one through `connection.execute_wrapper`), the template rendering
time (the outermost template render, less the queries it ran), the query count, the
response size, and the slowest queries of the median run. The session is written to the
database once: run it on a copy of a benchmark archive (see bench/README.md).
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DOSSIER_PAGE_CACHE", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402

from archive.models import Collection, Document, DocumentType, Language, Repository  # noqa: E402


class Timings:
    """Queries and template rendering of one request."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []
        self.render = 0.0
        self.render_queries = 0.0
        self._depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.queries.append((elapsed, sql))
            if self._depth:
                self.render_queries += elapsed

    @contextmanager
    def rendering(self):
        self._depth += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self.render += time.perf_counter() - started


current: Timings | None = None
_render = Template.render


def timed_render(self, *args, **kwargs):
    if current is None:
        return _render(self, *args, **kwargs)
    with current.rendering():
        return _render(self, *args, **kwargs)


Template.render = timed_render


def urls() -> list[tuple[str, str]]:
    documents = "/admin/archive/document/"
    few = Document.objects.order_by("pk").first()
    many = (
        Document.objects.annotate(n=Count("translations", distinct=True))
        .filter(n__gte=1)
        .order_by("-pk")
        .first()
    )
    doc_type = DocumentType.objects.order_by("pk").first()
    collection = Collection.objects.order_by("pk").first()
    language = Language.objects.filter(code="zh").first() or Language.objects.first()
    repository = Repository.objects.order_by("pk").first()
    return [
        ("list", documents),
        ("list, search a word", f"{documents}?q=embassy"),
        ("list, search a record id", f"{documents}?q={few.record_id}"),
        ("list, status published", f"{documents}?status__exact=published"),
        ("list, document type", f"{documents}?document_type__id__exact={doc_type.pk}"),
        ("list, collection", f"{documents}?collections__id__exact={collection.pk}"),
        ("list, language", f"{documents}?original_languages__id__exact={language.pk}"),
        ("list, repository", f"{documents}?provenance__repository__id__exact={repository.pk}"),
        ("list, original corrected", f"{documents}?original_corrected=yes"),
        ("list, page 200", f"{documents}?p=200"),
        ("list, sorted by title", f"{documents}?o=2"),
        ("change form, first document", f"{documents}{few.pk}/change/"),
        ("change form, last translated", f"{documents}{many.pk}/change/"),
    ]


def bench_user():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def measure(client: Client, url: str) -> tuple[float, float, Timings, int]:
    global current
    current = timings = Timings()
    cpu, wall = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(timings):
        response = client.get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    current = None
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return wall, cpu, timings, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", type=int, default=3, help="slowest queries shown per page")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    args = parser.parse_args()

    client = Client(HTTP_HOST="localhost")
    client.force_login(bench_user())
    pages = [(name, url) for name, url in urls() if args.only in name]
    print(f"{connection.vendor}: {Document.objects.count()} documents, {args.runs} runs")
    print("\n| page | wall ms | CPU ms | queries ms | render ms | queries | KB | slowest ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    slowest = []
    for name, url in pages:
        measure(client, url)  # warm-up, outside the figures
        runs = sorted((measure(client, url) for _ in range(args.runs)), key=lambda r: r[0])
        wall, _cpu, timings, size = runs[len(runs) // 2]
        query_ms = [1000 * sum(e for e, _ in r[2].queries) for r in runs]
        render_ms = [1000 * (r[2].render - r[2].render_queries) for r in runs]
        top = sorted(timings.queries, reverse=True)
        print(
            f"| {name} | {1000 * wall:.0f} | {1000 * statistics.median(r[1] for r in runs):.0f} "
            f"| {statistics.median(query_ms):.0f} | {statistics.median(render_ms):.0f} "
            f"| {len(timings.queries)} | {size / 1024:.0f} | {1000 * top[0][0]:.1f} |"
        )
        slowest.append((name, top[: args.sql]))
    for name, top in slowest:
        print(f"\n{name}:")
        for elapsed, sql in top:
            print(f"  {1000 * elapsed:7.1f} ms  {sql[:300]}")


if __name__ == "__main__":
    main()
