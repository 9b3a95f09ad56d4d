"""Load test: readers and editors at once against the site as production runs it.

    uv run python bench/load.py --database-url postgres://…/load100k [--minutes 10]
        [--users 24] [--editors 2] [--archivists 2]

Starts on loopback, and stops afterwards: redis-server on a free port (REDIS_URL, the
page cache), gunicorn with 4 workers (bench/settings.py: the site's settings, DEBUG
off), `manage.py worker`, then Locust headless with bench/locustfile.py's users:
anonymous readers (home, browse, search, documents, citations) and logged-in archivists
and editors (saving documents and translations through the admin's change forms,
submitting and approving translations on the review page). It writes to the database:
load accounts, and edits to 20 documents and their translations (run it on a copy).

Then it prints, per kind of request, the count, requests/s, p50/p95/p99 and errors; the
edits accepted and refused as stale; and every accepted edit the database does not hold
(bench/loadcheck.py). Exits non-zero on any error or lost edit.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOL = 20  # documents the editors share, so that some of their saves collide
SEARCHES = ["embassy", "treaty", "consul", "border", "delegation", "Zarkovian0", "ministry"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=24, help="readers, editors and archivists")
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--archivists", type=int, default=2)
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if ARGS.database_url:
        os.environ["DATABASE_URL"] = ARGS.database_url
    import django

    django.setup()


def accounts(editors: int, archivists: int, password: str) -> dict[str, list[str]]:
    """Staff accounts for the run, in the role groups, with this run's password."""
    from axes.utils import reset
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from curation.roles import ARCHIVIST, EDITOR

    made = {}
    for role, group, count in (("editor", EDITOR, editors), ("archivist", ARCHIVIST, archivists)):
        made[role] = []
        for n in range(1, max(count, 1) + 1):
            username = f"load-{role}-{n}"
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_staff, user.is_active, user.is_superuser = True, True, False
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            reset(username=username)  # no failed login left over from an earlier run
            made[role].append(username)
    return made


def plan(editors: int, archivists: int) -> dict:
    """What the users visit and edit, read from the archive."""
    from archive.models import Collection, Document, Place, Topic, Translation, Translator

    published = Document.objects.published().order_by("record_id")
    total = published.count()
    sample = [published.values_list("record_id", "slug")[i * total // 200] for i in range(200)]
    pool = list(
        Translation.objects.filter(document__in=published, state=Translation.State.APPROVED)
        .order_by("document__record_id")
        .values_list("pk", "document_id", "document__record_id", "document__slug")[:POOL]
    )
    browse = ["/browse/", "/collections/", "/places/", "/topics/", "/years/", "/years/1962/"]
    for model in (Collection, Place, Topic, Translator):
        browse += [item.get_absolute_url() for item in model.objects.order_by("pk")[:5]]
    password = secrets.token_urlsafe(16)
    return {
        "documents": [f"/documents/{r}/{s}/" for r, s in sample]
        + [f"/documents/{r}/{s}/" for _, _, r, s in pool],
        "record_ids": [r for r, _ in sample],
        "browse": browse,
        "searches": SEARCHES,
        "document_pks": [document for _, document, _, _ in pool],
        "translation_pks": [translation for translation, _, _, _ in pool],
        "accounts": accounts(editors, archivists, password),
        "password": password,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer at {url}")


def start_services(env: dict, workers: int, logs: Path) -> tuple[list[subprocess.Popen], int]:
    """redis-server, gunicorn and the task worker; returns them and gunicorn's port."""
    redis_port, web_port = free_port(), free_port()
    env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    python = sys.executable
    # Each child keeps its own copy of its log's file descriptor.
    with open(logs / "redis.log", "w") as log:
        redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", ""],
            stdout=log,
        )
    with open(logs / "gunicorn.log", "w") as log:
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "config.wsgi",
                f"--bind=127.0.0.1:{web_port}",
                f"--workers={workers}",
                "--log-level=warning",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=env,
            stderr=log,
        )
    with open(logs / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [python, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    processes = [redis, web, worker]
    try:
        wait_for(f"http://127.0.0.1:{web_port}/healthz", web, "gunicorn")
    except BaseException:
        stop(processes)
        raise
    return processes, web_port


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in reversed(processes):
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def server_log_errors(logs: Path) -> list[str]:
    """Failures only the servers saw: exceptions, killed gunicorn workers, failed tasks."""
    signs = ("Traceback", "WORKER TIMEOUT", "state=FAILED", "Internal Server Error")
    return [
        f"{name}: {line.strip()}"
        for name in ("gunicorn.log", "worker.log")
        for line in (logs / name).read_text(errors="replace").splitlines()
        if any(sign in line for sign in signs)
    ]


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(times: dict, errors: dict, seconds: float) -> str:
    lines = [
        "| request | count | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = 0
    for name in sorted(times):
        ordered = sorted(times[name])
        total += len(ordered)
        lines.append(
            f"| {name} | {len(ordered)} | {len(ordered) / seconds:.2f} | "
            f"{percentile(ordered, 0.5):.0f} | {percentile(ordered, 0.95):.0f} | "
            f"{percentile(ordered, 0.99):.0f} | {errors.get(name, 0)} |"
        )
    lines.append(f"| all | {total} | {total / seconds:.2f} | | | | {sum(errors.values())} |")
    return "\n".join(lines)


def main() -> int:
    from django.db import connection
    from django.utils import timezone

    from archive.models import Document
    from bench.loadcheck import Edit, lost_edits

    args = ARGS
    published = Document.objects.published().count()
    work = Path(tempfile.mkdtemp(prefix="dossier-load-"))
    (work / "plan.json").write_text(json.dumps(plan(args.editors, args.archivists)))
    vendor = connection.vendor
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DOSSIER_PAGE_CACHE": "1"}
    env.update(
        LOAD_PLAN=str(work / "plan.json"),
        LOAD_EDITS=str(work / "edits.jsonl"),
        LOAD_TIMES=str(work / "times.json"),
        LOAD_EDITORS=str(args.editors),
        LOAD_ARCHIVISTS=str(args.archivists),
    )
    processes, port = start_services(env, args.workers, work)
    run_started = timezone.now()
    seconds = round(args.minutes * 60)
    try:
        print(f"Locust: {args.users} users for {seconds} s; its output in {work}/locust.log")
        started = time.monotonic()
        with open(work / "locust.log", "w") as log:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--only-summary",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "60",
                    "--host",
                    f"http://127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        elapsed = time.monotonic() - started
    finally:
        stop(processes)

    if not (work / "times.json").exists():
        print((work / "locust.log").read_text()[-3000:])
        raise SystemExit("Locust did not finish its run")
    measured = json.loads((work / "times.json").read_text())
    edits_file = work / "edits.jsonl"
    edits = (
        [Edit.from_record(json.loads(line)) for line in edits_file.read_text().splitlines()]
        if edits_file.exists()
        else []
    )
    lost = lost_edits(edits, since=run_started)
    outcomes = Counter((edit.field, edit.outcome) for edit in edits)

    print(
        f"\n{vendor}, {published} published documents; gunicorn --workers {args.workers}, "
        f"Redis page cache, a task worker; {args.users} users ({args.editors} editors, "
        f"{args.archivists} archivists) for {elapsed:.0f} s\n"
    )
    print(report(measured["times"], measured["errors"], elapsed))
    print("\nedits: " + ", ".join(f"{f} {o}: {n}" for (f, o), n in sorted(outcomes.items())))
    print(f"lost edits: {len(lost)}")
    for line in lost:
        print(f"  {line}")
    server_errors = server_log_errors(work)
    print(f"server-side errors logged: {len(server_errors)}")
    for line in server_errors[:20]:
        print(f"  {line}")
    print(f"logs: {work}")
    errors = sum(measured["errors"].values()) + len(server_errors)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
