from django.db import migrations

LISTED = [
    (
        "xylazine",
        "Xylazine",
        "Xylazine (tranq) found: carry wound care supplies and xylazine test strips; naloxone still reverses the "
        "opioid, so give it and rescue breaths; people may stay sedated after breathing returns.",
    ),
    (
        "nitazenes",
        "Nitazenes",
        "Nitazenes found: very strong opioids; carry extra naloxone (more than one dose may be needed), do not use "
        "alone, start low.",
    ),
    (
        "medetomidine",
        "Medetomidine",
        "Medetomidine found: a sedative naloxone does not reverse; give naloxone for the opioid, keep people on "
        "their side and watch for slow heart rate; withdrawal can be severe, refer to care.",
    ),
    (
        "carfentanil",
        "Carfentanil",
        "Carfentanil found: far stronger than fentanyl; carry several doses of naloxone, call 911, do not use alone.",
    ),
]


def add(apps, schema_editor):
    Substance = apps.get_model("alerts", "SubstanceOfConcern")
    for code, name, advice in LISTED:
        Substance.objects.get_or_create(code=code, defaults={"name": name, "advice": advice})


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_alerts_samples_subscriptions")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
