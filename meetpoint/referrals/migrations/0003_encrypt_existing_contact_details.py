"""Encrypts the contact details stored in clear text before field encryption existed (and decrypts them back when
migrating backwards). Raw SQL: the column's text exactly as stored, in pages of BATCH rows. Needs
MEETPOINT_FIELD_KEYS (docs/privacy.md); going backwards stops, writing nothing, on a value no key opens."""

from django.db import migrations

from meetpoint import crypto

BATCH = 2000


def _rewrite(apps, schema_editor, change) -> None:
    table = schema_editor.quote_name(apps.get_model("referrals", "Referral")._meta.db_table)
    select = f"SELECT id, contact_detail FROM {table} WHERE contact_detail <> ''"  # noqa: S608
    update = f"UPDATE {table} SET contact_detail = %s WHERE id = %s"  # noqa: S608
    last = None
    with schema_editor.connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(f"{select} ORDER BY id LIMIT {BATCH}")
            else:
                cursor.execute(f"{select} AND id > %s ORDER BY id LIMIT {BATCH}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(update, [(change(value), pk) for pk, value in rows])
            last = rows[-1][0]


def encrypt_contact_details(apps, schema_editor):
    _rewrite(apps, schema_editor, lambda plain: str(crypto.encrypt(plain)))


def decrypt_contact_details(apps, schema_editor):
    _rewrite(apps, schema_editor, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_contact_detail_encrypted_and_purgeable"),
    ]

    operations = [
        migrations.RunPython(encrypt_contact_details, decrypt_contact_details),
    ]
