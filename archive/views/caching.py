"""HTTP validators for public pages, so browsers and CDNs can revalidate cheaply."""

import datetime
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

# Short enough that publishing or withdrawing shows within a minute behind a CDN.
MAX_AGE = 60


def with_validators(request, response, *, last_modified: datetime.datetime | None):
    """Add an ETag (a digest of the page) and Last-Modified (the records' latest change);
    answer 304 Not Modified when the client's copy is current.

    The ETag covers everything on the page, including renamed places or topics that do
    not touch the document's own timestamps; If-None-Match takes precedence over
    If-Modified-Since, so clients that send both always get a correct answer.
    """
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=timestamp, response=response
    )
