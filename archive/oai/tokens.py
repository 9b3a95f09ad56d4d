"""Stateless resumption tokens: the token is the harvest's position itself.

It carries the request's selection (format, set, from, until), the (datestamp, id) of the
last record sent, how many were sent and the list's size counted on the first page, as
URL-safe base64 of compact JSON. Nothing is stored on the server, so a token survives a
restart and works on any app server behind a load balancer; a token that does not decode
to exactly this shape is a badResumptionToken.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from archive.oai.records import Cursor

VERSION = 1


@dataclass(frozen=True)
class ResumptionToken:
    metadata_prefix: str
    set_spec: str | None
    from_: str | None
    until: str | None
    after: Cursor
    cursor: int
    complete_list_size: int

    def encode(self) -> str:
        fields = [
            VERSION,
            self.metadata_prefix,
            self.set_spec,
            self.from_,
            self.until,
            self.after.datestamp.isoformat(),
            self.after.id,
            self.cursor,
            self.complete_list_size,
        ]
        text = json.dumps(fields, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class BadToken(ValueError):
    pass


def decode(token: str) -> ResumptionToken:
    try:
        padded = token + "=" * (-len(token) % 4)
        fields = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        version, prefix, set_spec, from_, until, stamp, last_id, cursor, size = fields
        datestamp = datetime.datetime.fromisoformat(stamp)
    except (ValueError, TypeError, UnicodeError, binascii.Error) as error:
        raise BadToken("The resumption token is not one this repository issued.") from error
    optional = (set_spec, from_, until)
    if (
        version != VERSION
        or not isinstance(prefix, str)
        or not all(value is None or isinstance(value, str) for value in optional)
        or datestamp.tzinfo is None
        or not all(isinstance(n, int) and n >= 0 for n in (last_id, cursor, size))
    ):
        raise BadToken("The resumption token is not one this repository issued.")
    return ResumptionToken(
        metadata_prefix=prefix,
        set_spec=set_spec,
        from_=from_,
        until=until,
        after=Cursor(datestamp=datestamp, id=last_id),
        cursor=cursor,
        complete_list_size=size,
    )
