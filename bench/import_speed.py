"""Import speed: documents with all their relations, created then updated, against
django-import-export's untuned default ``ModelResource`` on the same file, same run.

    uv run python bench/import_speed.py --rows 10000            # SQLite (temporary file)
    DATABASE_URL=postgres://… uv run python bench/import_speed.py --rows 10000

Each measurement runs in a fresh child process on an emptied database, so its peak
resident memory (``ru_maxrss``) is its own. The generated file (CSV) has one row per
document naming, by natural key, a document type, a classification, a rights
statement, two original languages, two creators, a recipient, two places (as
"Country > City" paths), two topics, a collection, a funder, a repository, an
archival reference, a transcript and a translation with a translator. The authorities
exist beforehand (created once, not timed). The update pass changes every row's
summary, a topic and the translation.

The baseline is what one writes first with django-import-export: a ``ModelResource``
whose relation fields use ``ForeignKeyWidget``/``ManyToManyWidget`` by name, saving
row by row (import-export's defaults). It is slow, so it imports the first
``--baseline-rows`` rows (default 1,000) and is compared by rows per second.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COUNTRIES, CITIES, TOPICS, AGENTS, TRANSLATORS = 20, 10, 150, 2000, 50


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def seed() -> None:
    """An emptied archive holding the authorities the file names."""
    from django.core.management import call_command

    from archive.models import (
        Agent,
        Classification,
        Collection,
        DocumentType,
        Funder,
        Language,
        Place,
        Repository,
        RightsStatement,
        Topic,
        Translator,
    )
    from archive.search.index import updates_paused

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # post_migrate: the roles and their permissions
    with updates_paused():
        for code, name in [
            ("zh", "Chinese"),
            ("ru", "Russian"),
            ("en", "English"),
            ("vi", "Vietnamese"),
        ]:
            Language.objects.create(code=code, name=name)
        for n in range(5):
            Classification.objects.create(name=f"Level {n}", slug=f"level-{n}", rank=n)
        DocumentType.objects.bulk_create(
            DocumentType(name=f"Type {n}", slug=f"type-{n}") for n in range(12)
        )
        RightsStatement.objects.create(name="Reuse", slug="reuse")
        Topic.objects.bulk_create(
            Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TOPICS)
        )
        Agent.objects.bulk_create(
            Agent(name=f"Agent {n}", slug=f"agent-{n}") for n in range(AGENTS)
        )
        Translator.objects.bulk_create(
            Translator(name=f"Translator {n}", slug=f"translator-{n}") for n in range(TRANSLATORS)
        )
        Funder.objects.bulk_create(
            Funder(name=f"Funder {n}", slug=f"funder-{n}") for n in range(20)
        )
        Repository.objects.bulk_create(
            Repository(name=f"Archive {n}", slug=f"archive-{n}") for n in range(30)
        )
        Collection.objects.bulk_create(
            Collection(title=f"Collection {n}", slug=f"collection-{n}") for n in range(60)
        )
        for c in range(COUNTRIES):
            country = Place.objects.create(name=f"Country {c}", slug=f"country-{c}")
            for t in range(CITIES):
                Place.objects.create(name=f"City {c}-{t}", slug=f"city-{c}-{t}", parent=country)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create(username="bench-importer", is_superuser=True)
        user.set_unusable_password()
        user.save()


def write_file(path: Path, rows: int, *, version: int) -> None:
    rng = random.Random(42)
    words = ["treaty", "border", "cable", "embassy", "ministry", "delegation", "talks", "aid"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "record_id",
                "title",
                "date",
                "summary",
                "document_type",
                "classification",
                "rights_statement",
                "original_languages",
                "creators",
                "recipients",
                "places",
                "topics",
                "collections",
                "funders",
                "repository",
                "archival_reference",
                "transcript_language",
                "transcript",
                "translation_language",
                "translation",
                "translators",
            ]
        )
        for n in range(rows):
            c1, c2 = rng.randrange(COUNTRIES), rng.randrange(COUNTRIES)
            text = " ".join(rng.choice(words) for _ in range(60))
            out.writerow(
                [
                    500000 + n,
                    f"Cable {n} on the {rng.choice(words)}",
                    f"19{rng.randrange(45, 92)}-{rng.randrange(1, 13):02d}"
                    f"-{rng.randrange(1, 29):02d}",
                    f"Summary {n} v{version}: {text[:120]}",
                    f"Type {rng.randrange(12)}",
                    f"Level {rng.randrange(5)}",
                    "Reuse",
                    "zh | ru",
                    f"Agent {rng.randrange(AGENTS)} | Agent {rng.randrange(AGENTS)}",
                    f"Agent {rng.randrange(AGENTS)}",
                    f"Country {c1} > City {c1}-{rng.randrange(CITIES)} | Country {c2}",
                    f"Topic {(n + version) % TOPICS} | Topic {rng.randrange(TOPICS)}",
                    f"collection-{rng.randrange(60)}",
                    f"Funder {rng.randrange(20)}",
                    f"Archive {rng.randrange(30)}",
                    f"Fonds {n}, file {rng.randrange(999)}",
                    "zh",
                    f"<p>{text}</p>",
                    "en",
                    f"<p>v{version} {text}</p>",
                    f"Translator {rng.randrange(TRANSLATORS)}",
                ]
            )


def child_tuned(rows: int, workdir: Path) -> dict:
    setup()
    seed()
    from django.contrib.auth import get_user_model

    from curation.import_files import open_import_file
    from curation.imports import ImportOptions, documents_import

    user = get_user_model().objects.get(username="bench-importer")
    results = {}
    for phase, version in (("create", 1), ("update", 2)):
        path = workdir / f"documents-{rows}-v{version}.csv"
        write_file(path, rows, version=version)
        started, cpu = time.perf_counter(), time.process_time()
        file = open_import_file(
            source=lambda path=path: path.open("rb"), size=path.stat().st_size, name=path.name
        )
        report = documents_import(file=file, user=user, options=ImportOptions(dry_run=False))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not report.errors, report.errors[:5]
        done = report.created if phase == "create" else report.updated
        assert done == rows, (phase, report.summary())
        results[phase] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "rows_per_cpu_s": round(rows / cpu),
        }
    results["peak_mb"] = round(peak_mb())
    return results


def child_default(rows: int, workdir: Path) -> dict:
    setup()
    seed()
    from django.contrib.auth import get_user_model
    from import_export import fields, resources, widgets

    from archive import models as m
    from curation.import_files import read_import_file

    def fk(name, model, key="name"):
        return fields.Field(
            attribute=name, column_name=name, widget=widgets.ForeignKeyWidget(model, key)
        )

    def many(name, model, key="name"):
        return fields.Field(
            attribute=name,
            column_name=name,
            widget=widgets.ManyToManyWidget(model, separator=" | ", field=key),
        )

    class DefaultDocumentResource(resources.ModelResource):
        # Import-export as documented, nothing tuned: row by row, relations by name.
        date = fields.Field(attribute="date_entered", column_name="date")
        document_type = fk("document_type", m.DocumentType)
        classification = fk("classification", m.Classification)
        rights_statement = fk("rights_statement", m.RightsStatement)
        original_languages = many("original_languages", m.Language, "code")
        creators = many("creators", m.Agent)
        recipients = many("recipients", m.Agent)
        topics = many("topics", m.Topic)
        collections = many("collections", m.Collection, "slug")
        funders = many("funders", m.Funder)

        class Meta:
            model = m.Document
            import_id_fields = ["record_id"]
            fields = (
                "record_id",
                "title",
                "date",
                "summary",
                "document_type",
                "classification",
                "rights_statement",
                "original_languages",
                "creators",
                "recipients",
                "topics",
                "collections",
                "funders",
            )

    user = get_user_model().objects.get(username="bench-importer")
    path = workdir / f"documents-default-{rows}.csv"
    write_file(path, rows, version=1)
    dataset = read_import_file(data=path.read_bytes(), name=path.name).dataset
    started = time.perf_counter()
    result = DefaultDocumentResource().import_data(
        dataset, dry_run=False, user=user, use_transactions=True
    )
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return {
        "create": {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)},
        "peak_mb": round(peak_mb()),
        "note": "places, provenance and texts are not imported: no default widget for them",
    }


def run_child(kind: str, rows: int, env: dict, workdir: Path) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--rows",
        str(rows),
        "--workdir",
        str(workdir),
    ]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000)
    parser.add_argument("--child", choices=["tuned", "default"])
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.child:
        work = Path(args.workdir)
        result = (child_tuned if args.child == "tuned" else child_default)(args.rows, work)
        print(json.dumps(result))
        return
    env = dict(os.environ)
    # Timed with its search reindex, which a large import otherwise leaves to the worker.
    env.setdefault("DOSSIER_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        work = Path(tmp)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True
            )
        vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
        tuned = run_child("tuned", args.rows, env, work)
        default = run_child("default", args.baseline_rows, env, work)
    ratio = tuned["create"]["rows_per_s"] / default["create"]["rows_per_s"]
    print(f"{vendor}, {args.rows} documents with relations")
    for phase in ("create", "update"):
        r = tuned[phase]
        print(
            f"  dossier {phase}: {r['rows_per_s']:>6} rows/s ({r['seconds']} s; "
            f"{r['rows_per_cpu_s']} rows per CPU second of this process)"
        )
    d = default["create"]
    print(f"  import-export default create ({d['rows']} rows): {d['rows_per_s']:>6} rows/s")
    print(
        f"  speed-up: {ratio:.1f}x; peak memory: dossier {tuned['peak_mb']} MB, "
        f"default {default['peak_mb']} MB"
    )
    budget_ok = tuned["create"]["rows_per_s"] >= 2000 and ratio >= 5 and tuned["peak_mb"] <= 300
    print(f"  budgets (>= 2000 rows/s, >= 5x, <= 300 MB): {'met' if budget_ok else 'NOT met'}")


if __name__ == "__main__":
    main()
