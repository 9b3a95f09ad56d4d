"""PostgreSQL: search folds diacritics in English and unstemmed text, as FTS5 does.

"Ha Noi" finds "Hà Nội" and "Hà Nội" still finds it: text and queries in the
archive's configuration (English) and in "simple" (names, and languages without a
stemmer such as Vietnamese) go through the ``unaccent`` dictionary before the
stemmer. The other languages' stemmers keep their diacritics: they need them to find
the ending ("negociación" stems as "negoci", "negociacion" does not). ``unaccent`` is
a trusted extension (PostgreSQL 13+): the database's owner may create it. The index is
rebuilt with the new configurations.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE = [
    "CREATE TEXT SEARCH CONFIGURATION dossier_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION dossier_english "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION dossier_simple (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION dossier_simple "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
]
DROP = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS dossier_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS dossier_simple",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement, params=None)
    if apps.get_model("archive", "SearchEntry").objects.exists():
        from archive.search.index import rebuild_index

        rebuild_index()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("archive", "0016_planner_statistics")]

    operations = [UnaccentExtension(), migrations.RunPython(forwards, backwards)]
