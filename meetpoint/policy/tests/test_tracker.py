"""The policy tracker: status timeline (backwards needs a note), sign-ons, actions, who sees and edits."""

from datetime import date

import pytest
from django.urls import reverse

from meetpoint.policy import actions
from meetpoint.policy.models import Policy, StatusEvent
from meetpoint.policy.timeline import goes_backwards


def test_status_order():
    assert not goes_backwards(None, "introduced")
    assert not goes_backwards("introduced", "passed")
    assert goes_backwards("passed", "in_committee")
    assert not goes_backwards("in_committee", "failed")
    assert goes_backwards("failed", "introduced")  # revived: say why
    assert not goes_backwards("signed", "signed")


def test_going_backwards_without_a_note_is_refused_and_nothing_changes(world, bill):
    with pytest.raises(actions.InvalidInput) as problem:
        actions.record_status(world.coalition.staff, bill, status="in_committee", date=date(2026, 5, 1))
    assert problem.value.field == "note" and problem.value.status == 400
    bill.refresh_from_db()
    assert bill.status == "passed" and bill.status_events.count() == 3
    actions.record_status(
        world.coalition.staff,
        bill,
        status="in_committee",
        date=date(2026, 5, 1),
        note="Sent back by the Senate.",
    )
    bill.refresh_from_db()
    assert bill.status == "in_committee"


def test_status_form_refuses_backwards_without_a_note(world, bill):
    client = world.client(world.coalition.staff)
    url = reverse("policy:status", args=[bill.pk])
    response = client.post(url, {"status": "introduced", "date": "2026-05-01", "note": ""})
    assert response.status_code == 400
    assert "needs a note" in response.content.decode()
    assert StatusEvent.objects.filter(policy=bill).count() == 3
    assert client.post(url, {"status": "signed", "date": "2026-05-10"}).status_code == 302
    assert client.post(url, {"status": "in_effect", "date": "2026-07-01"}).status_code == 302
    bill.refresh_from_db()
    assert bill.status == "in_effect"
    page = world.client(world.outsider.viewer).get(reverse("policy:detail", args=[bill.pk])).content.decode()
    assert "In effect" in page and "Signed" in page and "Introduced" in page


def test_status_api_refuses_backwards_without_a_note(world, bill):
    url = f"/api/v1/policy/policies/{bill.pk}/status"
    client = world.client()
    response = client.post(
        url,
        {"status": "introduced", "date": "2026-05-01"},
        content_type="application/json",
        headers=world.token(world.coalition.admin),
    )
    assert response.status_code == 400 and "note" in response.json()["detail"]
    ok = client.post(
        url,
        {"status": "signed", "date": "2026-05-10"},
        content_type="application/json",
        headers=world.token(world.coalition.admin),
    )
    assert ok.status_code == 201 and ok.json()["status"] == "signed"
    outsider = client.post(
        url,
        {"status": "failed", "date": "2026-05-10"},
        content_type="application/json",
        headers=world.token(world.outsider.admin),
    )
    assert outsider.status_code == 404
    assert (
        client.post(
            url, {"status": "failed", "date": "2026-05-10"}, content_type="application/json"
        ).status_code
        == 401
    )


def test_every_member_sees_where_policies_stand(world, bill):
    for membership in (world.outsider.viewer, world.home.analyst, world.coalition.viewer):
        page = world.client(membership).get(reverse("policy:list")).content.decode()
        assert "HB 1234" in page and "Passed" in page
    assert world.client().get(reverse("policy:list")).status_code == 302
    assert world.client().get(reverse("policy:detail", args=[bill.pk])).status_code == 302
    listed = world.client().get("/api/v1/policy/policies", headers=world.token(world.outsider.viewer)).json()
    assert listed[0]["identifier"] == "HB 1234" and [e["status"] for e in listed[0]["timeline"]] == [
        "introduced",
        "in_committee",
        "passed",
    ]
    assert world.client().get("/api/v1/policy/policies").status_code == 401


def test_only_the_owning_organizations_editors_edit(world, bill):
    for membership in (world.outsider.admin, world.home.staff):
        client = world.client(membership)
        assert client.get(reverse("policy:edit", args=[bill.pk])).status_code == 404
        response = client.post(
            reverse("policy:status", args=[bill.pk]), {"status": "failed", "date": "2026-05-01"}
        )
        assert response.status_code == 404
    viewer = world.client(world.coalition.viewer)
    assert (
        viewer.post(
            reverse("policy:status", args=[bill.pk]), {"status": "signed", "date": "2026-05-01"}
        ).status_code
        == 403
    )
    bill.refresh_from_db()
    assert bill.status == "passed"
    page = world.client(world.coalition.staff).get(reverse("policy:detail", args=[bill.pk])).content.decode()
    assert "Record a status change" in page
    assert (
        "Record a status change"
        not in world.client(world.outsider.admin)
        .get(reverse("policy:detail", args=[bill.pk]))
        .content.decode()
    )


def test_create_policy_page(world):
    client = world.client(world.coalition.admin)
    response = client.post(
        reverse("policy:new"),
        {
            "title": "Fentanyl test strip legalization",
            "kind": "bill",
            "topic": "test_strips",
            "jurisdiction": "State of Pennsylvania",
            "position": "support",
            "status": "introduced",
            "status_date": "2026-03-01",
        },
    )
    policy = Policy.objects.get()
    assert response.status_code == 302
    assert policy.organization == world.coalition.organization and policy.status == "introduced"
    assert world.client(world.home.viewer).get(reverse("policy:new")).status_code == 403
    assert world.client(world.home.viewer).post(reverse("policy:new"), {"title": "x"}).status_code == 403
    missing = client.post(
        reverse("policy:new"),
        {"title": "", "kind": "bill", "topic": "other", "jurisdiction": "x", "position": "support"},
    )
    assert missing.status_code == 400 and Policy.objects.count() == 1


def test_actions_links_and_sign_ons(world, bill):
    client = world.client(world.coalition.staff)
    client.post(
        reverse("policy:action", args=[bill.pk]),
        {
            "kind": "testimony",
            "date": "2026-02-10",
            "description": "Testified before the Judiciary Committee.",
        },
    )
    client.post(
        reverse("policy:link", args=[bill.pk]), {"title": "Bill text", "url": "https://example.org/hb1234"}
    )
    client.post(reverse("policy:sign_ons", args=[bill.pk]), {"signed_on": [str(world.home.organization.pk)]})
    # Another partner's admin signs its own organization on; its viewer may not.
    assert (
        world.client(world.outsider.viewer).post(reverse("policy:sign_on", args=[bill.pk])).status_code == 403
    )
    assert (
        world.client(world.outsider.admin).post(reverse("policy:sign_on", args=[bill.pk])).status_code == 302
    )
    assert world.client().post(reverse("policy:sign_on", args=[bill.pk])).status_code == 302  # to sign-in
    page = world.client(world.home.viewer).get(reverse("policy:detail", args=[bill.pk])).content.decode()
    assert "Testified before the Judiciary Committee." in page
    assert "https://example.org/hb1234" in page
    assert set(bill.signed_on.values_list("slug", flat=True)) == {"riverbend", "lakeside"}
    assert (
        world.client(world.outsider.staff)
        .post(
            reverse("policy:action", args=[bill.pk]),
            {"kind": "letter", "date": "2026-02-10", "description": "x"},
        )
        .status_code
        == 404
    )


def test_policy_tracker_in_spanish(world, bill):
    body = (
        world.client(world.outsider.viewer)
        .get(reverse("policy:list"), headers={"accept-language": "es"})
        .content.decode()
    )
    assert "Seguimiento de políticas" in body and "Aprobado" in body
