"""The referrals API: create, list, detail, transitions (409 with allowed), consent, notifications, metrics."""

import pytest

from meetpoint.referrals.models import Referral
from meetpoint.referrals.tests.conftest import consent_data

pytestmark = pytest.mark.django_db


def _payload(service, **overrides):
    data = {
        "service_id": str(service.pk),
        "reason_category": "social_needs",
        "reason": "Needs food.",
        "contact_method": "via_sender",
    }
    data.update(overrides)
    return data


def test_create_with_consent_and_follow_the_loop(world, receiver, service):
    headers = world.token(world.home.staff)
    created = world.client().post(
        "/api/v1/referrals/",
        _payload(service, reason_category="substance_use", consent=consent_data()),
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "sent" and body["task_status"] == "requested" and body["consent_in_force"] is True
    rid = body["id"]
    receiver_headers = world.token(receiver.staff)
    inbox = world.client().get("/api/v1/referrals/?box=inbox", headers=receiver_headers).json()
    assert inbox["total_items"] == 1 and inbox["contents"][0]["id"] == rid
    accepted = world.client().post(
        f"/api/v1/referrals/{rid}/transitions",
        {"to": "accepted", "note": "We will call today"},
        content_type="application/json",
        headers=receiver_headers,
    )
    assert accepted.status_code == 200 and accepted.json()["allowed_transitions"] == [
        "in_progress",
        "on_hold",
        "completed",
        "not_completed",
    ]
    illegal = world.client().post(
        f"/api/v1/referrals/{rid}/transitions",
        {"to": "sent"},
        content_type="application/json",
        headers=receiver_headers,
    )
    assert illegal.status_code == 409
    assert illegal.json()["allowed"] == ["in_progress", "on_hold", "completed", "not_completed"]
    history = world.client().get(f"/api/v1/referrals/{rid}", headers=headers).json()["history"]
    assert [step["to_state"] for step in history] == ["draft", "sent", "accepted"]
    assert history[-1]["note"] == "We will call today" and history[-1]["organization"] == "Northside Recovery"


def test_create_errors_name_the_problem(world, service):
    headers = world.token(world.home.staff)
    client = world.client()
    missing = client.post(
        "/api/v1/referrals/",
        _payload(service, service_id="6f1b3c1e-0000-4000-8000-000000000000"),
        content_type="application/json",
        headers=headers,
    )
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "service"
    no_consent = client.post(
        "/api/v1/referrals/",
        _payload(service, reason_category="substance_use"),
        content_type="application/json",
        headers=headers,
    )
    assert no_consent.status_code == 400 and "consent" in no_consent.json()["detail"]
    bad_consent = client.post(
        "/api/v1/referrals/",
        _payload(
            service, reason_category="substance_use", consent=consent_data(information="", expires_on=None)
        ),
        content_type="application/json",
        headers=headers,
    )
    fields = {error["field"] for error in bad_consent.json()["errors"]}
    assert bad_consent.status_code == 400 and fields == {"consent.information", "consent.expires_on"}
    malformed = client.post(
        "/api/v1/referrals/", {"reason": "x"}, content_type="application/json", headers=headers
    )
    assert malformed.status_code == 400
    assert not Referral.objects.exists()


def test_consent_endpoints_record_and_revoke(world, receiver, service):
    headers = world.token(world.home.staff)
    draft = (
        world.client()
        .post(
            "/api/v1/referrals/",
            _payload(service, reason_category="substance_use", send=False),
            content_type="application/json",
            headers=headers,
        )
        .json()
    )
    consent = world.client().post(
        f"/api/v1/referrals/{draft['id']}/consent?send=true",
        consent_data(),
        content_type="application/json",
        headers=headers,
    )
    assert consent.status_code == 201 and consent.json()["in_force"] is True
    assert Referral.objects.get().state == "sent"
    revoked = world.client().post(
        f"/api/v1/referrals/{draft['id']}/consent/revoke",
        {"note": "asked"},
        content_type="application/json",
        headers=headers,
    )
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    again = world.client().post(
        f"/api/v1/referrals/{draft['id']}/consent/revoke",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409
    seen = world.client().get(f"/api/v1/referrals/{draft['id']}", headers=world.token(receiver.staff)).json()
    assert seen["restricted"] is True and seen["reason"] is None


def test_outsider_404_anonymous_401_analyst_403(world, receiver, make_referral):
    referral = make_referral()
    outsider = world.token(world.outsider.staff)
    for method, url in [
        ("get", f"/api/v1/referrals/{referral.pk}"),
        ("post", f"/api/v1/referrals/{referral.pk}/transitions"),
        ("post", f"/api/v1/referrals/{referral.pk}/consent/revoke"),
    ]:
        call = getattr(world.client(), method)
        kwargs = {"content_type": "application/json", "data": {"to": "accepted"}} if method == "post" else {}
        assert call(url, headers=outsider, **kwargs).status_code == 404
        assert call(url, **kwargs).status_code == 401
        assert call(url, headers=world.token(receiver.analyst), **kwargs).status_code == 403
    assert world.client().get("/api/v1/referrals/?box=inbox", headers=outsider).json()["total_items"] == 0
    assert world.client().get("/api/v1/referrals/", headers=world.token(world.home.viewer)).status_code == 403
    assert Referral.objects.get().state == "sent"


def test_notifications_and_metrics(world, receiver, make_referral):
    make_referral()
    headers = world.token(receiver.staff)
    notes = world.client().get("/api/v1/referrals/notifications?unread=true", headers=headers).json()
    assert [note["message"] for note in notes] == ["A new referral is waiting."]
    marked = world.client().post(
        "/api/v1/referrals/notifications/read", {"ids": []}, content_type="application/json", headers=headers
    )
    assert marked.json() == {"marked": 1}
    metrics = world.client().get("/api/v1/referrals/metrics", headers=world.token(receiver.analyst))
    assert metrics.status_code == 200
    body = metrics.json()
    assert body["incoming"]["sent"] == 1 and body["partners"][0]["partner_name"] == "Riverbend Harm Reduction"
    bad = world.client().get("/api/v1/referrals/metrics?from=2026-05-01&to=2026-04-01", headers=headers)
    assert bad.status_code == 400
    assert world.client().get("/api/v1/referrals/metrics").status_code == 401


def test_openapi_documents_the_referral_endpoints(world):
    schema = world.client().get("/api/v1/schema/").json()
    paths = schema["paths"]
    assert "/api/v1/referrals/{referral_id}/transitions" in paths
    assert "409" in paths["/api/v1/referrals/{referral_id}/transitions"]["post"]["responses"]
    assert "ReferralOut" in schema["components"]["schemas"]


def test_reading_and_exporting_a_referral_is_audited(world, make_referral):
    from meetpoint.accounts.audit import verify_chain
    from meetpoint.accounts.models import AuditEvent

    referral = make_referral()
    headers = world.token(world.home.staff)
    client = world.client()
    assert client.get(f"/api/v1/referrals/{referral.pk}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/referrals/{referral.pk}/fhir", headers=headers).status_code == 200
    actions = list(AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True))
    assert actions[0] == "referral.created"  # written by the action that made it
    assert actions[-2:] == ["referral.view", "referral.export"]
    assert verify_chain()[0]
