"""PostgreSQL: index Chinese and Japanese text by pairs of adjacent characters too.

The index spaces these characters apart (neither database splits them into words),
so a word of several characters was a phrase of single characters, and every
document holding those characters anywhere had to be read to check their order.
Pairs ("外交部" → "外交 交部") make such a word a phrase of rare lexemes instead.
Entries written before this need `manage.py rebuild_search_index` to be found by
such words; this migration reindexes the ones that hold these characters.
"""

from django.db import migrations

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

CREATE = (
    # Runs of spaced CJK characters ("外 交 部，中 國") become their pairs, runs apart
    # by a stop word ("外交 交部 the 中國"), so no phrase reaches from one run into the
    # next (the pairs are indexed with the 'english' configuration, which drops it).
    "CREATE FUNCTION dossier_cjk_pairs(t text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
    " SELECT coalesce(string_agg(run, ' the ' ORDER BY n), '') FROM ("
    "  SELECT n, string_agg(substr(r, i, 2), ' ' ORDER BY i) AS run"
    f"  FROM regexp_matches(coalesce(t, ''), '[{CJK}](?: +[{CJK}])+', 'g')"
    "  WITH ORDINALITY AS m(a, n),"
    "  replace(m.a[1], ' ', '') AS r, generate_series(1, length(r) - 1) AS i"
    "  GROUP BY n) runs $$"
)
DROP = "DROP FUNCTION IF EXISTS dossier_cjk_pairs(text)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.document_id FROM archive_searchentry e "
            "JOIN archive_document d ON d.id = e.document_id "
            "WHERE e.body_text ~ %s OR d.title ~ %s OR d.summary ~ %s",
            [f"[{CJK}]"] * 3,
        )
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        from archive.search.index import reindex_documents

        reindex_documents(ids)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
