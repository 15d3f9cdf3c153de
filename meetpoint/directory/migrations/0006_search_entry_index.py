"""The search index table `directory_search_entry`, kept in sync by database triggers.

See meetpoint/directory/search_index.py (what the table holds and why triggers) and docs/directory.md.
"""

from django.db import migrations


def create(apps, schema_editor):
    from meetpoint.directory import search_index

    search_index.install(schema_editor.connection)


def drop(apps, schema_editor):
    from meetpoint.directory import search_index

    search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_schedule_owner_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
