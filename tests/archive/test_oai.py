"""OAI-PMH at /oai/, harvested by a client we did not write (oaipmh-scythe) from a live
server: whole archives through resumption tokens, selective harvests by set and date,
deleted records for withdrawn documents, and every error code. Every response is checked
against the official OAI-PMH and oai_dc schemas (tests/data/xsd)."""

import base64
import datetime
import json

import pytest
from django.db.models import F
from lxml import etree
from oaipmh_scythe import Scythe, exceptions
from oaipmh_scythe.config import HTTPConfig

from archive.demo.loader import load_reference_archive
from archive.models import Collection, Document, Language, Place
from archive.oai import views as oai_views
from archive.search.index import updates_paused
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    DocumentFactory,
    PublishedDocumentFactory,
    RightsStatementFactory,
    TopicFactory,
)
from tests.xml_schemas import assert_valid

OAI = "{http://www.openarchives.org/OAI/2.0/}"
BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


class ValidatingScythe(Scythe):
    """The client as a harvester runs it, keeping and schema-checking every response."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses: list[etree._Element] = []

    def _request(self, query):
        response = super()._request(query)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        self.responses.append(assert_valid(response.content, "oai-pmh-with-oai_dc.xsd"))
        return response


@pytest.fixture
def scythe(live_server):
    with ValidatingScythe(f"{live_server.url}/oai/") as client:
        yield client


def identifier(record_id: int) -> str:
    return f"oai:localhost:{record_id}"


def withdraw(document: Document) -> Document:
    document.status = Document.Status.WITHDRAWN
    document.withdrawal_reason = "Shown to be a forgery."
    document.save()
    return document


# A generated archive ----------------------------------------------------------------------

SIZE = 2000


def build_archive(size: int = SIZE) -> dict:
    """`size` documents written in bulk: every 100th withdrawn, every 100th (offset 50) a
    draft; a third in a sub-collection, a third in another collection; three documents
    share each hour's datestamp from 2024-01-01 on, so ties cross page boundaries."""
    with updates_paused():
        cold_war = CollectionFactory(title="Cold War", slug="cold-war")
        korea = CollectionFactory(title="Korean War", slug="korean-war", parent=cold_war)
        detente = CollectionFactory(title="Détente", slug="detente")
        hidden = CollectionFactory(title="Hidden", slug="hidden", active=False)
        topic = TopicFactory(name="Nuclear weapons")
        rights = RightsStatementFactory()
        documents = []
        for i in range(size):
            status = Document.Status.PUBLISHED
            if i % 100 == 0:
                status = Document.Status.WITHDRAWN
            elif i % 100 == 50:
                status = Document.Status.DRAFT
            documents.append(
                Document(
                    record_id=10_000 + i,
                    title=f"Cable {i}",
                    slug=f"cable-{i}",
                    summary=f"Summary of cable {i}.",
                    date_entered="1965-05-30",
                    date_edtf="1965-05-30",
                    date_earliest=datetime.date(1965, 5, 30),
                    date_latest=datetime.date(1965, 5, 30),
                    status=status,
                    rights_statement=rights,
                    first_published_at=BASE,
                    metadata_changed_at=BASE + datetime.timedelta(hours=i // 3),
                )
            )
        documents = Document.objects.bulk_create(documents)
        in_collection = Document.collections.through
        in_collection.objects.bulk_create(
            [
                in_collection(document_id=d.pk, collection_id=(korea, detente)[i % 3].pk)
                for i, d in enumerate(documents)
                if i % 3 < 2
            ]
            + [in_collection(document_id=d.pk, collection_id=hidden.pk) for d in documents[:10]]
        )
        with_topic = Document.topics.through
        with_topic.objects.bulk_create(
            [with_topic(document_id=d.pk, topic_id=topic.pk) for d in documents]
        )
    return {"documents": documents, "korea": korea, "detente": detente}


def record_ids(documents, keep) -> set[int]:
    return {
        d.record_id
        for i, d in enumerate(documents)
        if keep(i) and d.status != Document.Status.DRAFT
    }


@pytest.mark.django_db(transaction=True)
def test_a_generated_archive_harvests_whole_by_set_and_by_date(scythe):
    archive = build_archive()
    documents = archive["documents"]
    harvestable = record_ids(documents, lambda i: True)
    withdrawn = {d.record_id for d in documents if d.status == Document.Status.WITHDRAWN}

    records = list(scythe.list_records(metadata_prefix="oai_dc"))

    harvested = [int(r.header.identifier.rsplit(":", 1)[1]) for r in records]
    assert len(harvested) == len(set(harvested)) == len(harvestable) == 1980
    assert set(harvested) == harvestable
    assert {int(r.header.identifier.rsplit(":", 1)[1]) for r in records if r.deleted} == withdrawn
    assert all(r.metadata["title"] for r in records if not r.deleted)
    # Pages of 250 through resumption tokens, each saying where it is in the list.
    pages = scythe.responses
    assert len(pages) == 8
    tokens = [page.find(f".//{OAI}resumptionToken") for page in pages]
    assert [int(t.get("cursor")) for t in tokens] == [250 * n for n in range(8)]
    assert {t.get("completeListSize") for t in tokens} == {"1980"}
    assert all(t.text for t in tokens[:-1]) and not tokens[-1].text

    # Headers only, the same list.
    headers = list(scythe.list_identifiers(metadata_prefix="oai_dc"))
    assert {int(h.identifier.rsplit(":", 1)[1]) for h in headers} == harvestable

    # A set holds its sub-collections' records; an inactive collection is no set.
    in_korea = record_ids(documents, lambda i: i % 3 == 0)
    for spec in ("cold-war", "cold-war:korean-war"):
        found = {int(r.header.identifier.rsplit(":", 1)[1]) for r in scythe.list_records(set_=spec)}
        assert found == in_korea
    korean = next(r for r in scythe.list_identifiers(set_="cold-war") if not r.deleted)
    assert korean.setSpecs == ["cold-war:korean-war"]
    detente = {int(r.identifier.rsplit(":", 1)[1]) for r in scythe.list_identifiers(set_="detente")}
    assert detente == record_ids(documents, lambda i: i % 3 == 1)
    with pytest.raises(exceptions.BadArgument):
        list(scythe.list_identifiers(set_="hidden"))

    # Day granularity: 2024-01-03 up to and including 2024-01-04 = hours 48..95.
    by_day = scythe.list_identifiers(from_="2024-01-03", until="2024-01-04")
    assert {int(h.identifier.rsplit(":", 1)[1]) for h in by_day} == record_ids(
        documents, lambda i: 48 <= i // 3 < 96
    )
    # Seconds granularity, both ends inclusive: hours 5, 6 and 7.
    by_second = scythe.list_identifiers(from_="2024-01-01T05:00:00Z", until="2024-01-01T07:00:00Z")
    assert {int(h.identifier.rsplit(":", 1)[1]) for h in by_second} == record_ids(
        documents, lambda i: 5 <= i // 3 <= 7
    )
    # Date and set together, across pages.
    since = scythe.list_identifiers(from_="2024-01-10", set_="detente")
    assert {int(h.identifier.rsplit(":", 1)[1]) for h in since} == record_ids(
        documents, lambda i: i % 3 == 1 and i // 3 >= 9 * 24
    )


@pytest.mark.django_db(transaction=True)
def test_the_demo_archive_harvests_with_its_dublin_core(scythe, live_server):
    load_reference_archive()
    published = set(
        Document.objects.published().values_list("record_id", flat=True)
    )  # every reference document

    identify = scythe.identify()
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.baseURL == f"{live_server.url}/oai/"
    assert identify.protocolVersion == "2.0"

    sets = {s.setSpec: s.setName for s in scythe.list_sets()}
    assert sets["sino-soviet-relations"] == "Sino-Soviet Relations"
    assert "sino-soviet-relations:sino-soviet-split-1960-1984" in sets

    formats = [f.metadataPrefix for f in scythe.list_metadata_formats()]
    assert formats == ["oai_dc"]

    records = {r.header.identifier: r for r in scythe.list_records(metadata_prefix="oai_dc")}
    assert set(records) == {identifier(n) for n in published}

    telegram = Document.objects.get(title="Telegram, Mao Zedong to Zhou Enlai and CCP CC")
    record = scythe.get_record(identifier(telegram.record_id))
    dc = record.metadata
    assert dc["title"] == ["Telegram, Mao Zedong to Zhou Enlai and CCP CC"]
    assert dc["creator"] == ["Mao Zedong"]
    assert dc["date"] == ["1950-01-07"]
    assert dc["type"] == ["Text", "Telegram"]
    assert dc["identifier"] == [f"{live_server.url}/documents/{telegram.record_id}/"]
    assert dc["publisher"] == ["History and Public Policy Program Digital Archive"]
    assert dc["source"] == [telegram.provenance.source_line]
    assert dc["language"] == list(
        telegram.original_languages.order_by("name").values_list("code", flat=True)
    )
    assert dc["description"] == [telegram.summary]
    assert set(dc.get("subject", [])) == {
        *telegram.topics.values_list("name", flat=True),
        *telegram.places.values_list("name", flat=True),
    }
    assert dc["rights"][0] == telegram.rights_statement.name
    assert record.header.setSpecs == [
        "sino-soviet-relations:making-of-the-sino-soviet-alliance-1945-1950"
    ]


@pytest.mark.django_db(transaction=True)
def test_withdrawn_documents_are_deleted_records_and_drafts_do_not_exist(scythe):
    published = PublishedDocumentFactory(title="Published cable")
    withdrawn = withdraw(PublishedDocumentFactory(title="Forged cable"))
    draft = DocumentFactory(title="Draft cable")

    records = {r.header.identifier: r for r in scythe.list_records()}

    assert set(records) == {identifier(published.record_id), identifier(withdrawn.record_id)}
    gone = records[identifier(withdrawn.record_id)]
    assert gone.deleted and gone.xml.find(f"{OAI}metadata") is None
    assert b"Forged cable" not in etree.tostring(scythe.responses[-1])
    deleted = scythe.get_record(identifier(withdrawn.record_id))
    assert deleted.deleted
    with pytest.raises(exceptions.IdDoesNotExist):
        scythe.get_record(identifier(draft.record_id))
    with pytest.raises(exceptions.IdDoesNotExist):
        list(scythe.list_metadata_formats(identifier=identifier(draft.record_id)))
    headers = list(scythe.list_identifiers())
    assert [h.deleted for h in headers] == [False, True]


@pytest.mark.django_db(transaction=True)
def test_post_requests_harvest_like_get(live_server):
    PublishedDocumentFactory(title="Cable by post")
    config = HTTPConfig(http_method="POST")
    with ValidatingScythe(f"{live_server.url}/oai/", http_config=config) as client:
        records = list(client.list_records())
        assert [r.metadata["title"] for r in records] == [["Cable by post"]]
        assert client.identify().repositoryName


def token_of(response: etree._Element) -> str:
    return response.find(f".//{OAI}resumptionToken").text


@pytest.mark.django_db(transaction=True)
def test_a_resumption_token_is_the_position_itself(scythe, client, monkeypatch):
    """Tokens hold no server state: one issued before a restart (here: read back by a
    fresh client from a different server instance) resumes where it left off."""
    monkeypatch.setattr(oai_views, "PAGE_SIZE", 2)
    documents = [PublishedDocumentFactory() for _ in range(5)]
    Document.objects.update(metadata_changed_at=BASE)  # all tied: the id breaks the tie

    first = scythe.harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = token_of(first.xml)
    position = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert position[1] == "oai_dc" and position[-2:] == [2, 5]

    resumed = client.get("/oai/", {"verb": "ListIdentifiers", "resumptionToken": token})

    page = assert_valid(resumed.content, "oai-pmh-with-oai_dc.xsd")
    ids = [e.text for e in page.iter(f"{OAI}identifier")]
    assert ids == [f"oai:testserver:{d.record_id}" for d in documents[2:4]]
    resumption = page.find(f".//{OAI}resumptionToken")
    assert (resumption.get("cursor"), resumption.get("completeListSize")) == ("2", "5")


# Errors -----------------------------------------------------------------------------------

ERRORS = [
    ({}, exceptions.BadVerb),
    ({"verb": "Harvest"}, exceptions.BadVerb),
    ({"verb": "ListRecords"}, exceptions.BadArgument),  # no metadataPrefix
    ({"verb": "Identify", "set": "x"}, exceptions.BadArgument),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"},
        exceptions.BadArgument,
    ),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2024-01-01",
            "until": "2024-01-02T00:00:00Z",
        },
        exceptions.BadArgument,
    ),  # mixed granularities
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2024-02-01",
            "until": "2024-01-01",
        },
        exceptions.BadArgument,
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "TOKEN"},
        exceptions.BadArgument,
    ),  # a token with other arguments
    ({"verb": "GetRecord", "identifier": "oai:localhost:1"}, exceptions.BadArgument),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, exceptions.CannotDisseminateFormat),
    (
        {"verb": "GetRecord", "identifier": "IDENTIFIER", "metadataPrefix": "mods"},
        exceptions.CannotDisseminateFormat,
    ),
    (
        {"verb": "GetRecord", "identifier": "oai:localhost:999999", "metadataPrefix": "oai_dc"},
        exceptions.IdDoesNotExist,
    ),
    (
        {"verb": "GetRecord", "identifier": "oai:elsewhere.org:1", "metadataPrefix": "oai_dc"},
        exceptions.IdDoesNotExist,
    ),
    ({"verb": "ListMetadataFormats", "identifier": "oai:localhost:x"}, exceptions.IdDoesNotExist),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, exceptions.BadResumptionToken),
    ({"verb": "ListIdentifiers", "resumptionToken": "W10"}, exceptions.BadResumptionToken),
    ({"verb": "ListSets", "resumptionToken": "TOKEN"}, exceptions.BadResumptionToken),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2099-01-01"},
        exceptions.NoRecordsMatch,
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "no-such-set"},
        exceptions.BadArgument,
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "0001-01-01"},
        exceptions.NoRecordsMatch,
    ),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("query", "error"), ERRORS)
def test_each_error_is_answered_with_its_code(scythe, query, error):
    document = PublishedDocumentFactory()
    document.collections.add(CollectionFactory(slug="letters"))
    token = oai_views.tokens.ResumptionToken(
        metadata_prefix="oai_dc",
        set_spec=None,
        from_=None,
        until=None,
        after=oai_views.Cursor(datestamp=BASE, id=1),
        cursor=1,
        complete_list_size=1,
    ).encode()
    query = {
        name: value.replace("TOKEN", token).replace("IDENTIFIER", identifier(document.record_id))
        for name, value in query.items()
    }

    with pytest.raises(error):
        scythe.harvest(query)

    answer = scythe.responses[-1]
    errors = answer.findall(f"{OAI}error")
    assert len(errors) == 1 and errors[0].text
    request = answer.find(f"{OAI}request")
    if error in (exceptions.BadVerb, exceptions.BadArgument):
        assert request.attrib == {}
    else:
        assert request.attrib == query


@pytest.mark.django_db(transaction=True)
def test_repeated_arguments_and_exhausted_tokens_are_refused(scythe, live_server, monkeypatch):
    monkeypatch.setattr(oai_views, "PAGE_SIZE", 1)
    first, second = PublishedDocumentFactory(), PublishedDocumentFactory()
    Document.objects.filter(pk=second.pk).update(
        metadata_changed_at=F("metadata_changed_at") + datetime.timedelta(seconds=5)
    )
    url = f"{live_server.url}/oai/?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
    answer = assert_valid(scythe.client.get(url).content, "oai-pmh-with-oai_dc.xsd")
    assert answer.find(f"{OAI}error").get("code") == "badArgument"
    answer = assert_valid(
        scythe.client.get(f"{live_server.url}/oai/?verb=Identify&verb=Identify").content,
        "oai-pmh-with-oai_dc.xsd",
    )
    assert answer.find(f"{OAI}error").get("code") == "badVerb"

    # The last page's token after its record is withdrawn and re-dated: nothing follows.
    page = scythe.harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = token_of(page.xml)
    Document.objects.filter(pk=second.pk).update(metadata_changed_at=BASE)
    with pytest.raises(exceptions.BadResumptionToken):
        scythe.harvest({"verb": "ListIdentifiers", "resumptionToken": token})
    assert first.record_id


@pytest.mark.django_db(transaction=True)
def test_without_collections_there_is_no_set_hierarchy(scythe):
    PublishedDocumentFactory()

    with pytest.raises(exceptions.NoSetHierarchy):
        list(scythe.list_sets())
    with pytest.raises(exceptions.NoSetHierarchy):
        list(scythe.list_records(set_="anything"))


@pytest.mark.django_db
def test_the_calendar_edges_are_no_server_error(client):
    PublishedDocumentFactory()
    for until in ("9999-12-31", "9999-12-31T23:59:59Z"):
        response = client.get(
            "/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": until}
        )
        page = assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
        assert len(page.findall(f".//{OAI}header")) == 1


@pytest.mark.django_db
def test_unsafe_text_is_escaped_and_control_characters_dropped(client):
    PublishedDocumentFactory(
        title="Cable <b>&amp; \x0b\x01 'quotes'", summary="a < b & c\r\nsecond line ]]>"
    )

    response = client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"})

    page = assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert page.find(f".//{dc}title").text == "Cable <b>&amp;  'quotes'"
    assert page.find(f".//{dc}description").text == "a < b & c\r\nsecond line ]]>"

    # Arguments are echoed in the request element's attributes, escaped there too.
    unknown = "oai:testserver:&'x\x01"
    response = client.get(
        "/oai/", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": unknown}
    )
    page = assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
    assert page.find(f"{OAI}request").get("identifier") == "oai:testserver:&'x"
    assert page.find(f"{OAI}error").get("code") == "idDoesNotExist"


# Queries --------------------------------------------------------------------------------------


def archive_of(size: int) -> None:
    collection = CollectionFactory(parent=CollectionFactory())
    language = Language.objects.create(code=f"x{size}", name=f"Language {size}")
    for _ in range(size):
        document = PublishedDocumentFactory()
        document.collections.add(collection)
        document.topics.add(TopicFactory())
        document.places.add(Place.objects.create(name=f"Place {document.pk}"))
        document.creators.add(AgentFactory())
        document.original_languages.add(language)
    withdraw(PublishedDocumentFactory())


QUERIES = {
    # verb: (arguments, queries): the set tree, the count (first page only), the page, and
    # one UNION of what its records name.
    "Identify": ({"verb": "Identify"}, 1),
    "ListSets": ({"verb": "ListSets"}, 1),
    "ListMetadataFormats": ({"verb": "ListMetadataFormats"}, 0),
    "ListIdentifiers": ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, 4),
    "ListRecords": ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, 4),
    "ListRecords by set": (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "SET"},
        4,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("size", [2, 12])
def test_each_verb_runs_a_fixed_number_of_queries(client, django_assert_num_queries, name, size):
    archive_of(size)
    query, count = QUERIES[name]
    parent = Collection.objects.get(parent=None)
    query = {k: v.replace("SET", parent.slug) for k, v in query.items()}

    with django_assert_num_queries(count):
        response = client.get("/oai/", query)

    assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
    assert b"<error" not in response.content


@pytest.mark.django_db
def test_get_record_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    archive_of(3)
    document = Document.objects.published().first()

    with django_assert_num_queries(3):
        response = client.get(
            "/oai/",
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": f"oai:testserver:{document.record_id}",
            },
        )

    assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
    assert document.title.encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 12])
def test_a_resumed_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, monkeypatch, size
):
    monkeypatch.setattr(oai_views, "PAGE_SIZE", 2)
    archive_of(size)
    first = client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    token = token_of(etree.fromstring(first.content))

    # No count: the list size travels in the token.
    with django_assert_num_queries(3):
        response = client.get("/oai/", {"verb": "ListRecords", "resumptionToken": token})

    page = assert_valid(response.content, "oai-pmh-with-oai_dc.xsd")
    assert len(page.findall(f".//{OAI}record")) == 2
