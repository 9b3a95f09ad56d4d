"""The migration that gave translations numbered versions: each approved text readers saw
became a version, numbered per document and language, with the translators it was
approved with."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("archive", "0011_reading_alignment_and_variant_names")]
AFTER = [("archive", "0012_translation_versions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def schema_restored_afterwards():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("schema_restored_afterwards")
def test_each_approved_text_becomes_a_numbered_version_with_its_translators():
    old = migrate(BEFORE)
    Document = old.get_model("archive", "Document")
    Language = old.get_model("archive", "Language")
    Translation = old.get_model("archive", "Translation")
    Translator = old.get_model("archive", "Translator")
    english = Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]
    german = Language.objects.get_or_create(code="de", defaults={"name": "German"})[0]
    cowhig = Translator.objects.create(name="David Cowhig", slug="david-cowhig")
    other = Translator.objects.create(name="Another Translator", slug="another-translator")
    document = Document.objects.create(record_id=900001, title="A cable", slug="a-cable")

    def translation(language, body, day, translators):
        text = Translation.objects.create(
            document=document,
            language=language,
            body=body,
            approved_body=body,
            approved_credit=f"Translated for the archive ({language.code})",
            approved_at=datetime(1990, 1, day, tzinfo=UTC),
        )
        text.approved_translators.set(translators)
        return text

    translation(english, "<p>First English text</p>", 2, [cowhig, other])
    translation(german, "<p>Deutscher Text</p>", 1, [other])
    Translation.objects.create(document=document, language=english, body="<p>Draft</p>")

    new = migrate(AFTER)
    versions = new.get_model("archive", "TranslationVersion").objects.order_by("language__code")
    assert [(v.language.code, v.number, v.body) for v in versions] == [
        ("de", 1, "<p>Deutscher Text</p>"),
        ("en", 1, "<p>First English text</p>"),
    ]
    assert {t.name for t in versions[1].translators.all()} == {"David Cowhig", "Another Translator"}
    assert [t.name for t in versions[0].translators.all()] == ["Another Translator"]
    assert versions[1].credit == "Translated for the archive (en)"
    assert versions[1].approved_at == datetime(1990, 1, 2, tzinfo=UTC)
