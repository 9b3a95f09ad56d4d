"""How a document is cited: a Chicago-style note, RIS, BibTeX and CSL-JSON for reference
managers, `citation_*`/Dublin Core meta tags for Zotero's connector, and schema.org JSON-LD.

Everything is built from a `selectors.DocumentRecord`, so citing costs no query of its own.
"""

import datetime
import json
import re
from dataclasses import dataclass
from functools import cached_property

from archive.dates import DatePrecision
from archive.richtext import html_to_text
from archive.selectors import DocumentRecord

# The Chicago note as the Wilson Center's Digital Archive gives it:
# "Title," Date, Archive, Source; translation from Translation source. Permalink
CHICAGO_TEMPLATE = '"{title}," {date}, {archive}'


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _sentence(text: str) -> str:
    text = _one_line(text)
    return text if text.endswith((".", "!", "?")) else f"{text}."


@dataclass(frozen=True)
class CitedVersion:
    """An approved translation version a citation names, with its own permalink."""

    language: str
    number: int
    approved_on: datetime.date
    url: str
    credit: str = ""

    @property
    def label(self) -> str:
        day = self.approved_on
        return (
            f"{self.language} translation, version {self.number}, "
            f"approved {day.day} {day:%B} {day.year}"
        )


@dataclass(frozen=True)
class Citation:
    record: DocumentRecord
    permalink: str
    archive_name: str
    # The versions read: on a version page the one shown (and `permalink` is its URL), on
    # the document page the current version of each translation.
    versions: tuple[CitedVersion, ...] = ()

    @property
    def version(self) -> CitedVersion | None:
        """The version this citation is *of* (a version page's), if any."""
        if len(self.versions) == 1 and self.versions[0].url == self.permalink:
            return self.versions[0]
        return None

    def _version_sentences(self) -> list[str]:
        return [
            version.label if version.url == self.permalink else f"{version.label}, {version.url}"
            for version in self.versions
        ]

    @property
    def document(self):
        return self.record.document

    @cached_property
    def source(self) -> str:
        provenance = self.record.provenance
        return _one_line(provenance.source_line) if provenance else ""

    @cached_property
    def translation_source(self) -> str:
        provenance = self.record.provenance
        return _one_line(provenance.translation_source) if provenance else ""

    @cached_property
    def credits(self) -> list[str]:
        if self.versions:  # the credits of the texts cited, which later versions may change
            return [version.credit for version in self.versions if version.credit]
        return [t.approved_credit for t in self.record.translations if t.approved_credit]

    @cached_property
    def translators(self) -> list[str]:
        """Who made the translations readers see, each named once, in the page's order."""
        names = (p.name for t in self.record.translations for p in t.approved_translators.all())
        return list(dict.fromkeys(names))

    @property
    def authors(self) -> list[str]:
        return [agent.name for agent in self.record.creators]

    @property
    def date_text(self) -> str:
        return self.document.date_display or "Undated"

    @property
    def filename(self) -> str:
        return f"document-{self.document.record_id}"

    # The note readers copy --------------------------------------------------------------

    def chicago(self) -> str:
        note = CHICAGO_TEMPLATE.format(
            title=_one_line(self.document.title), date=self.date_text, archive=self.archive_name
        )
        if self.source:
            note += f", {self.source.rstrip('.')}"
        if self.translation_source:
            note += f"; translation from {self.translation_source.rstrip('.')}"
        note += "."
        if not self.translation_source:
            note += "".join(f" {_sentence(credit)}" for credit in self.credits)
        note += "".join(f" {_sentence(sentence)}" for sentence in self._version_sentences())
        return f"{note} {self.permalink}"

    # Reference-manager formats ------------------------------------------------------------

    def _date_parts(self) -> list[list[int]]:
        """CSL date-parts: as precise as the historian's date, both ends of a range."""
        document = self.document
        earliest, latest = document.date_earliest, document.date_latest
        precision = document.date_precision
        if precision == DatePrecision.DAY and earliest:
            return [[earliest.year, earliest.month, earliest.day]]
        if precision == DatePrecision.MONTH and earliest:
            return [[earliest.year, earliest.month]]
        if precision == DatePrecision.YEAR and earliest:
            return [[earliest.year]]
        ends = [[d.year, d.month, d.day] for d in (earliest, latest) if d]
        return ends

    def _notes(self) -> list[str]:
        notes = []
        if self.record.recipients:
            notes.append("Recipients: " + "; ".join(a.name for a in self.record.recipients))
        notes += self.credits
        if self.translation_source:
            notes.append(f"Translation from {self.translation_source}")
        notes += self._version_sentences()
        return notes

    def csl(self) -> dict:
        document = self.document
        item = {
            "id": self.filename,
            "type": "manuscript",
            "title": _one_line(document.title),
            "archive": self.archive_name,
            "URL": self.permalink,
            "number": str(document.record_id),
        }
        if self.authors:
            item["author"] = [{"literal": name} for name in self.authors]
        if self.record.recipients:
            item["recipient"] = [{"literal": a.name} for a in self.record.recipients]
        if self.translators:
            item["translator"] = [{"literal": name} for name in self.translators]
        parts = self._date_parts()
        if parts:
            item["issued"] = {"date-parts": parts}
            if "~" in document.date_edtf or "%" in document.date_edtf:
                item["issued"]["circa"] = True
        if self.source:
            item["archive_location"] = self.source
        if document.summary:
            item["abstract"] = _one_line(document.summary)
        if document.document_type:
            item["genre"] = document.document_type.name
        if self.record.languages:
            item["language"] = self.record.languages[0].code
        if self._notes():
            item["note"] = "\n".join(self._notes())
        if self.version:
            item["version"] = str(self.version.number)
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)

    def ris(self) -> str:
        document = self.document
        lines = [("TY", "MANSCPT"), ("TI", document.title)]
        lines += [("AU", name) for name in self.authors]
        # A4, the subsidiary author, is what Zotero and EndNote read as the translator.
        lines += [("A4", name) for name in self.translators]
        parts = self._date_parts()
        if parts:
            first = parts[0]
            lines.append(("PY", str(first[0])))
            lines.append(("DA", "/".join(f"{p:02d}" for p in first) + "/"))
        if document.summary:
            lines.append(("AB", document.summary))
        if document.document_type:
            lines.append(("M3", document.document_type.name))
        lines.append(("DB", self.archive_name))
        if self.source:
            lines.append(("AV", self.source))
        lines.append(("AN", str(document.record_id)))
        if self.version:
            lines.append(("ET", self.version.label))
        lines += [("LA", language.name) for language in self.record.languages]
        lines += [("KW", term.name) for term in [*self.record.topics, *self.record.places]]
        lines += [("N1", note) for note in self._notes()]
        lines.append(("UR", self.permalink))
        body = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
        return body + "ER  - \r\n"

    def bibtex(self) -> str:
        document = self.document
        fields = [("title", "{" + _bibtex_escape(document.title) + "}")]
        if self.authors:
            # Braces keep each name whole: "Mao Zedong" is not a given and a family name
            # to be reordered, and organizations are not people.
            fields.append(("author", _bibtex_names(self.authors)))
        if self.translators:
            # biblatex's field, which Zotero's BibTeX import reads as the translator.
            fields.append(("translator", _bibtex_names(self.translators)))
        parts = self._date_parts()
        if parts:
            fields.append(("year", str(parts[0][0])))
            fields.append(("date", "-".join(f"{p:02d}" for p in parts[0])))
        fields.append(("howpublished", _bibtex_escape(self.archive_name)))
        if self.source:
            fields.append(("note", _bibtex_escape("; ".join([self.source, *self._notes()]))))
        elif self._notes():
            fields.append(("note", _bibtex_escape("; ".join(self._notes()))))
        if document.summary:
            fields.append(("abstract", _bibtex_escape(_one_line(document.summary))))
        if document.document_type:
            fields.append(("type", _bibtex_escape(document.document_type.name)))
        if self.version:
            fields.append(("version", _bibtex_escape(self.version.label)))
        fields.append(("url", self.permalink.replace("}", "%7D").replace("{", "%7B")))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.filename},\n{body}\n}}\n"

    # Embedded metadata ------------------------------------------------------------------

    def meta_tags(self, *, pdf_url: str = "") -> list[tuple[str, str]]:
        """(name, content) pairs for <meta> tags: Highwire `citation_*` (read by Zotero's
        connector and Google Scholar) and Dublin Core."""
        document = self.document
        tags = [("citation_title", _one_line(document.title))]
        tags += [("citation_author", name) for name in self.authors]
        parts = self._date_parts()
        if parts:
            date = "/".join(f"{p:02d}" for p in parts[0])
            tags += [("citation_date", date), ("citation_publication_date", date)]
        tags += [
            ("citation_publisher", self.archive_name),
            ("citation_public_url", self.permalink),
        ]
        tags += [("citation_language", language.code) for language in self.record.languages]
        tags += [("citation_keywords", topic.name) for topic in self.record.topics]
        if pdf_url:
            tags.append(("citation_pdf_url", pdf_url))
        tags += [("DC.title", _one_line(document.title))]
        tags += [("DC.creator", name) for name in self.authors]
        if document.date_edtf:
            tags.append(("DC.date", document.date_edtf))
        tags += [
            ("DC.publisher", self.archive_name),
            ("DC.identifier", self.permalink),
            ("DC.type", "Text"),
        ]
        if self.source:
            tags.append(("DC.source", self.source))
        if document.summary:
            tags.append(("DC.description", _one_line(document.summary)))
        if document.rights_statement:
            tags.append(("DC.rights", document.rights_statement.name))
        if self.version:
            # The version read, as the RIS edition and BibTeX version name it.
            tags += [
                ("citation_edition", self.version.label),
                ("citation_online_date", f"{self.version.approved_on:%Y/%m/%d}"),
                ("DC.description.version", self.version.label),
                ("DCTERMS.modified", self.version.approved_on.isoformat()),
            ]
        tags += [("DC.contributor", name) for name in self.translators]
        return tags

    def json_ld(self, *, page_url: str, scan_urls: list[str] = ()) -> dict:
        """schema.org ArchiveComponent: an item held by an archive."""
        document = self.document
        provenance = self.record.provenance
        data = {
            "@context": "https://schema.org",
            "@type": "ArchiveComponent",
            "@id": self.permalink,
            "url": page_url,
            "identifier": str(document.record_id),
            "name": _one_line(document.title),
            "citation": self.chicago(),
            "publisher": {"@type": "Organization", "name": self.archive_name},
        }
        if document.date_edtf:
            data["dateCreated"] = document.date_edtf
        if document.summary:
            data["description"] = _one_line(document.summary)
        if document.document_type:
            data["genre"] = document.document_type.name
        if document.first_published_at:
            data["datePublished"] = document.first_published_at.date().isoformat()
        if self.record.creators:
            data["creator"] = [_agent(a) for a in self.record.creators]
        if self.record.recipients:
            data["recipient"] = [_agent(a) for a in self.record.recipients]
        if self.record.languages:
            data["inLanguage"] = [language.code for language in self.record.languages]
        if provenance and provenance.repository:
            data["holdingArchive"] = {
                "@type": "ArchiveOrganization",
                "name": provenance.repository.name,
            }
        if self.record.places:
            data["spatialCoverage"] = [
                {"@type": "Place", "name": p.name} for p in self.record.places
            ]
        if self.record.topics:
            data["about"] = [{"@type": "Thing", "name": t.name} for t in self.record.topics]
        if self.record.funders:
            data["funder"] = [
                {"@type": "Organization", "name": f.name} for f in self.record.funders
            ]
        if self.record.collections:
            data["isPartOf"] = [
                {"@type": "Collection", "name": c.title} for c in self.record.collections
            ]
        if document.rights_statement:
            rights = document.rights_statement
            data["license"] = rights.url or html_to_text(rights.text)
        translations = [
            {
                "@type": "CreativeWork",
                "inLanguage": t.language.code,
                "translator": [
                    {"@type": "Person", "name": p.name} for p in t.approved_translators.all()
                ],
                "creditText": t.approved_credit,
            }
            for t in self.record.translations
        ]
        if translations:
            data["workTranslation"] = translations
        if self.version:
            data["version"] = str(self.version.number)
            data["dateModified"] = self.version.approved_on.isoformat()
        if scan_urls:
            data["associatedMedia"] = [
                {"@type": "MediaObject", "contentUrl": url} for url in scan_urls
            ]
        return data


def _agent(agent) -> dict:
    kind = "Organization" if agent.kind == "organization" else "Person"
    return {"@type": kind, "name": agent.name}


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in _one_line(text))


def _bibtex_names(names: list[str]) -> str:
    return " and ".join("{" + _bibtex_escape(name) + "}" for name in names)


def json_ld_script(data: dict) -> str:
    """JSON safe inside <script>: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
