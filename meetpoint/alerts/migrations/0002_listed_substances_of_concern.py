"""Lists the first substances of concern (meetpoint/alerts/substances.py), idempotently: get_or_create by code."""

from django.db import migrations


def add(apps, schema_editor):
    from meetpoint.alerts.substances import load_listed_substances

    load_listed_substances(apps.get_model("alerts", "SubstanceOfConcern"))


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_alerts_samples_subscriptions")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
