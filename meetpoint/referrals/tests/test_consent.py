"""42 CFR Part 2 consent: required elements, required to send, and revoke/expiry stopping disclosure at once on
pages, API and FHIR export alike."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.referrals import actions, consent_rules
from meetpoint.referrals.models import Consent, Referral
from meetpoint.referrals.tests.conftest import consent_data

pytestmark = pytest.mark.django_db


def test_every_missing_element_is_named():
    problems = consent_rules.missing_elements(
        consent_rules.ConsentElements(signature_method="verbal"), timezone.localdate()
    )
    assert set(problems) == {
        "patient_reference",
        "discloser",
        "recipient",
        "information",
        "purpose",
        "expires_on",
        "signed_on",
        "witnessed_by",
        "right_to_revoke_given",
    }


def test_a_substance_use_referral_is_not_sent_without_consent(world, service):
    data = {"service_id": service.pk, "reason_category": "substance_use", "reason": "Opioid use disorder."}
    with pytest.raises(actions.ReferralError) as error:
        actions.create_referral(world.home.staff, data)
    assert error.value.status == 400 and "consent" in error.value.errors
    assert not Referral.objects.exists()


def test_a_substance_screening_makes_any_reason_need_consent(world, service, taps_screening):
    data = {
        "service_id": service.pk,
        "reason_category": "other",
        "reason": "Follow-up.",
        "screening_id": taps_screening.pk,
    }
    draft = actions.create_referral(world.home.staff, data, send=False)
    assert draft.needs_consent and draft.participant_id == taps_screening.participant_id
    with pytest.raises(actions.ReferralError) as error:
        actions.transition_referral(world.home.staff, draft.pk, "sent")
    assert error.value.status == 400
    actions.record_consent(world.home.staff, draft.pk, consent_data(), send=True)
    assert Referral.objects.get(pk=draft.pk).state == "sent"


def test_an_incomplete_consent_is_refused_with_each_element_and_nothing_is_sent(world, make_referral):
    draft = make_referral(send=False)
    with pytest.raises(actions.ReferralError) as error:
        actions.record_consent(
            world.home.staff,
            draft.pk,
            consent_data(purpose="", witnessed_by="", right_to_revoke_given=False),
            send=True,
        )
    assert set(error.value.errors) == {"purpose", "witnessed_by", "right_to_revoke_given"}
    assert not Consent.objects.exists()
    assert Referral.objects.get(pk=draft.pk).state == "draft"


def test_only_the_sender_records_or_revokes_consent(world, receiver, make_referral):
    referral = make_referral()
    with pytest.raises(actions.ReferralError) as error:
        actions.record_consent(receiver.staff, referral.pk, consent_data())
    assert error.value.status == 403
    with pytest.raises(actions.ReferralError) as revoke_error:
        actions.revoke_consent(receiver.staff, referral.pk)
    assert revoke_error.value.status == 403


def _receiver_sees(world, receiver, referral) -> dict:
    page = world.client(receiver.staff).get(f"/referrals/{referral.pk}/").content.decode()
    api = world.client(receiver.staff).get(f"/api/v1/referrals/{referral.pk}").json()
    fhir = world.client(receiver.staff).get(f"/api/v1/referrals/{referral.pk}/fhir").json()
    listed = world.client(receiver.staff).get("/api/v1/referrals/?box=inbox").json()["contents"][0]
    return {"page": page, "api": api, "fhir": json.dumps(fhir), "list": listed}


def test_revoking_consent_stops_disclosure_at_once_everywhere(world, receiver, make_referral, taps_screening):
    referral = make_referral(screening_id=taps_screening.pk)
    before = _receiver_sees(world, receiver, referral)
    assert "Wants to start buprenorphine today." in before["page"] and "555-0134" in before["page"]
    assert (
        before["api"]["reason"] == "Wants to start buprenorphine today."
        and before["api"]["restricted"] is False
    )
    assert "555-0134" in before["fhir"] and str(taps_screening.pk) in before["fhir"]

    actions.revoke_consent(world.home.staff, referral.pk, note="The person asked to stop sharing.")

    after = _receiver_sees(world, receiver, referral)
    for text in (
        "Wants to start buprenorphine",
        "555-0134",
        str(taps_screening.pk),
        str(taps_screening.participant_id)[:8],
        "taps",
    ):
        assert text not in after["page"]
        assert text not in after["fhir"]
    assert "only the fact that this referral exists" in after["page"]
    assert after["api"]["restricted"] is True
    for field in ("reason", "reason_category", "contact_detail", "screening_id", "participant_id", "consent"):
        assert after["api"][field] is None
        assert after["list"][field] is None
    assert after["api"]["state"] == "sent"  # the referral itself still exists for the receiver
    fhir = json.loads(after["fhir"])
    # no Consent for the receiver any more; the two organizations stay (they are no detail of the person)
    assert [entry["resource"]["resourceType"] for entry in fhir["entry"]] == [
        "ServiceRequest",
        "Task",
        "Organization",
        "Organization",
    ]
    # The sender keeps seeing what it wrote.
    own = world.client(world.home.staff).get(f"/api/v1/referrals/{referral.pk}").json()
    assert own["reason"] == "Wants to start buprenorphine today." and own["consent"]["revoked_at"]


def test_an_expired_consent_withholds_the_details(world, receiver, make_referral):
    referral = make_referral()
    Consent.objects.filter(referral=referral).update(expires_on=timezone.localdate() - timedelta(days=1))
    seen = _receiver_sees(world, receiver, referral)
    assert "Wants to start buprenorphine" not in seen["page"]
    assert seen["api"]["restricted"] is True and seen["api"]["reason"] is None
    assert "555-0134" not in seen["fhir"]


def test_a_referral_without_substance_use_information_needs_no_consent(world, receiver, make_referral):
    referral = make_referral(category="social_needs", reason="Needs food this week.")
    seen = _receiver_sees(world, receiver, referral)
    assert seen["api"]["restricted"] is False and seen["api"]["reason"] == "Needs food this week."
