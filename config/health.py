"""`/healthz`: whether this server can reach what it needs, for a load balancer or monitor.

Each component is checked for real (a query on every database alias, a cache round trip,
a file written to and deleted from media storage, the task queue's table and whether a
worker is taking its work) and reported "ok" or "down", the cause in the server's log
(not in the answer, which anyone may read); any down makes the answer 503. More checks
plug in through DOSSIER_HEALTH_CHECKS (name -> dotted path of a function that raises when
its component is down).
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.db.models import Q
from django.http import JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def database() -> None:
    for alias in connections:
        if connections[alias].settings_dict.get("TEST", {}).get("MIRROR"):
            continue  # the test suite's stand-in replica: the same database as "default"
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def cache_round_trip() -> None:
    key, value = f"dossier:healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise RuntimeError("media storage did not return what was stored")
    finally:
        default_storage.delete(name)


# A task ready this long ago and not yet started means no worker is taking work (the
# periodic publication task alone is queued every minute).
QUEUE_STALLED = timedelta(minutes=10)


def queue() -> None:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # tasks run as they are queued (development, tests)
    cutoff = timezone.now() - QUEUE_STALLED
    # Due since the cutoff: queued to run at once before it, or deferred to a time before it.
    overdue = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    )
    if overdue.exists():
        raise RuntimeError(f"a task has waited over {QUEUE_STALLED}: is a worker running?")


CHECKS = {
    "database": database,
    "cache": cache_round_trip,
    "storage": storage,
    "queue": queue,
}


def checks() -> dict:
    extra = getattr(settings, "DOSSIER_HEALTH_CHECKS", {})
    return CHECKS | {name: import_string(path) for name, path in extra.items()}


def report() -> dict:
    components = {}
    for name, check in checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception:  # any failure means down; the cause goes to the log, not the world
            log.exception("health check %s: down", name)
            components[name] = {"status": "down"}
        else:
            components[name] = {"status": "ok"}
        components[name]["ms"] = round(1000 * (time.perf_counter() - started), 1)
    status = "down" if any(c["status"] == "down" for c in components.values()) else "ok"
    return {"status": status, "components": components}


@never_cache
@require_safe
def healthz(request):
    result = report()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
