"""Citations: the Chicago note in the reference form, downloads that independent parsers
read (rispy, bibtexparser, citeproc-py), and the metadata Zotero and search engines read."""

import html
import io
import json
import re
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
from citeproc import Citation as CSLCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.core.management import call_command

from archive.models import Agent, Document
from tests.curation.test_load_demo import DocumentPage, read_page
from tests.factories import (
    DocumentFactory,
    DocumentTypeFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    TranslationFactory,
    TranslatorFactory,
)

pytestmark = pytest.mark.django_db

ARCHIVE = "History and Public Policy Program Digital Archive"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture
def cable():
    """A cable with awkward characters in every field a citation carries."""
    document = PublishedDocumentFactory(
        title='Memo on "Costs" & 50% of {Budget}_#1 </script><b>',
        date_entered="1952-07",
        summary="A memo\non costs.",
        document_type=DocumentTypeFactory(name="Memorandum"),
    )
    document.creators.add(
        Agent.objects.create(name="Zhou Enlai"),
        Agent.objects.create(name="PRC Foreign Ministry", kind="organization"),
    )
    document.recipients.add(Agent.objects.create(name="Joseph Stalin"))
    ProvenanceFactory(document=document, archival_reference="AVP RF f. 45, op. 1")
    translation = TranslationFactory(document=document, approved_body="<p>Text</p>")
    translation.translators.add(TranslatorFactory(name="Sergey Radchenko"))
    translation.keep_approved_credit()  # as approval does
    translation.save()
    return document


def download(client, document, fmt):
    response = client.get(f"/documents/{document.record_id}/citation.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="document-{document.record_id}.{fmt}"'
    )
    return response


def test_mao_telegram_citation_is_the_reference_citation_with_its_permalink(demo, client):
    reference = DocumentPage(read_page("document-1950-01-07-mao-to-zhou.txt")).citation

    response = client.get("/documents/100001/telegram-mao-zedong-zhou-enlai-and-ccp-cc/")

    citation = re.search(r'<p class="citation-text" id="citation-text">(.*?)</p>', response.text)
    permalink = "http://testserver/documents/100001/"
    # The reference form, naming the translation version read (issue 18) before the permalink.
    version = (
        f"English translation, version 1, approved 4 November 2011, {permalink}translations/en/v1/."
    )
    assert html.unescape(citation.group(1)) == f"{reference} {version} {permalink}"


def test_citation_without_translation_source_credits_the_translator(demo, client):
    response = client.get("/documents/100003/", follow=True)

    assert (
        "&quot;Cable from the Chinese Embassy in the Soviet Union, &#x27;Some Practices of the "
        "Soviet Revisionists on the Vietnam Issue&#x27;,&quot; May 30, 1965, "
        f"{ARCHIVE}, PRC FMA 109-03654-02, 23-26, PRC Foreign Ministry Archive. "
        "Translated by David Cowhig. English translation, version 1, approved "
    ) in response.text
    assert (
        "http://testserver/documents/100003/translations/en/v1/. "
        "http://testserver/documents/100003/"
    ) in response.text


def test_ris_download_parses_with_rispy(client, cable):
    response = download(client, cable, "ris")

    assert response["Content-Type"].startswith("application/x-research-info-systems")
    [entry] = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["title"] == cable.title
    assert entry["authors"] == ["PRC Foreign Ministry", "Zhou Enlai"]
    assert entry["date"] == "1952/07/"
    assert entry["year"] == "1952"
    assert entry["name_of_database"] == ARCHIVE
    assert entry["urls"] == [f"http://testserver/documents/{cable.record_id}/"]
    assert entry["abstract"] == "A memo on costs."
    assert "Recipients: Joseph Stalin" in entry["notes"]
    assert "Translated by Sergey Radchenko" in entry["notes"]


def test_bibtex_download_parses_with_bibtexparser(client, cable):
    response = download(client, cable, "bib")

    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "misc"
    assert entry.key == f"document-{cable.record_id}"
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert fields["title"] == r'{Memo on "Costs" \& 50\% of \{Budget\}\_\#1 </script><b>}'
    assert fields["author"] == "{PRC Foreign Ministry} and {Zhou Enlai}"
    assert fields["year"] == "1952"
    assert fields["date"] == "1952-07"
    assert fields["url"] == f"http://testserver/documents/{cable.record_id}/"
    assert fields["howpublished"] == ARCHIVE
    assert "AVP RF f. 45, op. 1" in fields["note"]


def test_csl_json_renders_with_citeproc_py(client, cable):
    response = download(client, cable, "json")

    items = json.loads(response.content)
    assert items[0]["issued"] == {"date-parts": [[1952, 7]]}
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(CSLCitation([CitationItem(items[0]["id"])]))
    [rendered] = [str(item) for item in bibliography.bibliography()]
    assert "Zhou Enlai" in rendered and "PRC Foreign Ministry" in rendered
    assert "(1952)" in rendered
    assert "Memo on" in rendered
    assert f"http://testserver/documents/{cable.record_id}/" in rendered


def test_citation_downloads_only_for_published_documents(client):
    draft = DocumentFactory()
    withdrawn = DocumentFactory(status=Document.Status.WITHDRAWN)
    published = PublishedDocumentFactory()

    assert client.get(f"/documents/{draft.record_id}/citation.ris").status_code == 404
    assert client.get(f"/documents/{withdrawn.record_id}/citation.bib").status_code == 404
    assert client.get(f"/documents/{published.record_id}/citation.docx").status_code == 404


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs["content"]))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)


def read_head(client, document) -> HeadReader:
    reader = HeadReader()
    reader.feed(client.get(document.get_absolute_url()).text)
    return reader


def test_zotero_meta_tags_carry_title_date_authors_and_archive(client, cable):
    meta = read_head(client, cable).meta

    assert ("citation_title", cable.title) in meta
    assert [v for k, v in meta if k == "citation_author"] == ["PRC Foreign Ministry", "Zhou Enlai"]
    assert ("citation_date", "1952/07") in meta
    assert ("citation_publisher", ARCHIVE) in meta
    assert ("DC.date", "1952-07") in meta
    [source] = [v for k, v in meta if k == "DC.source"]
    assert source == f"AVP RF f. 45, op. 1, {cable.provenance.repository.name}"


def test_json_ld_describes_the_archive_item_and_cannot_break_out_of_its_script(client, cable):
    head = read_head(client, cable)

    assert len(head.json_ld) == 1  # the title's "</script>" did not end the element
    data = json.loads(head.json_ld[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ArchiveComponent"
    assert data["name"] == cable.title
    assert data["dateCreated"] == "1952-07"
    assert {"@type": "Organization", "name": "PRC Foreign Ministry"} in data["creator"]
    assert {"@type": "Person", "name": "Zhou Enlai"} in data["creator"]
    assert data["identifier"] == str(cable.record_id)
    assert data["workTranslation"][0]["creditText"] == "Translated by Sergey Radchenko"


def test_downloads_name_the_translator_in_each_formats_own_field(client, cable):
    second = TranslationFactory(document=cable, approved_body="<p>Texte</p>")
    second.translators.add(TranslatorFactory(name="David Cowhig"))
    second.keep_approved_credit()
    second.save()

    [ris] = rispy.loads(download(client, cable, "ris").content.decode())
    [bib] = bibtexparser.parse_string(download(client, cable, "bib").content.decode()).entries
    [csl] = json.loads(download(client, cable, "json").content)

    assert ris["subsidiary_authors"] == ["Sergey Radchenko", "David Cowhig"]
    assert bib.fields_dict["translator"].value == "{Sergey Radchenko} and {David Cowhig}"
    assert csl["translator"] == [{"literal": "Sergey Radchenko"}, {"literal": "David Cowhig"}]
    names = CiteProcJSON([csl])[csl["id"]]["translator"]  # read by a CSL processor as names
    assert [str(name["literal"]) for name in names] == ["Sergey Radchenko", "David Cowhig"]


def test_downloads_of_an_untranslated_document_name_no_translator(client):
    document = PublishedDocumentFactory()

    assert "A4  -" not in download(client, document, "ris").content.decode()
    assert "translator" not in download(client, document, "bib").content.decode()
    assert "translator" not in json.loads(download(client, document, "json").content)[0]
