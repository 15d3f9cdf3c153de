"""Joins the two 0008 migrations. Each rebuilds a table on SQLite and reinstalls the search index and version
triggers at its end; they are reinstalled once more here so the order the two ran in never matters."""

from django.db import migrations


def reinstall_triggers(apps, schema_editor):
    from meetpoint.directory import search_cache, search_index

    search_index.install(schema_editor.connection)
    search_cache.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_confidential_sites_need_to_know"),
        ("directory", "0008_service_assured_date"),
    ]

    operations = [migrations.RunPython(reinstall_triggers, migrations.RunPython.noop)]
