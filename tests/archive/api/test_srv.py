"""/srv/: the Wilson Center Digital Archive API's shapes, checked by building the public
client's own models (``digitalarchive``: pydantic models that refuse missing fields and
wrong types) from our answers; only published material, as everywhere."""

import pytest
from digitalarchive import models as da

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def ids(response) -> set[str]:
    return {item["id"] for item in response.json()["list"]}


def test_record_search_shape(client, archive):
    response = get(client, "/srv/record.json")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"list", "pagination"}
    assert data["pagination"] == {"totalItems": 2, "page": 1, "totalPages": 1}
    published = {str(archive.document.record_id), str(archive.related.record_id)}
    assert ids(response) == published  # not the draft, not the withdrawn document
    for item in data["list"]:
        document = da.Document(**item)
        assert isinstance(document.id, str)
    first = next(i for i in data["list"] if i["id"] == str(archive.document.record_id))
    assert first["doc_date"] == "19500107"
    assert first["frontend_doc_date"] == "January 07, 1950"


def test_record_search_pages(client, archive):
    first = get(client, "/srv/record.json?itemsPerPage=1").json()
    assert first["pagination"] == {"totalItems": 2, "page": 1, "totalPages": 2}
    second = get(client, "/srv/record.json?itemsPerPage=1&page=2").json()
    assert {first["list"][0]["id"], second["list"][0]["id"]} == {
        str(archive.document.record_id),
        str(archive.related.record_id),
    }


@pytest.mark.parametrize(
    "query",
    [
        "q=treaty+negotiations",
        "start_date=19500101&end_date=19500110",
        "coverage[]={beijing}",
        "subject[]={topic}",
        "contributor[]={mao}",
        "donor[]={funder}",
        "collection[]={collection}",
        "collection[]={collection}&subject[]={topic}",
        "repository={repository}",
        "language=chi",
        "translation=eng",
        "theme={collection}",
    ],
)
def test_record_search_filters(client, archive, query):
    query = query.format(
        beijing=archive.beijing.pk,
        topic=archive.topic.pk,
        mao=archive.mao.pk,
        funder=archive.funder.pk,
        collection=archive.collection.pk,
        repository=archive.repository.pk,
    )
    assert ids(get(client, f"/srv/record.json?{query}")) == {str(archive.document.record_id)}


def test_record_search_repeatable_filters_need_all_values(client, archive):
    query = f"subject[]={archive.topic.pk}&subject[]={archive.secret_topic.pk}"
    assert ids(get(client, f"/srv/record.json?{query}")) == set()


def test_theme_includes_sub_collections(client, archive):
    from tests.factories import CollectionFactory

    child = CollectionFactory(parent=archive.collection)
    archive.related.collections.add(child)
    assert ids(get(client, f"/srv/record.json?theme={archive.collection.pk}")) == {
        str(archive.document.record_id),
        str(archive.related.record_id),
    }


def test_publisher_filter_finds_nothing(client, archive):
    data = get(client, "/srv/record.json?publisher=1").json()
    assert data == {"list": [], "pagination": {"totalItems": 0, "page": 1, "totalPages": 1}}


@pytest.mark.parametrize(
    "query",
    ["start_date=1950", "end_date=19501301", "coverage[]=999999", "subject[]=abc",
     "itemsPerPage=-3", "page=9", "theme=nothing", "q=" + "a+" * 40],
)  # fmt: skip
def test_record_search_bad_input_is_a_json_400(client, archive, query):
    response = get(client, f"/srv/record.json?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}


def test_record_detail_builds_the_clients_document(client, archive):
    document = archive.document
    data = get(client, f"/srv/record/{document.record_id}.json").json()
    record = da.Document(**data)  # parses every nested list into the client's models
    assert record.id == str(document.record_id)
    assert [s.name for s in record.subjects] == ["Vietnam War"]
    assert [c.name for c in record.original_coverages] == ["Beijing"]
    assert [c.name for c in record.creators] == ["Mao Zedong"]
    assert [d.name for d in record.donors] == ["Henry Luce Foundation"]
    assert [language.id for language in record.languages] == ["chi"]
    assert [t.language.id for t in record.translations] == ["eng"]
    assert [c.name for c in record.collections] == ["Sino-Soviet Relations"]
    assert [r.name for r in record.repositories] == [archive.repository.name]
    assert [m.extension for m in record.media_files] == ["jpg", "pdf"]
    assert [d["id"] for d in record.links] == [str(archive.related.record_id)]  # published only
    assert record.date_range_start.isoformat() == "1950-01-07"
    for value in [data["id"], *(s["id"] for s in data["subjects"])]:
        assert isinstance(value, str)


def test_asset_urls_serve_the_texts_and_scans(client, archive):
    data = get(client, f"/srv/record/{archive.document.record_id}.json").json()
    transcript = client.get(data["transcripts"][0]["url"])
    assert transcript.status_code == 200 and "恩来同志" in transcript.content.decode()
    translation = client.get(data["translations"][0]["url"])
    assert "Comrade Enlai" in translation.content.decode()
    for media in data["media_files"]:
        scan = client.get(media["path"], follow=True)
        assert scan.status_code == 200


def test_unpublished_assets_are_not_served(client, archive):
    for url in [
        f"/srv/translation/{archive.draft_translation.pk}.html",
        f"/srv/transcript/{archive.withdrawn_transcript.pk}.html",
        f"/srv/media_file/{archive.draft_scan.pk}",
    ]:
        response = get(client, url)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_unpublished_records_are_404(client, archive, which):
    record_id = getattr(archive, which).record_id
    assert get(client, f"/srv/record/{record_id}.json").status_code == 404


def test_date_range(client, archive):
    assert get(client, "/srv/record/date_range.json").json() == {
        "begin": "19500107",
        "end": "19500228",  # the related document of February 1950; not the 1951 draft
    }


def test_collection_endpoints(client, archive):
    data = get(client, f"/srv/collection/{archive.collection.pk}.json").json()
    collection = da.Collection(**data)
    assert (collection.name, collection.no_of_documents) == ("Sino-Soviet Relations", "1")
    found = get(client, "/srv/record.json?model=Collection&q=sino").json()
    assert [c["id"] for c in found["list"]] == [str(archive.collection.pk)]
    assert ids(get(client, "/srv/collection.json?term=papers")) == set()  # inactive
    assert get(client, f"/srv/collection/{archive.hidden_collection.pk}.json").status_code == 404


@pytest.mark.parametrize(
    ("kind", "model", "public", "secret", "term"),
    [
        ("subject", da.Subject, "topic", "secret_topic", "viet"),
        ("coverage", da.Coverage, "china", "secret_place", "chin"),
        ("contributor", da.Contributor, "mao", "secret_agent", "mao"),
        ("repository", da.Repository, "repository", None, "repo"),
    ],
)
def test_authority_search_and_detail(client, archive, kind, model, public, secret, term):
    obj = getattr(archive, public)
    found = get(client, f"/srv/{kind}.json?term={term}").json()
    assert [item["id"] for item in found["list"]] == [str(obj.pk)]
    for item in found["list"]:
        model(**item)
    detail = get(client, f"/srv/{kind}/{obj.pk}.json")
    assert detail.status_code == 200
    assert model(**detail.json()).name == obj.name
    everything = ids(get(client, f"/srv/{kind}.json"))
    if secret:
        hidden = getattr(archive, secret)
        assert str(hidden.pk) not in everything
        assert get(client, f"/srv/{kind}/{hidden.pk}.json").status_code == 404


def test_coverage_detail_has_parent_and_children(client, archive):
    china = da.Coverage(**get(client, f"/srv/coverage/{archive.china.pk}.json").json())
    assert [child.name for child in china.children] == ["Beijing"]
    beijing = da.Coverage(**get(client, f"/srv/coverage/{archive.beijing.pk}.json").json())
    assert beijing.parent.name == "China"


def test_srv_etag_gives_304(client, archive):
    first = client.get("/srv/record.json")
    assert (
        client.get("/srv/record.json", headers={"If-None-Match": first["ETag"]}).status_code == 304
    )
