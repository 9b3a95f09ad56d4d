"""What every API response shares: JSON errors, CORS for reading from any site, and
HTTP validators so clients and caches can revalidate for free."""

import hashlib
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.urls import URLPattern
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from archive.views.caching import MAX_AGE

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}
SAFE_METHODS = ("GET", "HEAD")


def json_error(status: int, error: str, detail: str) -> JsonResponse:
    """The one error shape of both APIs: {"error": a stable code, "detail": for people}."""
    return JsonResponse({"error": error, "detail": detail}, status=status)


def read_only(view):
    """Answer CORS preflights, refuse writes, and add CORS headers and validators.

    The ETag is a digest of the body, so it changes whenever anything shown changes
    (a renamed topic included); a view that knows when its records last changed sets
    ``request.api_last_modified``, sent as Last-Modified.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in SAFE_METHODS:
            response = json_error(405, "method_not_allowed", "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            head = request.method == "HEAD"
            if head:  # answered as GET (django-ninja routes GET only), then without a body
                request.method = "GET"
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                response = _with_validators(request, response)
            if head:
                request.method = "HEAD"
                if not response.streaming:
                    response.content = b""
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response

    # Nothing here changes state or reads a session: a POST is refused with 405, not 403.
    wrapped.csrf_exempt = True
    return wrapped


def _with_validators(request, response):
    stamp = getattr(request, "api_last_modified", None)  # set by a view that knows it
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp.timestamp())
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


def read_only_patterns(patterns: list) -> list:
    """The same URL patterns, each view wrapped by ``read_only``."""
    return [
        URLPattern(p.pattern, read_only(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
