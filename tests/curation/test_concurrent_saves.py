"""Editors saving at the same time on SQLite, the embedded default: every save lands.

pytest-django keeps a SQLite test database in memory and shares one connection
between threads, which hides the file locking a real site runs into. So this
module migrates its own SQLite file, serves it with `runserver` (a thread and a
connection per request, as in development), and drives it over loopback: each
writer signs in and saves its own document through the admin (CSRF, the
concurrency token and all) while readers browse the admin and the public site.
It uses its own file whatever DATABASE_URL the rest of the suite runs on.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

from bench.browser_forms import FormFields

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
SAVES_EACH = 10
NEW_DOCUMENTS_EACH = 3
READERS = 8
PASSWORD = "correct horse battery staple"

SEED = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from archive.models import Document
from curation.roles import ARCHIVIST

for n in range({WRITERS}):
    user = get_user_model().objects.create_user(
        f"writer{{n}}", password={PASSWORD!r}, is_staff=True
    )
    user.groups.add(Group.objects.get(name=ARCHIVIST))
    Document.objects.create(title=f"Document {{n}}", summary="Before.", date_entered="1965")
"""


def form_fields(html: str, form_id: str) -> dict[str, str | list[str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    data: dict[str, str | list[str]] = {}
    for name, value in parser.fields:
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


class KeepRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: cookies kept, redirects shown rather than followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), KeepRedirects)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base_url + path, data=body), timeout=60) as reply:
                return reply.status, reply.read().decode(), reply.headers.get("Location", "")
        except HTTPError as reply:
            return (
                reply.code,
                reply.read().decode(errors="replace"),
                reply.headers.get("Location", ""),
            )

    def log_in(self, username: str) -> None:
        html = self.request("/admin/login/")[1]
        data = form_fields(html, "login-form")
        data.update(username=username, password=PASSWORD, next="/admin/")
        status = self.request("/admin/login/?next=/admin/", data)[0]
        assert status == 302, f"{username} could not sign in ({status})"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """A development server on a fresh, migrated SQLite file, with writers and their documents."""
    folder = tmp_path_factory.mktemp("sqlite-site")
    database = folder / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
    }
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", SEED, env=env)
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the development server did not start") from None
                time.sleep(0.2)
        yield base_url, database
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def run_together(writers, readers) -> None:
    """Start every writer and reader at once; readers browse until the writers are done."""
    done = threading.Event()
    start = threading.Barrier(len(writers) + len(readers))

    def write(job):
        start.wait()
        job()

    def read(job):
        start.wait()
        while not done.is_set():
            job()

    threads = [threading.Thread(target=write, args=(job,)) for job in writers]
    browsing = [threading.Thread(target=read, args=(job,)) for job in readers]
    for thread in threads + browsing:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    for thread in browsing:
        thread.join()


def reader_jobs(base_url: str, outcomes: Counter) -> list:
    """Half the readers browse the admin's document list, half the public home page."""
    jobs = []
    for n in range(READERS):
        browser = Browser(base_url)
        if n % 2:
            browser.log_in(f"writer{n % WRITERS}")
            path = "/admin/archive/document/"
        else:
            path = "/"

        def job(browser=browser, path=path):
            try:
                status = browser.request(path)[0]
            except (URLError, OSError):
                status = "no answer"
            outcomes["read ok" if status == 200 else f"read {status}"] += 1

        jobs.append(job)
    return jobs


def report(outcomes: Counter, attempted: int) -> str:
    return f"{attempted} saves attempted; " + ", ".join(
        f"{key}: {count}" for key, count in sorted(outcomes.items())
    )


def test_editors_saving_different_documents_at_once_all_succeed(sqlite_site):
    base_url, database = sqlite_site
    with sqlite3.connect(database) as db:
        documents = dict(db.execute("SELECT title, id FROM archive_document"))
    outcomes: Counter = Counter()
    last_saved: dict[int, str] = {}

    def writer(n: int):
        browser = Browser(base_url)
        browser.log_in(f"writer{n}")
        pk = documents[f"Document {n}"]
        path = f"/admin/archive/document/{pk}/change/"
        for edit in range(SAVES_EACH):
            status, html, _ = browser.request(path)
            if status != 200:
                outcomes[f"open {status}"] += 1
                continue
            data = form_fields(html, "document_form")
            data["summary"] = f"Edit {edit} by writer {n}."
            status, html, location = browser.request(path, data)
            if status == 302 and location.endswith("/admin/archive/document/"):
                outcomes["saved"] += 1
                last_saved[pk] = data["summary"]
            else:
                outcomes[f"save {status}"] += 1

    run_together([lambda n=n: writer(n) for n in range(WRITERS)], reader_jobs(base_url, outcomes))
    attempted = WRITERS * SAVES_EACH
    print("\nconcurrent saves on SQLite:", report(outcomes, attempted))

    assert outcomes["saved"] == attempted, report(outcomes, attempted)
    assert not [key for key in outcomes if key.startswith("read ") and key != "read ok"], report(
        outcomes, attempted
    )
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        for pk, summary in last_saved.items():
            assert db.execute(
                "SELECT summary FROM archive_document WHERE id = ?", [pk]
            ).fetchone() == (summary,)
            # Every save left its history entry: none was lost or rolled back.
            (changes,) = db.execute(
                "SELECT count(*) FROM curation_historicaldocument WHERE id = ? "
                "AND history_type = '~'",
                [pk],
            ).fetchone()
            assert changes == SAVES_EACH


def test_documents_added_at_once_each_get_their_own_record_id(sqlite_site):
    base_url, database = sqlite_site
    outcomes: Counter = Counter()

    def writer(n: int):
        browser = Browser(base_url)
        browser.log_in(f"writer{n}")
        path = "/admin/archive/document/add/"
        for new in range(NEW_DOCUMENTS_EACH):
            html = browser.request(path)[1]
            data = form_fields(html, "document_form")
            data.update(title=f"New {new} by writer {n}", date_entered="1950")
            status = browser.request(path, data)[0]
            outcomes["saved" if status == 302 else f"save {status}"] += 1

    run_together([lambda n=n: writer(n) for n in range(WRITERS)], reader_jobs(base_url, outcomes))
    attempted = WRITERS * NEW_DOCUMENTS_EACH
    print("\nconcurrent additions on SQLite:", report(outcomes, attempted))

    assert outcomes["saved"] == attempted, report(outcomes, attempted)
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT record_id FROM archive_document WHERE title LIKE 'New %'"
        ).fetchall()
    assert len(rows) == attempted
    assert len({record_id for (record_id,) in rows}) == attempted


def test_editors_saving_the_same_document_at_once_one_wins_the_others_are_told(sqlite_site):
    base_url, database = sqlite_site
    with sqlite3.connect(database) as db:
        (pk,) = db.execute("SELECT id FROM archive_document WHERE title = 'Document 0'").fetchone()
    path = f"/admin/archive/document/{pk}/change/"
    browsers = [Browser(base_url) for _ in range(WRITERS)]
    forms = []
    for n, browser in enumerate(browsers):
        browser.log_in(f"writer{n}")
        forms.append(form_fields(browser.request(path)[1], "document_form"))
    outcomes: Counter = Counter()
    saved = []

    def save(n: int):
        data = {**forms[n], "summary": f"Same document, writer {n}."}
        status, html, _ = browsers[n].request(path, data)
        if status == 302:
            outcomes["saved"] += 1
            saved.append(data["summary"])
        elif status == 200 and "was changed by someone else while you were editing it" in html:
            outcomes["refused with a reason"] += 1
        else:
            outcomes[f"save {status}"] += 1

    run_together([lambda n=n: save(n) for n in range(WRITERS)], reader_jobs(base_url, outcomes))
    print("\nsame document at once on SQLite:", report(outcomes, WRITERS))

    assert outcomes["saved"] == 1, report(outcomes, WRITERS)
    assert outcomes["refused with a reason"] == WRITERS - 1, report(outcomes, WRITERS)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT summary FROM archive_document WHERE id = ?", [pk]).fetchone() == (
            saved[0],
        )
