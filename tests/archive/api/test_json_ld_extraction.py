"""The document page's schema.org JSON-LD, read by extruct (the extractor crawlers and
aggregators use) rather than by our own parsing: one ArchiveComponent with the fields a
harvester needs, none of a draft's."""

import extruct
import pytest

pytestmark = pytest.mark.django_db


def extract(client, document) -> list[dict]:
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    url = f"http://testserver{document.get_absolute_url()}"
    return extruct.extract(response.content.decode(), base_url=url, syntaxes=["json-ld"])["json-ld"]


def test_json_ld_extracts_with_name_dates_people_and_places(client, archive):
    document = archive.document
    document.title = 'Telegram "A & B" </script><b>'
    document.save()
    [item] = extract(client, document)
    assert item["@type"] == "ArchiveComponent"
    assert item["name"] == 'Telegram "A & B" </script><b>'
    assert item["identifier"] == str(document.record_id)
    assert item["@id"] == f"http://testserver/documents/{document.record_id}/"
    assert item["dateCreated"] == "1950-01-07"
    assert item["datePublished"] == document.first_published_at.date().isoformat()
    assert item["description"] == document.summary
    assert item["genre"] == "Telegram"
    assert [c["name"] for c in item["creator"]] == ["Mao Zedong"]
    assert [r["name"] for r in item["recipient"]] == ["Zhou Enlai"]
    assert [p["name"] for p in item["spatialCoverage"]] == ["Beijing"]
    assert [t["name"] for t in item["about"]] == ["Vietnam War"]
    assert item["inLanguage"] == ["zh"]
    assert [c["name"] for c in item["isPartOf"]] == ["Sino-Soviet Relations"]  # active only
    assert item["holdingArchive"]["name"] == archive.repository.name
    assert item["workTranslation"][0]["translator"][0]["name"] == "David Cowhig"
    assert len(item["associatedMedia"]) == 2
    for media in item["associatedMedia"]:
        assert client.get(media["contentUrl"]).status_code == 200


def test_json_ld_of_a_withdrawn_document_is_not_served(client, archive):
    response = client.get(archive.withdrawn.get_absolute_url())
    assert response.status_code == 410
    assert extruct.extract(response.content.decode(), syntaxes=["json-ld"])["json-ld"] == []
