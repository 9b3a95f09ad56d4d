"""The users of the load test (bench/load.py starts Locust on this file; not run alone).

Readers browse anonymously; archivists and editors log in to the desk and work as a
browser does: open a change form, change one field, post the whole form back with its
hidden version token, submit and approve translations on the review page. Each edit the
server accepted (or refused as made from a stale copy) is appended to LOAD_EDITS as a
JSON line, for bench/loadcheck.py to look for in the database afterwards.

The plan (LOAD_PLAN, JSON written by bench/load.py): the URLs readers visit, the
records editors work on, the accounts and their password, the number of editors.
"""

import itertools
import json
import os
import random
import re
import threading
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.browser_forms import (
    csrf_token,
    form_fields,
    messages,
    replace_value,
    with_body_marker,
    with_summary_marker,
)

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
EDITS_PATH = os.environ["LOAD_EDITS"]
TIMES_PATH = os.environ["LOAD_TIMES"]
RUN = uuid.uuid4().hex[:6]
TIMEOUT = 60  # seconds; a slower answer counts as an error

STALE = "was changed by someone else while you were editing it"
_sequence = itertools.count(1)
_lock = threading.Lock()
_times: dict[str, list[float]] = {}
_errors: dict[str, int] = {}


@events.request.add_listener
def _timed(name, response_time, exception, **kwargs):
    # Every response time kept (Locust's own percentiles round to two digits).
    _times.setdefault(name, []).append(response_time)
    if exception is not None:
        _errors[name] = _errors.get(name, 0) + 1


@events.quitting.add_listener
def _dump(environment, **kwargs):
    with open(TIMES_PATH, "w", encoding="utf-8") as out:
        json.dump({"times": _times, "errors": _errors}, out)


def _record(**edit) -> None:
    with _lock, open(EDITS_PATH, "a", encoding="utf-8") as out:
        out.write(json.dumps(edit) + "\n")


def _marker() -> str:
    return f"load-{RUN}-{next(_sequence)}"


class Reader(HttpUser):
    """An anonymous reader: the home page, browsing, searching, documents, citations."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.timeout = TIMEOUT

    @task(2)
    def home(self):
        self.client.get("/", name="read: home", timeout=TIMEOUT)

    @task(3)
    def browse(self):
        self.client.get(random.choice(PLAN["browse"]), name="read: browse", timeout=TIMEOUT)

    @task(3)
    def search(self):
        query = random.choice(PLAN["searches"])
        self.client.get("/search/", params={"q": query}, name="read: search", timeout=TIMEOUT)

    @task(6)
    def document(self):
        self.client.get(random.choice(PLAN["documents"]), name="read: document", timeout=TIMEOUT)

    @task(1)
    def citation(self):
        record_id = random.choice(PLAN["record_ids"])
        fmt = random.choice(["ris", "bib", "json"])
        url = f"/documents/{record_id}/citation.{fmt}"
        self.client.get(url, name="read: citation", timeout=TIMEOUT)


class DeskUser(HttpUser):
    """A logged-in member of staff; subclasses say which role and what they do."""

    abstract = True
    role = ""
    wait_time = between(1, 4)
    _accounts: itertools.count

    def on_start(self):
        accounts = PLAN["accounts"][self.role]
        self.username = accounts[next(self._accounts) % len(accounts)]
        page = self.client.get("/admin/login/", name="desk: login", timeout=TIMEOUT)
        response = self.client.post(
            "/admin/login/?next=/admin/",
            data={
                "csrfmiddlewaretoken": csrf_token(page.text),
                "username": self.username,
                "password": PLAN["password"],
                "next": "/admin/",
            },
            name="desk: login",
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in: HTTP {response.status_code}")

    def edit(self, model: str, pk: int, field: str, change, *, kind: str) -> None:
        """Open the change form, change `field`, post it back as the browser would."""
        url = f"/admin/archive/{model}/{pk}/change/"
        page = self.client.get(url, name=f"desk: open {kind}", timeout=TIMEOUT)
        if not page.ok:
            return  # counted as an error of the request that failed
        marker = _marker()
        fields = replace_value(
            form_fields(page.text, f"{model}_form"), field, lambda value: change(value, marker)
        )
        opened = dict(fields).get("concurrency_token", "")
        with self.client.post(
            url,
            data=[*fields, ("_continue", "Save")],
            name=f"desk: save {kind}",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            edit = {"model": model, "pk": pk, "field": field, "marker": marker, "opened": opened}
            if response.status_code == 302:
                _record(**edit, user=self.username, outcome="accepted")
            elif response.status_code == 200 and STALE in response.text:
                _record(**edit, user=self.username, outcome="refused")
            else:
                errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
                response.failure(f"HTTP {response.status_code}: {errors[:3]}")

    def review(self, pk: int, action: str, *, done: str) -> None:
        """Post a review move; a refusal the page explains is a correct outcome."""
        url = f"/admin/desk/review/{pk}/"
        page = self.client.get(url, name="desk: open review", timeout=TIMEOUT)
        if not page.ok:
            return
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": csrf_token(page.text), "action": action},
            name=f"desk: {action}",
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            said = messages(response.text)
            if response.status_code != 200 or not said:
                response.failure(f"HTTP {response.status_code}, no message")
                return
            outcome = "accepted" if any(m.startswith(done) for m in said) else "refused"
            _record(
                model="translation",
                pk=pk,
                field=action,
                marker="",
                opened="",
                user=self.username,
                outcome=outcome,
                message=said[-1],
            )

    @task(3)
    def edit_document(self):
        self.edit(
            "document",
            random.choice(PLAN["document_pks"]),
            "summary",
            with_summary_marker,
            kind="document",
        )

    @task(2)
    def edit_translation(self):
        pk = random.choice(PLAN["translation_pks"])
        self.edit("translation", pk, "body", with_body_marker, kind="translation")


class Archivist(DeskUser):
    """Corrects documents and translations, and submits translations for review."""

    role = "archivist"
    fixed_count = int(os.environ.get("LOAD_ARCHIVISTS", "2"))
    _accounts = itertools.count()

    @task(2)
    def submit(self):
        pk = random.choice(PLAN["translation_pks"])
        self.edit("translation", pk, "body", with_body_marker, kind="translation")
        self.review(pk, "submit", done="Submitted")


class Editor(DeskUser):
    """Corrects documents and translations, and approves what archivists submitted."""

    role = "editor"
    fixed_count = int(os.environ.get("LOAD_EDITORS", "2"))
    _accounts = itertools.count()

    @task(3)
    def approve(self):
        queue = self.client.get("/admin/desk/review/", name="desk: review queue", timeout=TIMEOUT)
        waiting = [int(pk) for pk in re.findall(r'href="/admin/desk/review/(\d+)/"', queue.text)]
        ours = [pk for pk in waiting if pk in set(PLAN["translation_pks"])]
        if ours:
            self.review(random.choice(ours), "approve", done="Approved")
