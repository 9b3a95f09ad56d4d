"""`load_demo`: the demo records match the reference pages field by field, loading twice
changes nothing, and the demo accounts work (on development sites only)."""

import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import resolve

from archive import models
from archive.demo.loader import load_reference_archive
from archive.richtext import html_to_text
from curation.roles import ARCHIVIST, EDITOR

# The reference pages, kept in the repository so that a plain clone passes on its own.
PAGES = Path(__file__).resolve().parents[1] / "data" / "reference"
DATE_LINE = re.compile(r"^[A-Z][a-z]+ \d{2}, \d{4}$")


def normalize(text: str) -> str:
    """Collapse whitespace (non-breaking spaces included), as a reader sees the text."""
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of page text, without list bullets."""
    blocks = (normalize(block).removeprefix("•").strip() for block in re.split(r"\n\s*\n", text))
    return [block for block in blocks if block]


@dataclass
class DocumentPage:
    """What a saved reference document page shows, found by its labels."""

    text: str

    @cached_property
    def lines(self) -> list[str]:
        return [normalize(line) for line in self.text.splitlines() if line.strip()]

    def after(self, label: str, count: int = 1) -> list[str]:
        start = self.lines.index(label) + 1
        return self.lines[start : start + count]

    @property
    def date(self) -> str:
        return next(line for line in self.lines if DATE_LINE.match(line))

    @property
    def citation(self) -> str | None:
        return self.after("get citation", 2)[1] if "get citation" in self.lines else None

    @property
    def title(self) -> str:
        if self.citation:
            return re.match(r'"(.+),"', self.citation).group(1)
        return self.after(self.date)[0]

    @property
    def funder_credit(self) -> str | None:
        return next((line for line in self.lines if line.startswith("This document was")), None)

    @property
    def summary(self) -> str:
        if self.citation:
            return self.after("get citation")[0]
        # The line before the first section after the text.
        sections = ("Associated Places", "Associated Topics", "Document Information")
        return self.lines[min(self.lines.index(s) for s in sections if self.shows(s)) - 1]

    @property
    def translation(self) -> list[str]:
        """The paragraphs of the translated text: after the heading or funder credit line,
        up to the summary (or the PDF viewer's message)."""
        start = "English HTML" if self.citation else self.funder_credit
        end = "It appears your Web browser" if self.citation else self.summary
        body = self.text[self.text.index(start) + len(start) : self.text.index(end)]
        return paragraphs(body)

    def shows(self, label: str) -> bool:
        return label in self.lines


def read_page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.fixture
def load_demo(settings, tmp_path):
    """Run the command on a development site, with files in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    # The demo accounts' passwords are hashed on each run; a fast hasher keeps tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    return run


@dataclass(frozen=True)
class Expected:
    """Values the pages leave blank or do not show, as the demo data chose them."""

    page: str
    record_id: int
    languages: set[str]
    creators: set[str]
    recipients: set[str]
    places: set[str] = frozenset()
    topics: set[str] = frozenset()


REFERENCE_DOCUMENTS = [
    Expected(
        "document-1950-01-07-mao-to-zhou.txt",
        100001,
        {"zh"},
        {"Mao Zedong"},
        {"Zhou Enlai", "Chinese Communist Party Central Committee"},
    ),
    Expected(
        "document-1965-04-10-soviet-responses-vietnam.txt",
        100002,
        {"zh"},
        {"Chinese Embassy in the Soviet Union"},
        {"PRC Foreign Ministry"},
    ),
    Expected(
        "document-1965-05-30-soviet-revisionists-vietnam.txt",
        100003,
        {"zh"},
        {"Chinese Embassy in the Soviet Union"},
        {"PRC Foreign Ministry"},
    ),
    Expected(
        "document-1967-01-23-politburo-cable.txt",
        100004,
        {"vi"},
        {"Politburo of the Workers' Party of Vietnam"},
        {"COSVN [Central Office for South Vietnam]", "Region V"},
        places={"Vietnam", "Hanoi", "United States"},
        topics={"Vietnam War", "Diplomacy", "Peace negotiations"},
    ),
]


def names(related) -> set[str]:
    return {item.name for item in related.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("expected", REFERENCE_DOCUMENTS, ids=lambda e: e.page.removesuffix(".txt"))
def test_reference_document_matches_its_page(load_demo, settings, expected):
    load_demo()
    page = DocumentPage(read_page(expected.page))
    document = models.Document.objects.get(record_id=expected.record_id)
    translation = document.translations.get()

    assert document.status == models.Document.Status.PUBLISHED
    assert document.date_display == page.date
    assert document.title == page.title
    assert document.summary == page.summary
    assert [f.credit_line for f in document.funders.all()] == (
        [page.funder_credit] if page.funder_credit else []
    )
    assert {lang.code for lang in document.original_languages.all()} == expected.languages
    assert names(document.creators) == expected.creators
    assert names(document.recipients) == expected.recipients
    assert document.first_published_at is not None  # "Original Uploaded Date"

    # Associated places and topics: the pages show the headings, not the names.
    assert page.shows("Associated Places") == bool(expected.places)
    assert names(document.places) == expected.places
    assert page.shows("Associated Topics") == bool(expected.topics)
    assert names(document.topics) == expected.topics

    if page.shows("Original Classification"):
        assert document.classification.name == "Secret"
        assert page.title.startswith("Secret")
    else:
        assert document.classification is None

    # The translation: approved, in English, with every paragraph of the page.
    assert translation.language.code == "en"
    assert translation.state == models.Translation.State.APPROVED
    assert translation.approved_body == translation.body
    assert translation.approved_at == document.first_published_at
    text = normalize(html_to_text(translation.approved_body))
    for paragraph in page.translation:
        assert paragraph in text

    provenance = document.provenance
    if page.citation:
        assert page.citation == (
            f'"{document.title}," {document.date_display}, {settings.DOSSIER_ARCHIVE_NAME}, '
            f"{provenance.published_source}; translation from {provenance.translation_source}."
        )
    else:
        # "PRC FMA 109-03654-02, 23-26. Translated by David Cowhig."
        information = page.after("Document Information")[0]
        source = provenance.archival_reference or provenance.repository.name
        assert information.startswith(f"{source}.")
        assert information.endswith(f"{translation.credit()}.")

        rights = html_to_text(document.rights_statement.text).split("\n")
        reuse, enquiries = page.after(information, 2)
        assert document.rights_statement.name == "History and Public Policy Program reuse statement"
        assert rights[0] == reuse
        # The page hides the address behind "[email protected]"; the demo links it.
        assert rights[1] == enquiries.split(" at [email")[0] + "."


@pytest.mark.django_db
def test_reference_sources_and_credits(load_demo):
    load_demo()
    by_id = {d.record_id: d for d in models.Document.objects.filter(record_id__lt=100100)}

    for record_id, reference in [(100002, "9-12"), (100003, "23-26")]:
        provenance = by_id[record_id].provenance
        assert provenance.repository.name == "PRC Foreign Ministry Archive"
        assert provenance.archival_reference == f"PRC FMA 109-03654-02, {reference}"
        translation = by_id[record_id].translations.get()
        assert translation.credit() == "Translated by David Cowhig"
        assert names(translation.translators) == {"David Cowhig"}

    politburo = by_id[100004]
    assert politburo.provenance.repository.name == "Archive of the Party Central Committee, Hanoi"
    assert politburo.translations.get().credit() == "Translated for CWIHP by Merle Pribbenow"
    assert models.Place.objects.get(name="Hanoi").parent.name == "Vietnam"

    mao = by_id[100001]
    assert mao.document_type.name == "Telegram"
    assert not mao.funders.exists()
    assert mao.provenance.published_source.endswith("219-20")
    assert mao.provenance.translation_source.startswith("Shuguang Zhang and Jian Chen, eds.")


@pytest.mark.django_db
def test_mao_telegram_has_a_placeholder_pdf_of_the_original(load_demo):
    load_demo()
    page = read_page("document-1950-01-07-mao-to-zhou.txt")
    scan = models.Document.objects.get(record_id=100001).scans.get()

    assert "PDF" in page
    assert scan.kind == models.Scan.Kind.PDF
    assert scan.label == "Original (PDF)"
    assert "placeholder" in scan.alt_text.lower()
    with scan.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def collection_page_documents() -> list[tuple[str, str, str]]:
    """(date, title, summary) for each document the collection page lists."""
    text = read_page("collection-sino-soviet-relations.txt")
    return [
        (date, title, normalize(summary))
        for date, title, summary in re.findall(r"• (\w+ \d{2}, \d{4})\n\n\s+(.+)\n\n\s+(.+)", text)
    ]


@pytest.mark.django_db
def test_collection_lists_the_pages_twenty_documents_in_date_order(load_demo):
    load_demo()
    collection = models.Collection.objects.get(slug="sino-soviet-relations")
    documents = list(collection.documents.published().order_by("date_earliest", "record_id"))

    listed = collection_page_documents()
    assert len(listed) == 20
    assert [(d.date_display, d.title, d.summary) for d in documents] == listed
    assert [d.record_id for d in documents] == list(range(100101, 100121))
    for document in documents:
        assert document.title.startswith(document.document_type.name)
        assert document.rights_statement is not None
        assert document.first_published_at is not None
        assert not document.funders.exists()
        assert not document.translations.exists()
    stalin = models.Agent.objects.get(name="Joseph Stalin")
    assert documents[0].creators.get() == stalin
    assert names(documents[0].recipients) == {"Mao Zedong"}


@pytest.mark.django_db
def test_collection_description_caption_and_sub_collections(load_demo):
    load_demo()
    text = read_page("collection-sino-soviet-relations.txt")
    lines = [normalize(line) for line in text.splitlines() if line.strip()]
    description = lines[lines.index("Sino-Soviet Relations") + 1]
    collection = models.Collection.objects.get(slug="sino-soviet-relations")

    assert collection.title == "Sino-Soviet Relations"
    assert collection.active and collection.featured
    assert collection.short_description
    assert html_to_text(collection.description) == description
    assert f"(Image, {collection.image_caption})" in description
    assert collection.image_caption == 'Soviet propaganda poster, "Friends Forever."'
    assert "No image found." in lines and not collection.image

    # "(1) Making of the Sino-Soviet Alliance, 1945-1950; (2) …": each is an active child,
    # linked from the description.
    titles = re.findall(r"\(\d\) (.+?)(?=; |\. )", description)
    assert len(titles) == 5
    children = {c.title: c for c in collection.children.filter(active=True)}
    assert set(children) == set(titles)
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', collection.description))
    linked_slugs = {
        resolve(href).kwargs["slug"]: title for href, title in links.items() if href.startswith("/")
    }
    assert linked_slugs == {children[title].slug: title for title in titles}
    assert "The Sino-Soviet Alliance, 70 Years Later" in " ".join(links.values())


def sub_collection_titles(html: str) -> list[str]:
    """The titles of the cards under a collection page's "Sub-collections" heading."""
    section = html.split('id="children-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", section)


@pytest.mark.django_db
def test_collection_page_lists_its_sub_collections_in_the_reference_order(load_demo, client):
    load_demo()
    text = read_page("collection-sino-soviet-relations.txt")
    numbered = re.findall(r"\((\d)\) (.+?)(?=; |\. )", text)
    reference_order = [title for _, title in sorted(numbered)]

    response = client.get("/collections/sino-soviet-relations/")

    assert response.status_code == 200
    assert len(reference_order) == 5
    assert sub_collection_titles(response.content.decode()) == reference_order


def snapshot() -> dict:
    counted = [*apps.get_app_config("archive").get_models(), get_user_model()]
    stamped = [models.Document, models.Collection, models.Translation, models.Transcript]
    return {
        "counts": {m.__name__: m.objects.count() for m in counted},
        "updated_at": {
            m.__name__: sorted(m.objects.values_list("pk", "updated_at")) for m in stamped
        },
        "m2m": sorted(models.Document.creators.through.objects.values_list("pk", flat=True)),
    }


@pytest.mark.django_db
def test_loading_twice_changes_nothing(load_demo, settings):
    load_demo()
    before = snapshot()
    files_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())

    load_demo()
    report = load_reference_archive()

    assert snapshot() == before
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == (
        files_before
    )
    assert not report.changed
    assert before["counts"]["Document"] == 24


@pytest.mark.django_db
def test_loading_restores_an_edited_value(load_demo):
    load_demo()
    models.Document.objects.filter(record_id=100004).update(summary="Edited")

    report = load_reference_archive()

    assert report.updated == {"documents": 1}
    assert models.Document.objects.get(record_id=100004).summary.startswith("The Vietnamese")


@pytest.mark.django_db
def test_demo_accounts_have_their_roles_and_can_log_in(load_demo, client):
    output = load_demo()
    User = get_user_model()

    archivist, editor, admin = (
        User.objects.get(username=n) for n in ("archivist", "editor", "admin")
    )
    assert archivist.is_staff and not archivist.is_superuser
    assert [g.name for g in archivist.groups.all()] == [ARCHIVIST]
    assert editor.is_staff and not editor.is_superuser
    assert [g.name for g in editor.groups.all()] == [EDITOR]
    assert admin.is_staff and admin.is_superuser
    for username in ("archivist", "editor", "admin"):
        assert client.login(
            request=RequestFactory().post("/admin/login/"),
            username=username,
            password=f"{username}-demo",
        )
        assert f"{username}-demo" in output
    assert "http://127.0.0.1:8000/admin/" in output


@pytest.mark.django_db
def test_reloading_keeps_changed_passwords_unless_reset(load_demo, client):
    load_demo()
    archivist = get_user_model().objects.get(username="archivist")
    archivist.set_password("my own password")
    archivist.save()

    load_demo()
    assert client.login(
        request=RequestFactory().post("/admin/login/"),
        username="archivist",
        password="my own password",
    )

    load_demo("--reset-passwords")
    assert client.login(
        request=RequestFactory().post("/admin/login/"),
        username="archivist",
        password="archivist-demo",
    )


@pytest.mark.django_db
def test_refuses_without_force_when_debug_is_off(load_demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load_demo()
    assert not get_user_model().objects.exists()
    assert not models.Document.objects.exists()

    load_demo("--force")
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
