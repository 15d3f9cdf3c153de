from django.db import migrations, models


def state_from_referral(apps, schema_editor):
    """Notices stored as English sentences keep their meaning: a "referral updated" notice names the state the
    referral is in now (the nearest fact still known), and every other kind is a fixed sentence."""
    Notification = apps.get_model("referrals", "Notification")
    for notice in Notification.objects.filter(kind="state_changed").select_related("referral").iterator():
        notice.to_state = notice.referral.state
        notice.save(update_fields=["to_state"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_encrypt_existing_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="to_state",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.RunPython(state_from_referral, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="notification",
            name="message",
        ),
    ]
