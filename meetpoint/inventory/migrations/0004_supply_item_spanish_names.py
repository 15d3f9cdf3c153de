"""Supply items get a Spanish name; the shared catalog's items are given theirs."""

from django.db import migrations, models


def spanish_names(apps, schema_editor):
    from meetpoint.inventory.catalog import SPANISH_NAMES

    SupplyItem = apps.get_model("inventory", "SupplyItem")
    for code, name_es in SPANISH_NAMES.items():
        SupplyItem.objects.filter(code=code, name_es="").update(name_es=name_es)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_stock_ledger")]

    operations = [
        migrations.AddField(
            model_name="supplyitem",
            name="name_es",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.RunPython(spanish_names, migrations.RunPython.noop),
    ]
