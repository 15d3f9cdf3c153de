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
    by_type = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    request, task, consent = by_type["ServiceRequest"], by_type["Task"], by_type["Consent"]
    assert request["resourceType"] == "ServiceRequest" and request["status"] == "active"
    assert request["intent"] == "order" and request["priority"] == "stat"
    assert request["requester"]["reference"] == f"urn:uuid:{world.home.organization.pk}"
    assert request["performer"][0]["display"] == "Northside Recovery"
    screening = next(
        item for item in request["supportingInfo"] if item.get("type") == "QuestionnaireResponse"
    )
    assert screening["identifier"]["value"] == str(taps_screening.pk) and "reference" not in screening
    assert f"urn:uuid:{consent['id']}" in [item.get("reference") for item in request["supportingInfo"]]
    assert task["resourceType"] == "Task" and task["status"] == "requested"
    assert task["intent"] == "order"
    assert task["code"]["coding"][0]["code"] == "fulfill"
    assert task["focus"]["reference"] == bundle["entry"][0]["fullUrl"]
    assert task["owner"]["reference"] == f"urn:uuid:{receiver.organization.pk}"
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
    request, task = (entry["resource"] for entry in bundle["entry"][:2])
    assert task["status"] == "cancelled" and "Moved away" in task["statusReason"]["text"]
    assert request["status"] == "revoked"


def test_fhir_export_is_404_for_outsiders_and_401_for_anonymous(world, make_referral):
    referral = make_referral()
    assert world.client(world.outsider.staff).get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 404
    assert world.client().get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 401
    assert world.client(world.home.analyst).get(f"/api/v1/referrals/{referral.pk}/fhir").status_code == 403


def test_every_full_url_is_a_uuid_urn_and_every_reference_is_in_the_bundle(world, receiver, make_referral):
    import uuid

    referral = make_referral()
    bundle = _bundle(world, receiver.staff, referral)
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    for url in full_urls:
        assert url.startswith("urn:uuid:") and str(uuid.UUID(url.removeprefix("urn:uuid:"))) == url[9:]

    def references(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                yield node["reference"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = list(references(bundle))
    assert found and all(reference in full_urls for reference in found)


def test_the_consent_follows_the_sdohcc_profile_and_stays_inactive_after_revocation(
    world, receiver, make_referral
):
    import base64

    referral = make_referral()
    consent = next(
        e["resource"]
        for e in _bundle(world, world.home.staff, referral)["entry"]
        if e["resource"]["resourceType"] == "Consent"
    )
    assert consent["category"][0]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "IDSCL",
        "display": "information disclosure",
    }
    assert consent["patient"] and consent["dateTime"] and len(consent["organization"]) == 1
    form = base64.b64decode(consent["sourceAttachment"]["data"]).decode()
    stored = referral.consents.get()
    assert f"Purpose: {stored.purpose}" in form and f"Information: {stored.information}" in form
    assert consent["provision"]["code"] == [{"text": stored.information}]
    actions.revoke_consent(world.home.staff, referral.pk, note="Asked us to stop")
    after = [e["resource"] for e in _bundle(world, world.home.staff, referral)["entry"]]
    revoked = next(r for r in after if r["resourceType"] == "Consent")
    assert (
        revoked["status"] == "inactive"
        and "Revoked on" in base64.b64decode(revoked["sourceAttachment"]["data"]).decode()
    )


def test_the_export_is_served_as_fhir_json(world, receiver, make_referral):
    referral = make_referral()
    response = world.client(receiver.staff).get(f"/api/v1/referrals/{referral.pk}/fhir")
    assert response["Content-Type"] == "application/fhir+json"
