from django.db import migrations


def analyze(apps, schema_editor):
    from archive.statistics import analyze

    analyze(schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Statistics for the plans of the public pages (archive/statistics.py)."""

    atomic = False  # SQLite refuses nothing here, but ANALYZE needs no transaction

    dependencies = [("archive", "0015_published_newest_index")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)]
