"""Bring stored rich text into the normal form the model field now writes.

Rows saved before (imports, fixtures, older code) may end in a newline or carry CRLF line
breaks; the form would send them back normalized and count that as an edit. Rewritten
directly (no history, no reindex): the text readers see is the same.
"""

from django.db import migrations

from archive.richtext import RichTextField, sanitize_html


def normalize(apps, schema_editor):
    for model in apps.get_app_config("archive").get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, RichTextField)]
        if not names:
            continue
        rows = model._default_manager.values_list("pk", *names).iterator(chunk_size=500)
        for pk, *values in rows:
            changed = {
                name: sanitize_html(value)
                for name, value in zip(names, values, strict=True)
                if value is not None and sanitize_html(value) != value
            }
            if changed:
                model._default_manager.filter(pk=pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_updated_at_for_the_concurrency_guard"),
    ]

    operations = [
        migrations.RunPython(normalize, migrations.RunPython.noop, elidable=True),
    ]
