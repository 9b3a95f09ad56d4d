# ruff: noqa: E501  (SQL reads better unwrapped)
"""The set-based generator for PostgreSQL: the same kind of archive as
generate_archive's Python path, written by INSERT … SELECT over generate_series, so a
million documents take minutes. Words are drawn with a skew towards the front of each
vocabulary (ordered most frequent first), which gives a Zipf-like spread."""

from django.db import connection

TEXT_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.gen_text(words text[], n int, sep text, rare text[])
RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT '<p>' || string_agg(words[1 + floor(array_length(words, 1) * random() ^ 3)::int], sep)
    || CASE WHEN random() < 0.002
            THEN ' ' || rare[1 + floor(random() * array_length(rare, 1))::int] ELSE '' END
    || '</p>'
  FROM generate_series(1, greatest(n, 3))
$$
"""


def generate(*, first: int, last: int, vocab: dict, a: dict, median_words: int, rare) -> None:
    """Documents first..last (record ids) and everything hanging off them."""
    ids = {
        name: [obj.pk for obj in a[name]]
        for name in (
            "types",
            "classifications",
            "topics",
            "collections",
            "agents",
            "translators",
            "funders",
            "repositories",
            "places",
        )
    }
    lang = {code: language.pk for code, language in a["languages"].items()}
    params = {
        "first": first,
        "last": last,
        "median": median_words,
        "en": vocab["en"],
        "ru": vocab["ru"],
        "vi": vocab["vi"],
        "zh": vocab["zh"],
        "rare": list(rare),
        "rights": a["rights"].pk,
        **ids,
        **{f"lang_{code}": pk for code, pk in lang.items()},
    }
    length = "greatest(20, (%(median)s * exp(0.6 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())))::int)"
    statements = [
        TEXT_FUNCTION,
        # Documents with dates at day (60%), month (20%), year (18%) precision or undated.
        """
        INSERT INTO archive_document (record_id, title, slug, summary, date_entered, date_edtf,
            date_earliest, date_latest, date_precision, date_display, document_type_id,
            classification_id, rights_statement_id, status, first_published_at, created_at,
            updated_at, metadata_changed_at, withdrawal_reason)
        SELECT r, initcap(replace(replace(pg_temp.gen_text(%(en)s, 8, ' ', %(rare)s), '<p>', ''),
                '</p>', '')),
            'generated-' || r,
            replace(replace(pg_temp.gen_text(%(en)s, 25, ' ', %(rare)s), '<p>', ''), '</p>', '.'),
            CASE WHEN p < 0.6 THEN to_char(day, 'YYYY-MM-DD') WHEN p < 0.8 THEN to_char(day, 'YYYY-MM')
                 WHEN p < 0.98 THEN to_char(day, 'YYYY') ELSE 'undated' END,
            CASE WHEN p < 0.6 THEN to_char(day, 'YYYY-MM-DD') WHEN p < 0.8 THEN to_char(day, 'YYYY-MM')
                 WHEN p < 0.98 THEN to_char(day, 'YYYY') ELSE '' END,
            CASE WHEN p < 0.6 THEN day WHEN p < 0.8 THEN date_trunc('month', day)::date
                 WHEN p < 0.98 THEN date_trunc('year', day)::date END,
            CASE WHEN p < 0.6 THEN day
                 WHEN p < 0.8 THEN (date_trunc('month', day) + interval '1 month - 1 day')::date
                 WHEN p < 0.98 THEN (date_trunc('year', day) + interval '1 year - 1 day')::date END,
            CASE WHEN p < 0.6 THEN 'day' WHEN p < 0.8 THEN 'month' WHEN p < 0.98 THEN 'year'
                 ELSE 'undated' END,
            CASE WHEN p < 0.6 THEN to_char(day, 'FMMonth DD, YYYY')
                 WHEN p < 0.8 THEN to_char(day, 'FMMonth YYYY') WHEN p < 0.98 THEN to_char(day, 'YYYY')
                 ELSE 'Undated' END,
            (%(types)s::bigint[])[1 + floor(random() * array_length(%(types)s::bigint[], 1))::int],
            (%(classifications)s::bigint[])[1 + floor(random() * 6)::int],
            %(rights)s, 'published', at, at, at, at, ''
        -- clock_timestamp(), not now(): each row its own moment, as saves one by one give,
        -- so OAI-PMH datestamps do not tie across a 50,000-document batch.
        FROM (SELECT r, random() AS p, clock_timestamp() AS at,
                     (date '1945-01-01' + floor(random() * 17000)::int) AS day
              FROM generate_series(%(first)s, %(last)s) r) x
        """,
        # One transcript per document: Chinese, Russian, Vietnamese, English or German.
        f"""
        INSERT INTO archive_transcript (document_id, language_id, body, created_at, updated_at)
        SELECT d.id, CASE WHEN p < 0.35 THEN %(lang_zh)s WHEN p < 0.7 THEN %(lang_ru)s
                          WHEN p < 0.85 THEN %(lang_vi)s WHEN p < 0.95 THEN %(lang_en)s
                          ELSE %(lang_de)s END,
            CASE WHEN p < 0.35 THEN pg_temp.gen_text(%(zh)s, {length} * 2, '', %(rare)s)
                 WHEN p < 0.7 THEN pg_temp.gen_text(%(ru)s, {length}, ' ', %(rare)s)
                 WHEN p < 0.85 THEN pg_temp.gen_text(%(vi)s, {length}, ' ', %(rare)s)
                 ELSE pg_temp.gen_text(%(en)s, {length}, ' ', %(rare)s) END,
            now(), now()
        FROM (SELECT id, random() AS p FROM archive_document
              WHERE record_id BETWEEN %(first)s AND %(last)s) d
        """,
        # An English translation of every non-English transcript; 90% approved.
        f"""
        INSERT INTO archive_translation (document_id, language_id, body, credit_line, state,
            approved_body, approved_at, approved_credit, alignment, created_at, updated_at)
        SELECT t.document_id, %(lang_en)s, body, '', CASE WHEN a THEN 'approved' ELSE 'draft' END,
               CASE WHEN a THEN body ELSE '' END, CASE WHEN a THEN now() END, '', '', now(), now()
        FROM (SELECT x.document_id, pg_temp.gen_text(%(en)s, ({length} + 0 * x.id)::int, ' ', %(rare)s) AS body,
                     random() < 0.9 AS a
              FROM archive_transcript x JOIN archive_document d ON d.id = x.document_id
              WHERE d.record_id BETWEEN %(first)s AND %(last)s AND x.language_id <> %(lang_en)s) t
        """,
        """
        INSERT INTO archive_translation_translators (translation_id, translator_id)
        SELECT t.id, (%(translators)s::bigint[])[1 + floor(random() * array_length(%(translators)s::bigint[], 1) + 0 * t.id)::int]
        FROM archive_translation t JOIN archive_document d ON d.id = t.document_id
        WHERE d.record_id BETWEEN %(first)s AND %(last)s
        """,
        # Readers (and search) see the translators an approved translation was approved with.
        """
        INSERT INTO archive_translation_approved_translators (translation_id, translator_id)
        SELECT tt.translation_id, tt.translator_id
        FROM archive_translation_translators tt
        JOIN archive_translation t ON t.id = tt.translation_id
        JOIN archive_document d ON d.id = t.document_id
        WHERE d.record_id BETWEEN %(first)s AND %(last)s AND t.approved_body <> ''
        """,
        """
        UPDATE archive_translation t SET approved_credit = 'Translated by ' || tr.name
        FROM archive_translation_approved_translators at
        JOIN archive_translator tr ON tr.id = at.translator_id,
             archive_document d
        WHERE at.translation_id = t.id AND d.id = t.document_id
          AND d.record_id BETWEEN %(first)s AND %(last)s
        """,
        # Version 1 of each approved translation, as its approval records it (archive/versions.py).
        """
        INSERT INTO archive_translationversion (document_id, translation_id, language_id, number,
            body, credit, approved_at, withdrawal_reason)
        SELECT t.document_id, t.id, t.language_id, 1, t.approved_body, t.approved_credit,
               t.approved_at, ''
        FROM archive_translation t JOIN archive_document d ON d.id = t.document_id
        WHERE d.record_id BETWEEN %(first)s AND %(last)s AND t.approved_body <> ''
        """,
        """
        INSERT INTO archive_translationversion_translators (translationversion_id, translator_id)
        SELECT v.id, at.translator_id
        FROM archive_translationversion v
        JOIN archive_translation_approved_translators at ON at.translation_id = v.translation_id
        JOIN archive_document d ON d.id = v.document_id
        WHERE d.record_id BETWEEN %(first)s AND %(last)s
        """,
        """
        INSERT INTO archive_provenance (document_id, repository_id, archival_reference,
            published_source, translation_source, acquisition_note, declassification_note,
            declassification_case, declassification_program, updated_at)
        SELECT id, (%(repositories)s::bigint[])[1 + floor(random() * array_length(%(repositories)s::bigint[], 1) + 0 * id)::int],
               'GEN ' || record_id, '', '', '', '', '', '', now()
        FROM archive_document WHERE record_id BETWEEN %(first)s AND %(last)s
        """,
    ]
    relations = [
        ("archive_document_places", "place_id", "places", 3, 2),
        ("archive_document_topics", "topic_id", "topics", 3, 1),
        ("archive_document_collections", "collection_id", "collections", 2, 1),
        ("archive_document_creators", "agent_id", "agents", 2, 1),
        ("archive_document_funders", "funder_id", "funders", 2, 1),
    ]
    for table, column, name, most, skew in relations:
        statements.append(f"""
        INSERT INTO {table} (document_id, {column})
        SELECT DISTINCT d.id, (%({name})s::bigint[])[1 + floor(
            array_length(%({name})s::bigint[], 1) * random() ^ {skew} + 0 * n)::int]
        FROM archive_document d
        CROSS JOIN LATERAL generate_series(1, floor(random() * {most + 1} + 0 * d.id)::int) n
        WHERE d.record_id BETWEEN %(first)s AND %(last)s
        ON CONFLICT DO NOTHING
        """)
    statements.append("""
        INSERT INTO archive_document_original_languages (document_id, language_id)
        SELECT x.document_id, x.language_id FROM archive_transcript x
        JOIN archive_document d ON d.id = x.document_id
        WHERE d.record_id BETWEEN %(first)s AND %(last)s
        ON CONFLICT DO NOTHING
    """)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params if "%(" in statement else None)
