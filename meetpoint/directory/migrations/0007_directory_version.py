"""The directory's version token `directory_version`, replaced by database triggers on every change of what
search reads: remembered search answers are keyed by it (meetpoint/directory/search_cache.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from meetpoint.directory import search_cache

    search_cache.install(schema_editor.connection)


def drop(apps, schema_editor):
    from meetpoint.directory import search_cache

    search_cache.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_search_entry_index"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
