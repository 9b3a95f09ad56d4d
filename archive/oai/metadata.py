"""A document as unqualified Dublin Core (oai_dc), the format every harvester reads."""

import re

from archive.oai import xml
from archive.oai.records import Record

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

# ISO 8601 calendar dates and intervals of them, as EDTF writes exact dates and ranges.
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")

# Declared once on the response's root, not on each record.
NAMESPACES = {"oai_dc": OAI_DC, "dc": DC}
_OAI_DC_OPENING = f'<oai_dc:dc xsi:schemaLocation="{OAI_DC} {OAI_DC_SCHEMA}">'


def iso_date(document: Record) -> str:
    """The document's date in ISO 8601: as entered when that is already ISO ("1965-05-30",
    "1952-07", "1951-09/1951-11"), else the interval it stands for ("circa 1950")."""
    if document.date_edtf and _ISO_DATE.match(document.date_edtf):
        return document.date_edtf
    if document.date_earliest is None:
        return ""
    earliest, latest = document.date_earliest, document.date_latest or document.date_earliest
    if earliest == latest:
        return earliest.isoformat()
    return f"{earliest.isoformat()}/{latest.isoformat()}"


def oai_dc(record: Record, *, permalink: str, publisher: str) -> str:
    """The record's oai_dc element, for the <metadata> element of a response whose root
    declares the oai_dc, dc and xsi prefixes."""
    values = [
        ("title", record.title),
        *(("creator", creator) for creator in record.creators),
        *(("subject", subject) for subject in record.subjects),
        ("description", record.summary),
        ("publisher", publisher),
        ("date", iso_date(record)),
        ("type", "Text"),
        ("type", record.document_type),
        ("identifier", permalink),
        ("source", record.source),
        *(("language", language) for language in record.languages),
        ("rights", record.rights),
        ("rights", record.rights_url),
    ]
    parts = [_OAI_DC_OPENING]
    for name, value in values:
        value = value.strip() if value else ""
        if value:
            parts.append(f"<dc:{name}>{xml.text(value)}</dc:{name}>")
    parts.append("</oai_dc:dc>")
    return "".join(parts)
