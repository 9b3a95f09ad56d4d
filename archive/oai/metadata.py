"""A document as unqualified Dublin Core (oai_dc), the format every harvester reads."""

import re

from lxml import etree

from archive.models import Document

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

# Characters XML 1.0 cannot carry: dropped rather than failing the whole page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ISO 8601 calendar dates and intervals of them, as EDTF writes exact dates and ranges.
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")

_DC = f"{{{DC}}}"


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value))


def iso_date(document: Document) -> str:
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


def oai_dc(document: Document, *, permalink: str, publisher: str) -> etree._Element:
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {OAI_DC_SCHEMA}")

    def add(name: str, value) -> None:
        text = xml_text(value or "").strip()
        if text:
            etree.SubElement(root, _DC + name).text = text

    add("title", document.title)
    for creator in document.creators.all():
        add("creator", creator.name)
    for term in [*document.topics.all(), *document.places.all()]:
        add("subject", term.name)
    add("description", document.summary)
    add("publisher", publisher)
    add("date", iso_date(document))
    add("type", "Text")
    if document.document_type is not None:
        add("type", document.document_type.name)
    add("identifier", permalink)
    provenance = getattr(document, "provenance", None)
    if provenance is not None:
        add("source", provenance.source_line)
    for language in document.original_languages.all():
        add("language", language.code)
    if document.rights_statement is not None:
        add("rights", document.rights_statement.name)
        add("rights", document.rights_statement.url)
    return root
