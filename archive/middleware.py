"""Request limits applied before a view, or anything else, reads the request body."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from archive.uploads import megabytes


def request_body_limit() -> int:
    """The largest body Dossier reads: one upload at the size limit plus its form's fields."""
    return int(settings.DOSSIER_MAX_UPLOAD_BYTES) + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body is over the limit, without reading it.

    Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) do not cover file parts, and the upload
    validators only run once the whole body has been received and written to disk; this stops
    a 200 MB body at its headers. A body without a Content-Length is not read by Django at all.
    Keep it first in MIDDLEWARE so that nothing (CSRF checks read POST) reads the body before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: an invalid length means no body is read
        limit = request_body_limit()
        if length > limit:
            message = _(
                "This request is %(size)s MB; Dossier accepts at most %(limit)s MB at once "
                "(one file of up to %(file_limit)s MB and its form). Upload large scans one "
                "at a time."
            ) % {
                "size": megabytes(length),
                "limit": megabytes(limit),
                "file_limit": megabytes(int(settings.DOSSIER_MAX_UPLOAD_BYTES)),
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
