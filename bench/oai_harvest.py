"""OAI-PMH harvest, end to end: a real server on loopback, harvested whole by a client we
did not write (oaipmh-scythe, ListRecords in oai_dc through every resumption token).
Reports records per second and the resident memory of server and client after the first
page and at the end (and their peaks), which should stay flat however large the archive.

    DATABASE_URL=sqlite:////tmp/oai10k.sqlite3 uv run python manage.py migrate
    DATABASE_URL=sqlite:////tmp/oai10k.sqlite3 uv run python manage.py generate_archive 10000
    DATABASE_URL=sqlite:////tmp/oai10k.sqlite3 uv run python bench/oai_harvest.py [--n 10000]

Uses DATABASE_URL like the site does. `--n N` generates documents first if the archive
has fewer than N published ones. The server is `manage.py runserver --noreload` with DEBUG
off, in its own process; `--url` harvests a server you started instead (gunicorn …), and
then no memory figure is reported.
"""

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_kb(pid: int) -> dict[str, int]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, process: subprocess.Popen | None, timeout: float = 60) -> None:
    import httpx2

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"The server exited with {process.returncode}.")
        try:
            httpx2.get(url, params={"verb": "Identify"}, timeout=5)
            return
        except httpx2.TransportError:
            time.sleep(0.3)
    raise SystemExit(f"No server answered at {url}.")


def ensure_archive(n: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from archive.models import Document

    published = Document.objects.published().count()
    if published < n:
        call_command("generate_archive", n - published, "--no-index")
        published = Document.objects.published().count()
    harvestable = Document.objects.exclude(status=Document.Status.DRAFT).count()
    from django.db import connections

    connections.close_all()
    return harvestable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", 0)))
    parser.add_argument("--url", help="harvest this running endpoint instead of starting one")
    parser.add_argument("--verb", choices=["ListRecords", "ListIdentifiers"], default="ListRecords")
    args = parser.parse_args()

    from oaipmh_scythe import Scythe
    from oaipmh_scythe.config import HTTPConfig

    class CountingScythe(Scythe):
        """Counts requests and the time spent waiting for answers (server and loopback),
        to tell the server's share from the client's parsing."""

        requests = 0
        waiting = 0.0

        def _request(self, query):
            started = time.perf_counter()
            response = super()._request(query)
            CountingScythe.requests += 1
            CountingScythe.waiting += time.perf_counter() - started
            return response

    expected = ensure_archive(args.n)
    logging.getLogger("httpx2").setLevel(logging.WARNING)  # not a line per request
    process = None
    url = args.url
    if url is None:
        port = free_port()
        env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/oai/"
    try:
        wait_for(url, process)
        harvested = deleted = 0
        after_first_page = client_after_first_page = None
        server_samples: list[int] = []  # MB, after each tenth of the harvest
        server_cpu = cpu_seconds(process.pid) if process is not None else 0.0
        client_cpu = time.process_time()
        started = time.perf_counter()
        with CountingScythe(url, http_config=HTTPConfig(timeout=600)) as scythe:
            harvest = (
                scythe.list_records(metadata_prefix="oai_dc")
                if args.verb == "ListRecords"
                else scythe.list_identifiers(metadata_prefix="oai_dc")
            )
            for item in harvest:
                harvested += 1
                deleted += bool(item.deleted)
                if process is not None and harvested % max(1, expected // 10) == 0:
                    server_samples.append(memory_kb(process.pid)["VmRSS"] // 1024)
                if harvested == 1:
                    client_after_first_page = memory_kb(os.getpid())["VmRSS"]
                    if process is not None:
                        after_first_page = memory_kb(process.pid)["VmRSS"]
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        peak = memory_kb(process.pid) if process is not None else None
        client_memory = memory_kb(os.getpid())
        if process is not None:
            server_cpu = cpu_seconds(process.pid) - server_cpu
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)

    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite (default db.sqlite3)')}")
    print(f"{args.verb}: {harvested} records ({deleted} deleted) of {expected} expected")
    print(f"time: {elapsed:.2f} s over {CountingScythe.requests} requests")
    print(f"throughput: {harvested / elapsed:,.0f} records/s (budget: >= 2,000)")
    waiting = CountingScythe.waiting
    print(
        f"of which waiting for the server: {waiting:.2f} s "
        f"({harvested / waiting:,.0f} records/s served); the rest is the client parsing"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if process is not None:
        # CPU time does not depend on what else the machine runs: server and client take
        # turns (one request at a time), so their sum is the wall time on an idle machine.
        print(
            f"CPU time: server {server_cpu:.2f} s ({harvested / server_cpu:,.0f} records per "
            f"server CPU-second), client {client_cpu:.2f} s; "
            f"unloaded estimate {harvested / (server_cpu + client_cpu):,.0f} records/s"
        )
    if peak is not None:
        print(
            f"server memory: {after_first_page / 1024:.0f} MB after the first page, "
            f"{peak['VmRSS'] / 1024:.0f} MB at the end, peak {peak['VmHWM'] / 1024:.0f} MB"
        )
    if server_samples:
        print(f"server memory after each tenth (MB): {' '.join(map(str, server_samples))}")
    print(
        f"client memory: {client_after_first_page / 1024:.0f} MB after the first page, "
        f"{client_memory['VmRSS'] / 1024:.0f} MB at the end, "
        f"peak {client_memory['VmHWM'] / 1024:.0f} MB"
    )
    if harvested != expected:
        raise SystemExit("The harvest did not return every record.")


if __name__ == "__main__":
    main()
