"""Loads the shared supply catalog (fixed codes), idempotently: update_or_create by code."""

from django.db import migrations


def load(apps, schema_editor):
    from meetpoint.inventory.catalog import load_catalog

    load_catalog(apps.get_model("inventory", "SupplyItem"))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_supply_catalog")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
