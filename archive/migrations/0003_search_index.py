"""The search index: a row per published document, and the vendor's full-text storage.

PostgreSQL: a tsvector column with a GIN index, a generated array of facet keys with
a GIN index, and the SQL functions the indexing statement uses. SQLite: an FTS5
table. Fill it for existing records with `manage.py rebuild_search_index`.
"""

from django.db import migrations, models

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CONTROL = r"\x01-\x08\x0b\x0c\x0e-\x1f\x7f"

POSTGRES = [
    "ALTER TABLE archive_searchentry ADD COLUMN body_text text NOT NULL DEFAULT ''",
    "ALTER TABLE archive_searchentry ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    # Title, summary and names alone: ranks the top tier of very large result sets.
    "ALTER TABLE archive_searchentry ADD COLUMN head_vector tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE archive_searchentry ADD COLUMN facet_array text[] "
    "GENERATED ALWAYS AS (string_to_array(facets, ' ')) STORED",
    # Move every large value out of line, so the heap rows a GIN bitmap scan visits stay
    # small (counting 100k matches visits 100k rows).
    "ALTER TABLE archive_searchentry SET (toast_tuple_target = 128)",
    "CREATE INDEX searchentry_vector ON archive_searchentry USING gin (vector)",
    "CREATE INDEX searchentry_head_vector ON archive_searchentry USING gin (head_vector)",
    "CREATE INDEX searchentry_facet_array ON archive_searchentry USING gin (facet_array)",
    "CREATE AGGREGATE tsvector_agg (tsvector) "
    "(SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')",
    # Plain text as indexed: control characters out (two of them mark highlights),
    # CJK characters spaced apart (archive.search.text.plain_text does the same).
    "CREATE FUNCTION dossier_plain(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
    f" SELECT regexp_replace(regexp_replace(coalesce(t, ''), '[{CONTROL}]', ' ', 'g'),"
    f" '([{CJK}])', ' \\1 ', 'g') $$",
    # Sanitized rich text (archive.richtext) to plain text: tags out, entities decoded.
    "CREATE FUNCTION dossier_html(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
    " SELECT dossier_plain(replace(replace(replace(replace(replace(replace("
    " regexp_replace(coalesce(t, ''), '<[^>]*>', ' ', 'g'),"
    " '&lt;', '<'), '&gt;', '>'), '&quot;', '\"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&'))"
    " $$",
    # Facet keys without repeats.
    "CREATE FUNCTION dossier_keys(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
    " SELECT coalesce(string_agg(DISTINCT k, ' ' ORDER BY k), '')"
    " FROM unnest(string_to_array(t, ' ')) k WHERE k <> '' $$",
]
POSTGRES_REVERSE = [
    "DROP FUNCTION IF EXISTS dossier_keys(text)",
    "DROP FUNCTION IF EXISTS dossier_html(text)",
    "DROP FUNCTION IF EXISTS dossier_plain(text)",
    "DROP AGGREGATE IF EXISTS tsvector_agg(tsvector)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE archive_search_fts USING fts5("
    "title, summary, body, names, facets, years, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS archive_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0002_scheduled_publication'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('document_id', models.IntegerField(primary_key=True, serialize=False, verbose_name='document')),
                ('date_earliest', models.DateField(null=True)),
                ('date_latest', models.DateField(null=True)),
                ('facets', models.TextField(blank=True, help_text='Space-separated keys such as "to12 pl3", one per facet value.', verbose_name='facet keys')),
            ],
            options={
                'verbose_name': 'search index entry',
                'verbose_name_plural': 'search index entries',
                'indexes': [models.Index(fields=['date_earliest'], name='searchentry_date_earliest'), models.Index(fields=['date_latest'], name='searchentry_date_latest')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
