"""The referral's contact detail is encrypted at rest: the column holds a token, never the plain text; keys rotate;
a missing or wrong key is a clear error; existing rows are encrypted by the data migration (and back)."""

import importlib
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from meetpoint import crypto
from meetpoint.referrals.models import Referral

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY, STRANGER_KEY = (Fernet.generate_key().decode() for _ in range(3))
PHONE = "555-0134"


@pytest.fixture(autouse=True)
def _old_key(settings):
    settings.MEETPOINT_FIELD_KEYS = [OLD_KEY]


def raw_contact_details() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_detail FROM {Referral._meta.db_table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_contact_detail_round_trips_and_the_column_never_holds_it(make_referral):
    referral = make_referral(contact_detail=PHONE)
    [stored] = raw_contact_details()
    assert PHONE not in stored and "0134" not in stored
    loaded = Referral.objects.get(pk=referral.pk).contact_detail
    assert isinstance(loaded, crypto.SealedText) and loaded == stored
    assert loaded.reveal() == PHONE and crypto.reveal(loaded) == PHONE
    assert PHONE not in repr(loaded) and PHONE not in str(loaded)


def test_two_referrals_with_the_same_detail_store_different_text(make_referral):
    make_referral(contact_detail=PHONE)
    make_referral(contact_detail=PHONE)
    first, second = raw_contact_details()
    assert first != second  # no equal ciphertexts that would show two referrals are about one person


def test_no_detail_stays_empty_and_can_be_filtered(make_referral):
    make_referral(contact_method="via_sender", contact_detail="")
    assert raw_contact_details() == [""]
    assert Referral.objects.filter(contact_detail="").count() == 1


def test_saving_a_loaded_referral_keeps_its_token(make_referral):
    referral = Referral.objects.get(pk=make_referral(contact_detail=PHONE).pk)
    [before] = raw_contact_details()
    referral.urgency = "urgent"
    referral.save()
    assert raw_contact_details() == [before]
    assert Referral.objects.get().contact_detail.reveal() == PHONE


def test_a_dump_carries_the_token_and_loads_back(make_referral):
    referral = make_referral(contact_detail=PHONE)
    dumped = serializers.serialize("json", Referral.objects.filter(pk=referral.pk))
    assert PHONE not in dumped
    Referral.objects.filter(pk=referral.pk).update(contact_detail="")
    for item in serializers.deserialize("json", dumped):
        item.save()
    assert Referral.objects.get().contact_detail.reveal() == PHONE


def test_a_wrong_key_is_a_clear_error_not_garbage(settings, make_referral):
    make_referral(contact_detail=PHONE)
    settings.MEETPOINT_FIELD_KEYS = [STRANGER_KEY]
    with pytest.raises(crypto.FieldKeyError) as error:
        Referral.objects.get().contact_detail.reveal()
    message = str(error.value)
    assert "none of the 1 key(s) in MEETPOINT_FIELD_KEYS opens it" in message
    assert STRANGER_KEY not in message and OLD_KEY not in message


def test_a_missing_key_is_a_clear_error_for_reading_and_writing(settings, make_referral):
    make_referral(contact_detail=PHONE)
    settings.MEETPOINT_FIELD_KEYS = []
    with pytest.raises(crypto.FieldKeyError, match="MEETPOINT_FIELD_KEYS is not set"):
        Referral.objects.get().contact_detail.reveal()
    with pytest.raises(crypto.FieldKeyError, match="MEETPOINT_FIELD_KEYS is not set"):
        make_referral(contact_detail="555-0199")
    assert Referral.objects.count() == 1


def test_rotation_re_encrypts_with_the_first_key_so_the_old_key_can_go(settings, make_referral):
    make_referral(contact_detail=PHONE)
    make_referral(contact_method="email", contact_detail="sam@example.org")
    make_referral(contact_method="via_sender", contact_detail="")
    before = sorted(raw_contact_details())
    settings.MEETPOINT_FIELD_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert (
        "referrals.Referral.contact_detail: 2 re-encrypted, 0 already under the first key." in out.getvalue()
    )
    assert sorted(raw_contact_details()) != before and "" in raw_contact_details()
    settings.MEETPOINT_FIELD_KEYS = [NEW_KEY]
    assert sorted(r.contact_detail.reveal() for r in Referral.objects.exclude(contact_detail="")) == [
        PHONE,
        "sam@example.org",
    ]
    again = StringIO()
    call_command("rotate_field_keys", stdout=again)
    assert "0 re-encrypted, 2 already under the first key." in again.getvalue()
    from meetpoint.accounts.models import AuditEvent

    runs = AuditEvent.objects.filter(action="maintenance.field_keys.rotate").order_by("id")
    assert [run.detail["referrals.Referral.contact_detail"]["re_encrypted"] for run in runs] == [2, 0]


def test_rotation_stops_and_changes_nothing_when_a_value_opens_with_no_key(settings, make_referral):
    make_referral(contact_detail=PHONE)
    settings.MEETPOINT_FIELD_KEYS = [NEW_KEY, OLD_KEY]
    make_referral(contact_detail="555-0199")  # already under the new key
    settings.MEETPOINT_FIELD_KEYS = [STRANGER_KEY, NEW_KEY]  # the old key was dropped too early
    before = raw_contact_details()
    with pytest.raises(
        CommandError, match=r"referrals\.Referral\.contact_detail of row .*Nothing was changed"
    ):
        call_command("rotate_field_keys", stdout=StringIO())
    assert raw_contact_details() == before


def test_a_malformed_key_is_named_by_the_system_check(settings):
    settings.MEETPOINT_FIELD_KEYS = [OLD_KEY, "not-a-key"]
    [problem] = crypto.check_field_keys()
    assert problem.id == "meetpoint.E101" and "key 2 of 2 is not a Fernet key" in problem.msg
    assert OLD_KEY not in problem.msg


def test_check_deploy_fails_without_an_explicit_key_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.MEETPOINT_FIELD_KEYS_GENERATED = True
    with pytest.raises(SystemCheckError, match="meetpoint.E102"):
        call_command("check", "--deploy", "--tag", "security", stdout=StringIO(), stderr=StringIO())
    settings.MEETPOINT_FIELD_KEYS_GENERATED = False
    assert crypto.check_field_keys_explicit() == []
    settings.MEETPOINT_FIELD_KEYS_GENERATED = True
    settings.DEBUG = True
    assert crypto.check_field_keys_explicit() == []


def _migration():
    return importlib.import_module("meetpoint.referrals.migrations.0003_encrypt_existing_contact_details")


def test_the_data_migration_encrypts_clear_text_rows_and_its_reverse_decrypts_them(make_referral):
    make_referral(contact_detail=PHONE)
    make_referral(contact_method="via_sender", contact_detail="")
    with connection.cursor() as cursor:  # a row as stored before field encryption
        cursor.execute(
            f"UPDATE {Referral._meta.db_table} SET contact_detail = %s WHERE contact_detail <> ''",  # noqa: S608
            [PHONE],
        )
    migration = _migration()
    migration.encrypt_contact_details(apps, connection.schema_editor())
    assert PHONE not in raw_contact_details() and "" in raw_contact_details()
    assert Referral.objects.exclude(contact_detail="").get().contact_detail.reveal() == PHONE
    migration.decrypt_contact_details(apps, connection.schema_editor())
    assert sorted(raw_contact_details()) == ["", PHONE]


def test_the_reverse_migration_refuses_values_it_cannot_open(settings, make_referral):
    make_referral(contact_detail=PHONE)
    settings.MEETPOINT_FIELD_KEYS = [STRANGER_KEY]
    with pytest.raises(crypto.FieldKeyError):
        _migration().decrypt_contact_details(apps, connection.schema_editor())
