"""FHIR R4 export: a Bundle of ServiceRequest + Task (+ Consent in force), statuses per the HL7 SDOH guide."""

import pytest

from meetpoint.referrals import actions

pytestmark = pytest.mark.django_db


def _bundle(world, membership, referral):
    response = world.client(membership).get(f"/api/v1/referrals/{referral.pk}/fhir")
    assert response.status_code == 200
    return response.json()


def test_bundle_has_service_request_task_and_consent(world, receiver, make_referral, taps_screening):
    referral = make_referral(screening_id=taps_screening.pk, urgency="emergent")
    bundle = _bundle(world, receiver.staff, referral)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    request, task, consent = (entry["resource"] for entry in bundle["entry"])
    assert request["resourceType"] == "ServiceRequest" and request["status"] == "active"
    assert request["intent"] == "order" and request["priority"] == "stat"
    assert request["requester"]["reference"] == f"Organization/{world.home.organization.pk}"
    assert request["performer"][0]["display"] == "Northside Recovery"
    assert {"reference": f"QuestionnaireResponse/{taps_screening.pk}", "display": "taps"} in request[
        "supportingInfo"
    ]
    assert f"urn:uuid:{consent['id']}" in [item["reference"] for item in request["supportingInfo"]]
    assert task["resourceType"] == "Task" and task["status"] == "requested"
    assert task["intent"] == "order"
    assert task["code"]["coding"][0]["code"] == "fulfill"
    assert task["focus"]["reference"] == bundle["entry"][0]["fullUrl"]
    assert task["owner"]["reference"] == f"Organization/{receiver.organization.pk}"
    assert consent["resourceType"] == "Consent" and consent["status"] == "active"
    assert "part-2" in consent["policy"][0]["uri"]


@pytest.mark.parametrize(
    ("path", "task_status", "reason"),
    [
        (["declined"], "rejected", "Full this month"),
        (["accepted", "on_hold"], "on-hold", "Full this month"),
        (["accepted", "not_completed"], "failed", "Unable to reach"),
        (["accepted", "completed"], "completed", None),
    ],
)
def test_task_status_and_status_reason_follow_the_guide(
    world, receiver, make_referral, path, task_status, reason
):
    referral = make_referral(category="social_needs")
    for state in path:
        actions.transition_referral(
            receiver.staff,
            referral.pk,
            state,
            note="Full this month",
            reason_code="unable_to_reach" if state == "not_completed" else "",
        )
    task = _bundle(world, world.home.staff, referral)["entry"][1]["resource"]
    assert task["status"] == task_status
    if reason:
        assert reason in task["statusReason"]["text"]
    else:
        assert "statusReason" not in task


def test_cancelled_by_sender_is_cancelled_with_reason(world, make_referral):
    referral = make_referral(category="social_needs")
    actions.transition_referral(world.home.staff, referral.pk, "cancelled", note="Moved away")
    bundle = _bundle(world, world.home.staff, referral)
    request, task = (entry["resource"] for entry in bundle["entry"])
    assert task["status"] == "cancelled" and "Moved away" in task["statusReason"]["text"]
    assert request["status"] == "revoked"


def test_fhir_export_is_404_for_outsiders_and_401_for_anonymous(world, make_referral):
    referral = make_referral()
    assert world.client(world.outsider.staff).get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 404
    assert world.client().get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 401
    assert world.client(world.home.analyst).get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 403
