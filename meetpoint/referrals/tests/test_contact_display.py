"""Where the contact detail is shown (detail page, API, FHIR export): decrypted only for members allowed to see it,
"removed under the retention rule" after the purge, a clear notice when no key opens it; outsiders 404,
anonymous sign-in / 401."""

import logging
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from meetpoint import crypto
from meetpoint.referrals import actions, lifecycle, retention

pytestmark = pytest.mark.django_db

PHONE = "555-0134"


@pytest.fixture
def purged(world, receiver, make_referral):
    """A completed referral whose contact detail was purged under the retention rule."""
    referral = make_referral(category="social_needs")
    long_ago = timezone.now() - timedelta(days=100)
    actions.transition_referral(receiver.staff, referral.pk, lifecycle.ACCEPTED, now=long_ago)
    actions.transition_referral(receiver.staff, referral.pk, lifecycle.COMPLETED, now=long_ago)
    assert retention.purge_expired_contacts().count == 1
    return referral


def test_both_sides_see_the_decrypted_detail_and_never_the_token(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    token = type(referral).objects.get(pk=referral.pk).contact_detail
    for membership in (world.home.staff, receiver.staff):
        page = world.client(membership).get(f"/referrals/{referral.pk}/").content.decode()
        assert f"Phone call: {PHONE}" in page and token not in page
        body = world.client().get(f"/api/v1/referrals/{referral.pk}", headers=world.token(membership)).json()
        assert body["contact_detail"] == PHONE and body["contact_purged_at"] is None
        assert body["contact_unreadable"] is False


def test_the_page_says_the_detail_was_removed_under_the_retention_rule(world, receiver, purged):
    for membership in (world.home.staff, receiver.staff):
        page = world.client(membership).get(f"/referrals/{purged.pk}/").content.decode()
        assert "under the retention rule" in page and "only 90 days after it closed" in page
        assert PHONE not in page and "Phone call" not in page


def test_the_api_and_fhir_export_say_it_was_removed(world, receiver, purged):
    headers = world.token(receiver.staff)
    body = world.client().get(f"/api/v1/referrals/{purged.pk}", headers=headers).json()
    assert body["contact_detail"] == "" and body["contact_method"] == ""
    assert body["contact_purged_at"] is not None and body["restricted"] is False
    bundle = world.client(receiver.staff).get(f"/api/v1/referrals/{purged.pk}/fhir").json()
    instruction = bundle["entry"][0]["resource"]["patientInstruction"]
    assert instruction.startswith("Contact preference: removed under the retention rule on ")


def test_outsiders_and_anonymous_learn_nothing_of_a_purged_referral(world, receiver, purged):
    assert world.client(world.outsider.staff).get(f"/referrals/{purged.pk}/").status_code == 404
    assert world.client().get(f"/referrals/{purged.pk}/").status_code == 302
    assert world.client(receiver.analyst).get(f"/referrals/{purged.pk}/").status_code == 403
    outsider = world.token(world.outsider.staff)
    for url in (f"/api/v1/referrals/{purged.pk}", f"/api/v1/referrals/{purged.pk}/fhir"):
        assert world.client().get(url, headers=outsider).status_code == 404
        assert world.client().get(url).status_code == 401


def test_a_receiver_without_consent_in_force_gets_nothing_decrypted(
    world, receiver, make_referral, monkeypatch
):
    referral = make_referral()
    actions.revoke_consent(world.home.staff, referral.pk)
    opened = []
    real_decrypt = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: opened.append(token) or real_decrypt(token))
    body = world.client().get(f"/api/v1/referrals/{referral.pk}", headers=world.token(receiver.staff)).json()
    page = world.client(receiver.staff).get(f"/referrals/{referral.pk}/").content.decode()
    assert body["restricted"] is True and body["contact_detail"] is None and body["contact_purged_at"] is None
    assert PHONE not in page and "under the retention rule" not in page
    assert opened == []
    world.client(world.home.staff).get(f"/referrals/{referral.pk}/")  # the sender still may
    assert len(opened) == 1


def test_a_detail_no_key_opens_is_a_clear_notice_and_an_error_in_the_log(
    world, make_referral, settings, caplog
):
    referral = make_referral(category="social_needs")
    settings.MEETPOINT_FIELD_KEYS = [Fernet.generate_key().decode()]
    client = world.client(world.home.staff)
    with caplog.at_level(logging.ERROR, logger="meetpoint.referrals.queries"):
        page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "the contact detail cannot be decrypted with this site's encryption keys" in page.content.decode()
    assert f"Referral {referral.pk}: its contact detail cannot be decrypted" in caplog.text
    body = (
        world.client().get(f"/api/v1/referrals/{referral.pk}", headers=world.token(world.home.staff)).json()
    )
    assert body["contact_unreadable"] is True and body["contact_detail"] == ""


def test_an_overlong_contact_detail_is_refused_with_the_field_named(world, receiver, service):
    response = world.client().post(
        "/api/v1/referrals/",
        {
            "service_id": str(service.pk),
            "reason_category": "social_needs",
            "reason": "Needs food.",
            "contact_method": "email",
            "contact_detail": "a" * 250 + "@example.org",
        },
        content_type="application/json",
        headers=world.token(world.home.staff),
    )
    assert response.status_code == 400
    assert {"field": "contact_detail", "message": "Give at most 255 characters."} in response.json()["errors"]
