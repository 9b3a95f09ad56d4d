"""`/healthz`: whether this server can reach what it needs, for a load balancer or monitor.

Each component is checked for real (a query on every database alias, a cache round trip,
a file written to and deleted from media storage) and reported "ok" or "down", the
cause in the server's log (not in the answer, which anyone may read); any down makes the
answer 503. More checks plug in through DOSSIER_HEALTH_CHECKS
(name -> dotted path of a function that raises when its component is down): the task
queue's, once the site has one.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def database() -> None:
    for alias in connections:
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


CHECKS = {"database": database, "cache": cache_round_trip, "storage": storage}


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
    # No queue on this site yet: said so, and not counted as down.
    components.setdefault("queue", {"status": "not configured"})
    status = "down" if any(c["status"] == "down" for c in components.values()) else "ok"
    return {"status": status, "components": components}


@never_cache
@require_safe
def healthz(request):
    result = report()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
