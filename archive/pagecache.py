"""Whole public pages cached for anonymous readers, and HTTP validators for every one.

A page is stored under the archive's *content version*, a token in the shared cache that
every change readers could see replaces (`pages_changed`, on commit): a save or delete
of any archive record or a change of its relations (signals, `connect()`), and bulk
writes, which reach the search index (`archive.search.index`). Old pages are never
looked up again and expire, so publishing, withdrawing, editing a published record,
renaming an authority or approving a translation shows on the next request.

Only anonymous GET/HEAD requests outside the admin are served from the cache (a request
with a session cookie may be staff seeing drafts); only complete 200 responses that set
no cookie and are not marked private are stored. The middleware sits before the CSP
middleware, so a stored page keeps its Content-Security-Policy header; a page whose policy
names a nonce (it used {% csp_nonce_attr %}) is never stored, since a nonce served to
more than one reader would let a script injected into the page run.

The cache is Django's default: local memory in one process (`make run`), Redis with
REDIS_URL (several web servers or workers must share one, or a change made through one
process would not reach the pages cached by another; docs/deployment.md).
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.csp import CSP
from django.utils.http import http_date

VERSION_KEY = "dossier:pages:version"
# Pages of an old version are never read again; this only bounds the memory they hold.
PAGE_TIMEOUT = 60 * 60
# Behind a CDN, how long a copy may be served without asking again (then a 304).
MAX_AGE = 60
EXCLUDED_PREFIXES = ("/admin/", "/healthz", "/static/", "/media/")


def pages_changed(using: str | None = None) -> None:
    """Every cached page is stale once the current transaction commits."""
    transaction.on_commit(_new_version, using=using)


def _new_version() -> str:
    # The time first, so the version says when the archive last changed (Last-Modified).
    version = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
    cache.set(VERSION_KEY, version, None)
    return version


def current_version() -> str:
    return cache.get(VERSION_KEY) or _new_version()


def _changed_at(version: str) -> int:
    return int(version.split("-")[0]) // 1_000_000_000


def _cacheable_request(request) -> bool:
    return (
        settings.DOSSIER_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def _carries_nonce(response) -> bool:
    policies = (response.get(header, "") for header in (CSP.HEADER_ENFORCE, CSP.HEADER_REPORT_ONLY))
    return any("'nonce-" in policy for policy in policies)


def _cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and not _carries_nonce(response)
    )


def _key(request, version: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"dossier:page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def _with_validators(request, response, version: str):
    """ETag (a digest of the page) and Last-Modified (the view's, or when the archive last
    changed), public caching for a minute, and 304 for a client whose copy is current."""
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(_changed_at(version))
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(request, etag=response["ETag"], response=response)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        version = current_version()
        key = _key(request, version)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if not _cacheable_response(response):
                return response
            response = _with_validators(request, response, version)
            if response.status_code == 200:
                cache.set(key, response, PAGE_TIMEOUT)
            return response
        return _with_validators(request, response, version)


def _changed(sender, **kwargs) -> None:
    pages_changed(using=kwargs.get("using"))


def connect() -> None:
    """Any saved, deleted or re-related record of the archive app makes pages stale, and
    so does any bulk write (which sends no model signals, only ``documents_changed``)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from archive.signals import documents_changed

    documents_changed.connect(_changed, dispatch_uid="pagecache:bulk")
    for model in apps.get_app_config("archive").get_models():
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
