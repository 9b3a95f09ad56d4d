"""Page benchmark: every kind of public page and the admin document list and change form,
served by gunicorn, each beside a hello-world view timed in the same run.

    uv run python manage.py generate_archive 10000      # once; see bench/README.md
    uv run python bench/pages.py [--rounds 5] [--seconds 1] [--workers 2] [--cache]
    uv run python bench/pages.py --in-process [--rounds 5]


Uses DATABASE_URL like the site does, with bench/settings.py (the site's settings, DEBUG
off, /__hello__/ added). Each round runs, for each page, a burst of hello-world requests
then a burst of the page's, from --concurrency client threads for --seconds each, so both
see the same machine load. Reports requests/s, p50 and p95 per page and its share of
hello-world's requests/s. Without --cache the page cache is off (every request computed);
with it, anonymous pages come from the local-memory cache after their first request.

--in-process times each page inside this process with Django's test client instead (no
server, no cache): each request's wall and CPU time and its SQL (count, total time and the
slowest statement), which a machine shared with other jobs disturbs far less than
requests/s.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from archive.models import (  # noqa: E402
    Collection,
    Document,
    Funder,
    Place,
    Repository,
    Topic,
    Translator,
)

HELLO = "/__hello__/"


def _documents_across_ids(n: int = 20) -> list[str]:
    published = Document.objects.published().order_by("record_id")
    total = published.count()
    rows = [published.values_list("record_id", "slug")[i * total // n] for i in range(n)]
    return [f"/documents/{record_id}/{slug}/" for record_id, slug in rows]


def _collection_near(size: int) -> Collection:
    collections = Collection.objects.active().annotate(n=Count("documents"))
    return min(collections, key=lambda c: abs(c.n - size))


def _busiest(model, relation: str):
    return model.objects.annotate(n=Count(relation)).order_by("-n").first()


def pages() -> list[tuple[str, list[str]]]:
    place = Place.objects.annotate(n=Count("children")).order_by("-n").first()
    first_document = Document.objects.published().order_by("record_id").first()
    return [
        ("home", ["/"]),
        ("document pages (20 across the ids)", _documents_across_ids()),
        ("collection (~2,000 docs)", [f"/collections/{_collection_near(2000).slug}/"]),
        ("collections index", ["/collections/"]),
        (f"place with sub-places ({place.name})", [f"/places/{place.slug}/"]),
        ("places index", ["/places/"]),
        ("topic", [f"/topics/{_busiest(Topic, 'documents').slug}/"]),
        ("topics index", ["/topics/"]),
        (
            "translator",
            [f"/translators/{_busiest(Translator, 'approved_translations').slug}/"],
        ),
        ("funder", [f"/funders/{_busiest(Funder, 'documents').slug}/"]),
        ("repository", [f"/repositories/{_busiest(Repository, 'provenances').slug}/"]),
        ("years index", ["/years/"]),
        ("year", ["/years/1962/"]),
        ("search, a word", ["/search/?q=embassy"]),
        ("admin document list", ["/admin/archive/document/"]),
        ("admin change form", [f"/admin/archive/document/{first_document.pk}/change/"]),
    ]


def staff_cookie() -> str:
    """A session of a bench superuser, made in the database as a login would."""
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_unusable_password()
    user.save()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, cache: bool) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["DOSSIER_PAGE_CACHE"] = "1" if cache else "0"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
        "--timeout=120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(300):
        try:
            request(port, HELLO, "")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def request(port: int, url: str, cookie: str) -> float:
    """One request on a fresh connection (gunicorn's sync workers close each one);
    returns its time in seconds, refusing anything but 200."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def burst(port: int, urls: list[str], cookie: str, seconds: float, threads: int):
    """Closed loop: `threads` clients request the urls in turn for `seconds`;
    (requests per second, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    next_url = cycle(urls)

    def client():
        while time.perf_counter() < deadline:
            with lock:
                url = next(next_url)
            elapsed = request(port, url, cookie)
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class QueryTimer:
    """connection.execute_wrapper: the time of each statement a request runs."""

    def __init__(self):
        self.times: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append((time.perf_counter() - started, sql))


def in_process(kinds, rounds: int, cookie: str) -> None:
    """Each page's server time measured in this process: median wall and CPU ms over
    `rounds` requests of each URL, its queries and their time, the slowest statement."""
    from django.conf import settings
    from django.test import Client

    settings.DOSSIER_PAGE_CACHE = False
    print(f"{connection.vendor}, in process, {rounds} requests of each URL after one warm-up")
    print("\n| page | wall p50 ms | CPU p50 ms | queries | SQL p50 ms | slowest SQL ms |")
    print("|---|---:|---:|---:|---:|---:|")
    slowest_statements = {}
    for name, urls in [("hello-world", [HELLO]), *kinds]:
        client = Client(HTTP_HOST="localhost")
        if name.startswith("admin"):
            client.cookies["sessionid"] = cookie.split("=", 1)[1]
        walls, cpus, sql_totals, counts, slowest = [], [], [], [], (0.0, "")
        for url in urls:  # warm-up
            client.get(url)
        for _ in range(rounds):
            for url in urls:
                timer = QueryTimer()
                started, cpu = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(timer):
                    response = client.get(url)
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
                sql_totals.append(sum(t for t, _ in timer.times))
                counts.append(len(timer.times))
                slowest = max([slowest, *timer.times])
        slowest_statements[name] = slowest[1]
        print(
            f"| {name} | {1000 * statistics.median(walls):.1f} | "
            f"{1000 * statistics.median(cpus):.1f} | {max(counts)} | "
            f"{1000 * statistics.median(sql_totals):.1f} | {1000 * slowest[0]:.1f} |"
        )
    if os.environ.get("BENCH_SHOW_SQL"):
        for name, sql in slowest_statements.items():
            print(f"\n{name}: {sql[:600]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=0, help="default: 2 per worker")
    parser.add_argument("--cache", action="store_true", help="serve with the page cache")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--skip", default="", help="leave out pages whose name contains this")
    parser.add_argument("--in-process", action="store_true", help="time pages in this process")
    args = parser.parse_args()
    threads = args.concurrency or 2 * args.workers

    kinds = [
        kind
        for kind in pages()
        if args.only in kind[0] and not (args.skip and args.skip in kind[0])
    ]
    # A session for the admin pages (written to the database), only if they are measured.
    cookie = staff_cookie() if any(name.startswith("admin") for name, _ in kinds) else ""
    if args.in_process:
        in_process(kinds, args.rounds, cookie)
        return
    documents = Document.objects.published().count()
    connection.close()
    port = free_port()
    server = start_gunicorn(port, args.workers, args.cache)
    results = {name: ([], [], []) for name, _ in kinds}  # page rps, hello rps, latencies
    try:
        for name, urls in kinds:  # warm-up: every URL once, outside the figures
            for url in urls:
                request(port, url, cookie if name.startswith("admin") else "")
        for _ in range(args.rounds):
            for name, urls in kinds:
                hello_rps, _ = burst(port, [HELLO], "", args.seconds, threads)
                page_cookie = cookie if name.startswith("admin") else ""
                rps, latencies = burst(port, urls, page_cookie, args.seconds, threads)
                results[name][0].append(rps)
                results[name][1].append(hello_rps)
                results[name][2].extend(latencies)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    vendor = connection.vendor
    print(
        f"{vendor}: {documents} published documents; gunicorn --workers {args.workers}, "
        f"{threads} client threads, {args.rounds} rounds of {args.seconds:g} s, "
        f"page cache {'on' if args.cache else 'off'}"
    )
    print("\n| page | req/s | p50 ms | p95 ms | hello req/s | share of hello |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (rps, hello_rps, latencies) in results.items():
        page, hello = statistics.median(rps), statistics.median(hello_rps)
        print(
            f"| {name} | {page:.1f} | {1000 * percentile(latencies, 0.5):.1f} | "
            f"{1000 * percentile(latencies, 0.95):.1f} | {hello:.0f} | {page / hello:.1%} |"
        )


if __name__ == "__main__":
    main()
