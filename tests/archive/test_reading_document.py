"""The document page: everything the reference pages show, the reader's versions of the text,
scans, the permalink redirect and HTTP validators."""

import io
import re

import pytest
from django.core.management import call_command

from archive.models import Document, Scan
from archive.richtext import html_to_text
from tests.curation.test_load_demo import REFERENCE_DOCUMENTS, DocumentPage, normalize, read_page
from tests.factories import (
    FunderFactory,
    LanguageFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    ScanFactory,
    TopicFactory,
    TranscriptFactory,
    TranslationFactory,
    TranslatorFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True  # load_demo runs on development sites only
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def page_text(response) -> str:
    """What a reader sees in the page's main landmark, whitespace collapsed."""
    html = response.text
    main = html[html.index("<main") : html.index("</main>")]
    return normalize(html_to_text(main))


def approve(translation, body: str | None = None):
    translation.approved_body = body or translation.body
    translation.state = translation.State.APPROVED
    translation.keep_approved_credit()
    translation.save()
    return translation


@pytest.mark.parametrize("expected", REFERENCE_DOCUMENTS, ids=lambda e: e.page.removesuffix(".txt"))
def test_reference_document_page_shows_every_field_of_its_reference_page(
    demo, client, settings, expected
):
    reference = DocumentPage(read_page(expected.page))
    document = Document.objects.get(record_id=expected.record_id)

    response = client.get(f"/documents/{expected.record_id}/", follow=True)

    assert response.status_code == 200
    text = page_text(response)
    assert reference.date in text
    assert reference.title in text
    assert reference.summary in text
    if reference.funder_credit:
        assert reference.funder_credit in text
    for paragraph in reference.translation:
        assert paragraph in text
    if reference.citation:
        # The citation block in full, naming the translation version read, ending with the
        # permalink.
        permalink = f"http://testserver/documents/{expected.record_id}/"
        version = document.translation_versions.get()
        named = (
            f"English translation, version 1, approved {version.approved_at:%-d %B %Y}, "
            f"{permalink}translations/en/v1/."
        )
        assert f"{reference.citation} {named} {permalink}" in text
        assert "Get citation" in text
        assert "PDF" in text
    else:
        # "PRC FMA 109-03654-02, 23-26. Translated by David Cowhig." as two facts.
        information = reference.after("Document Information")[0]
        source, credit = re.split(r"\.\s*(?=Translated)", information.rstrip("."))
        assert source in text
        assert credit in text
        reuse = reference.after(information)[0]
        assert reuse in text  # the rights statement
    labels = ["Document Information", "Original Uploaded Date", "Record ID"]
    labels += [
        label for label in ("Associated Places", "Associated Topics") if reference.shows(label)
    ]
    labels += ["Original Classification"] if reference.shows("Original Classification") else []
    for label in labels:
        assert label in text
    assert f"Record ID {expected.record_id}" in text
    assert f"Original Uploaded Date {document.first_published_at:%B %d, %Y}" in text
    if reference.shows("Original Classification"):
        assert "Original Classification Secret" in text
    for name in expected.places | expected.topics | expected.creators | expected.recipients:
        assert name in text
    if document.provenance.repository:
        assert document.provenance.repository.name in text


def test_places_topics_funders_and_translators_are_links_to_their_pages(demo, client):
    response = client.get("/documents/100004/secret-north-vietnam-politburo-cable/")

    html = response.text
    assert '<a href="/places/hanoi/">Hanoi</a>' in html
    assert '<a href="/topics/vietnam-war/">Vietnam War</a>' in html
    assert '<a href="/funders/henry-luce-foundation/">Henry Luce Foundation</a>' in html
    assert '<a href="/translators/merle-pribbenow/">Merle Pribbenow</a>' in html
    assert 'href="/repositories/archive-of-the-party-central-committee-hanoi/"' in html


def test_bare_record_id_and_old_slug_redirect_to_the_page(client):
    document = PublishedDocumentFactory(title="Cable from Hanoi")

    bare = client.get(f"/documents/{document.record_id}/")
    wrong_slug = client.get(f"/documents/{document.record_id}/an-old-title/")

    assert bare.status_code == 302
    assert bare["Location"] == f"/documents/{document.record_id}/cable-from-hanoi/"
    assert wrong_slug.status_code == 301
    assert wrong_slug["Location"] == bare["Location"]
    padded = client.get(f"/documents/0{document.record_id}/cable-from-hanoi/")
    assert (padded.status_code, padded["Location"]) == (301, bare["Location"])


def test_every_approved_translation_with_its_language_and_credit_and_no_unapproved_text(client):
    document = PublishedDocumentFactory()
    english = TranslationFactory(document=document, body="<p>To the Foreign Ministry</p>")
    english.translators.add(TranslatorFactory(name="David Cowhig"))
    approve(english)
    approve(
        TranslationFactory(
            document=document,
            language=LanguageFactory(code="fr", name="French"),
            body="<p>Au ministère</p>",
            credit_line="Traduit par Anne Martin",
        )
    )
    TranslationFactory(
        document=document,
        language=LanguageFactory(code="de", name="German"),
        body="<p>Entwurf, nicht freigegeben</p>",
    )
    # An approved translation being revised: readers keep the approved text.
    revised = approve(
        TranslationFactory(
            document=document,
            language=LanguageFactory(code="es", name="Spanish"),
            body="<p>Texto aprobado</p>",
        )
    )
    revised.body = "<p>Borrador nuevo</p>"
    revised.state = revised.State.DRAFT
    revised.save()
    TranscriptFactory(document=document, body="<p>致外交部</p>")

    text = page_text(client.get(document.get_absolute_url()))

    assert "English translation Translated by David Cowhig To the Foreign Ministry" in text
    assert "French translation Traduit par Anne Martin Au ministère" in text
    assert "Texto aprobado" in text
    assert "Borrador nuevo" not in text
    assert "German" not in text and "Entwurf" not in text
    assert "Original transcript (Chinese) 致外交部" in text


def test_versions_are_linked_sections_a_script_turns_into_tabs(client):
    document = PublishedDocumentFactory()
    translation = approve(TranslationFactory(document=document))
    TranscriptFactory(document=document)
    ScanFactory(document=document, position=1)

    html = client.get(document.get_absolute_url()).text

    panels = re.findall(r'<section class="reader-panel" id="([^"]+)"', html)
    assert panels == [f"translation-en-{translation.pk}", "transcript-zh", "scans"]
    for panel in panels:
        assert f'<a href="#{panel}">' in html
    assert 'lang="zh"' in html
    assert "/static/archive/reader.js" in html


def test_scans_have_a_viewer_and_a_download(client):
    document = PublishedDocumentFactory()
    ScanFactory(document=document, position=1, alt_text="First page, stamped Secret")
    ScanFactory(document=document, position=2, file=pdf_upload(), label="Original (PDF)")
    base = f"/documents/{document.record_id}/scans"

    html = client.get(document.get_absolute_url()).text

    assert f'<img src="{base}/1/web/" alt="First page, stamped Secret"' in html
    assert f'<object class="pdf-viewer" data="{base}/2/" type="application/pdf"' in html
    assert f'href="{base}/2/?download=1" download' in html
    image = client.get(f"{base}/1/")
    # Uploaded images are re-encoded (archive.uploads); the reader gets the clean copy.
    assert image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")
    assert client.get(f"{base}/1/web/").status_code == 200
    assert client.get(f"{base}/1/thumbnail/").status_code == 200
    pdf = client.get(f"{base}/2/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"  # so the page's viewer may show it
    assert pdf["Content-Disposition"].startswith("inline")
    download = client.get(f"{base}/2/", {"download": "1"})
    assert download["Content-Disposition"] == (
        f'attachment; filename="document-{document.record_id}-scan-2.pdf"'
    )
    assert client.get(f"{base}/2/web/").status_code == 404  # PDFs have no web image
    assert client.get(f"{base}/2/poster/").status_code == 404
    assert client.get(f"{base}/3/").status_code == 404


def test_document_facts_show_provenance_types_and_people(client):
    document = PublishedDocumentFactory(date_entered="1951-09/1951-11")
    ProvenanceFactory(
        document=document,
        archival_reference="AVP RF f. 059a",
        published_source="Cold War International History Project Bulletin 6/7",
        translation_source="Translated by Kathryn Weathersby",
        declassification_note="Declassified 1995",
    )
    document.funders.add(FunderFactory(name="Korea Foundation"))
    document.places.add(PlaceFactory(name="Pyongyang"))
    document.topics.add(TopicFactory(name="Korean War"))

    text = page_text(client.get(document.get_absolute_url()))

    assert "September 1951 – November 1951" in text
    assert "Source AVP RF f. 059a" in text
    assert "Published source Cold War International History Project Bulletin 6/7" in text
    assert "Translation source Translated by Kathryn Weathersby" in text
    assert "Declassification Declassified 1995" in text
    assert "This document was made possible with support from Korea Foundation" in text
    assert "Associated Places Pyongyang" in text
    assert "Associated Topics Korean War" in text


def test_document_page_answers_conditional_requests(client):
    document = PublishedDocumentFactory()
    url = document.get_absolute_url()

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert again.status_code == 304
    assert since.status_code == 304

    approve(TranslationFactory(document=document, body="<p>A new approved text</p>"))
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_unknown_record_ids_and_other_methods(client):
    document = PublishedDocumentFactory()

    assert client.get("/documents/999999/").status_code == 404
    assert client.get("/documents/999999/anything/").status_code == 404
    assert client.post(document.get_absolute_url()).status_code == 405
    assert Scan.objects.count() == 0
