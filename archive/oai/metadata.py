"""A document as unqualified Dublin Core (oai_dc), the format every harvester reads."""

import re

from lxml import etree

from archive.oai.records import Record

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

# Characters XML 1.0 cannot carry: dropped rather than failing the whole page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ISO 8601 calendar dates and intervals of them, as EDTF writes exact dates and ranges.
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")

NAMESPACES = {"oai_dc": OAI_DC, "dc": DC}
_OAI_DC_ROOT = f"{{{OAI_DC}}}dc"
_SCHEMA_LOCATION = f"{{{XSI}}}schemaLocation"
_DC_TAGS = {
    name: f"{{{DC}}}{name}"
    for name in [
        "title",
        "creator",
        "subject",
        "description",
        "publisher",
        "date",
        "type",
        "identifier",
        "source",
        "language",
        "rights",
    ]
}


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value))


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


def oai_dc(parent: etree._Element, record: Record, *, permalink: str, publisher: str) -> None:
    """Write the record's oai_dc into `parent` (the <metadata> element). The response's root
    declares the oai_dc and dc prefixes once (NAMESPACES), not each record."""
    root = etree.SubElement(parent, _OAI_DC_ROOT)
    root.set(_SCHEMA_LOCATION, f"{OAI_DC} {OAI_DC_SCHEMA}")
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
    for name, value in values:
        text = xml_text(value).strip() if value else ""
        if text:
            etree.SubElement(root, _DC_TAGS[name]).text = text
