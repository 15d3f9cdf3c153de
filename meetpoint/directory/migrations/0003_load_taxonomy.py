from django.db import migrations


def load(apps, schema_editor):
    from meetpoint.directory.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_taxonomy_description_es")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
