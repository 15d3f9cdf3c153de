"""Alerts pages and API: each member sees their organization's alerts at their level of detail, the outsider gets
a 404, the anonymous visitor is sent to sign in (pages) or refused (API); the public page and feed carry the
public level only (no count below K, no place finer than an area)."""

import pytest
from django.urls import reverse

from meetpoint.alerts import actions
from meetpoint.alerts.detection import detect
from meetpoint.alerts.models import Alert, Sample
from meetpoint.alerts.tests.conftest import AREA, CELL, add_reports, background, share_overdoses
from meetpoint.alerts.tests.test_samples import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def spike(world, today):
    """The home organization's own spike today (6 overdoses in one area), shared with the coalition."""
    share_overdoses(world.home.admin, world.coalition.admin, place_grain="county")
    add_reports(world.home.organization, background(today))
    add_reports(world.home.organization, {today: 6})
    detect(today)
    return Alert.objects.get(organization=world.home.organization, area=AREA)


def test_the_alerts_page_lists_own_alerts_only(world, spike):
    url = reverse("alerts:list")
    page = world.client(world.home.viewer).get(url).content.decode()
    assert f"alert-{spike.pk}" in page and "Area around 40.4, -80.0" in page
    assert "Overdose spike</a>" in world.client(world.coalition.viewer).get(url).content.decode()
    outsider = world.client(world.outsider.admin).get(url).content.decode()
    assert "Overdose spike</a>" not in outsider and "No open alerts." in outsider
    assert world.client().get(url).status_code == 302


def test_the_alert_page_is_a_404_for_the_outsider_and_sign_in_for_the_anonymous(world, spike):
    url = reverse("alerts:detail", args=[spike.pk])
    assert world.client(world.home.staff).get(url).status_code == 200
    assert world.client(world.outsider.admin).get(url).status_code == 404
    assert world.client().get(url).status_code == 302
    assert world.client(world.home.admin).get(reverse("alerts:detail", args=["not-an-id"])).status_code == 404


def test_epidemiology_level_for_analysts_whose_agreement_allows_it(world, spike):
    url = reverse("alerts:detail", args=[spike.pk])
    analyst = world.client(world.home.analyst).get(url).content.decode()
    assert 'id="epidemiology"' in analyst and "EARS C2" in analyst
    staff = world.client(world.home.staff).get(url).content.decode()
    assert 'id="epidemiology"' not in staff and "Carry extra naloxone" in staff
    # The coalition's copy counts the home organization's reports, shared at the county grain only.
    shared = Alert.objects.get(organization=world.coalition.organization, area=AREA)
    coalition = world.client(world.coalition.analyst).get(reverse("alerts:detail", args=[shared.pk])).content
    assert b'id="epidemiology"' not in coalition


def test_acknowledge_note_and_close_from_the_page(world, spike):
    client = world.client(world.home.staff)
    assert client.post(reverse("alerts:acknowledge", args=[spike.pk])).status_code == 302
    assert client.post(reverse("alerts:note", args=[spike.pk]), {"note": ""}).status_code == 400
    assert (
        client.post(
            reverse("alerts:note", args=[spike.pk]), {"note": "Outreach sent to the area."}
        ).status_code
        == 302
    )
    assert world.client(world.home.viewer).post(reverse("alerts:close", args=[spike.pk])).status_code == 403
    assert (
        world.client(world.outsider.admin).post(reverse("alerts:close", args=[spike.pk])).status_code == 404
    )
    assert world.client().post(reverse("alerts:close", args=[spike.pk])).status_code == 302
    assert (
        client.post(reverse("alerts:close", args=[spike.pk]), {"reason": "Quiet again."}).status_code == 302
    )
    spike.refresh_from_db()
    assert spike.status == "closed"
    assert [e.action for e in spike.events.all()] == ["opened", "acknowledged", "noted", "closed"]


def test_the_public_page_and_feed_show_no_count_below_k_and_no_finer_place(world, spike, today):
    world.client(world.home.admin).post(reverse("alerts:publish", args=[spike.pk]))
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    for client in (world.client(), world.client(world.outsider.viewer)):
        page = client.get(reverse("alerts:public")).content.decode()
        assert "Overdose spike" in page and "Bad batch: xylazine" in page
        assert "Area around 40.4, -80.0" in page and CELL not in page
        assert "6 overdoses" not in page and "fewer than 11 samples" in page
        feed = client.get(reverse("alerts:feed"))
        assert feed["Content-Type"].startswith("application/atom+xml")
        text = feed.content.decode()
        assert "xylazine" in text and CELL not in text and "6 overdoses" not in text
    api = world.client().get("/api/v1/alerts/public").json()
    assert {row["kind"] for row in api} == {"spike", "bad_batch"} and all(row["count"] is None for row in api)


def test_a_count_from_k_up_of_the_audiences_own_reports_is_public(world, today):
    add_reports(world.home.organization, background(today))
    add_reports(world.home.organization, {today: 12})
    detect(today)
    alert = Alert.objects.get(organization=world.home.organization, area=AREA)
    actions.publish(world.home.admin, alert)
    assert "12 overdoses" in world.client().get(reverse("alerts:public")).content.decode()


def test_the_public_page_speaks_spanish(world, spike):
    page = world.client().get(reverse("alerts:public"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Alertas públicas" in page


def test_samples_pages(world, today):
    client = world.client(world.home.staff)
    url = reverse("alerts:samples")
    response = client.post(
        url, {"collected_on": today.isoformat(), "method": "ftir", "found": ["xylazine"], "code": "MA0785"}
    )
    assert response.status_code == 400 and "participant code" in response.content.decode()
    assert not Sample.objects.exists()
    response = client.post(
        url,
        {
            "collected_on": today.isoformat(),
            "method": "ftir",
            "found": ["fentanyl", "xylazine"],
            "block_group": "420030101001",
        },
    )
    assert response.status_code == 302
    recorded = Sample.objects.get()
    detail = reverse("alerts:sample", args=[recorded.pk])
    assert world.client(world.outsider.admin).get(detail).status_code == 404
    assert world.client().get(detail).status_code == 302
    assert world.client(world.home.viewer).post(url, {"collected_on": today.isoformat()}).status_code == 403
    confirm = {
        "method": "lab",
        "tested_on": today.isoformat(),
        "found": ["fentanyl", "xylazine", "medetomidine"],
    }
    assert client.post(detail, confirm).status_code == 302
    assert set(Alert.objects.values_list("substance", flat=True)) == {"xylazine", "medetomidine"}


def test_subscriptions_page(world):
    url = reverse("alerts:subscriptions")
    admin = world.client(world.home.admin)
    response = admin.post(url, {"kinds": ["spike"], "webhook_url": "http://example.org/hook"})
    assert response.status_code == 400 and "HTTPS" in response.content.decode()
    assert admin.post(url, {"kinds": ["spike"], "webhook_url": "https://example.org/hook"}).status_code == 302
    assert world.client(world.home.staff).post(url, {"kinds": ["spike"]}).status_code == 403
    assert world.client().get(url).status_code == 302
    subscription = world.home.organization.alert_subscriptions.get()
    delete = reverse("alerts:subscription_delete", args=[subscription.pk])
    assert world.client(world.outsider.admin).post(delete).status_code == 404
    assert admin.post(delete).status_code == 302


def test_the_api(world, spike, today):
    headers = world.token(world.home.analyst)
    rows = world.client().get("/api/v1/alerts/alerts", headers=headers).json()
    assert [row["level_of_detail"] for row in rows] == ["epidemiology", "epidemiology"]
    assert world.client().get("/api/v1/alerts/alerts").status_code == 401
    outsider = world.client().get(
        f"/api/v1/alerts/alerts/{spike.pk}", headers=world.token(world.outsider.admin)
    )
    assert outsider.status_code == 404
    staff = world.token(world.home.staff)
    one = world.client().get(f"/api/v1/alerts/alerts/{spike.pk}", headers=staff).json()
    assert (
        one["level_of_detail"] == "outreach"
        and "expected" not in one
        and one["history"][0]["action"] == "opened"
    )
    note = world.client().post(
        f"/api/v1/alerts/alerts/{spike.pk}/notes",
        {"note": ""},
        content_type="application/json",
        headers=staff,
    )
    assert note.status_code == 400 and note.json()["errors"][0]["field"] == "note"
    bad = world.client().post(
        "/api/v1/alerts/samples",
        {
            "collected_on": today.isoformat(),
            "method": "ftir",
            "found": ["glitter"],
            "latitude": 40.4,
            "longitude": -80,
        },
        content_type="application/json",
        headers=staff,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "found"
    good = world.client().post(
        "/api/v1/alerts/samples",
        {
            "collected_on": today.isoformat(),
            "method": "ftir",
            "found": ["xylazine"],
            "latitude": 40.4,
            "longitude": -80,
        },
        content_type="application/json",
        headers=staff,
    )
    assert good.status_code == 201 and good.json()["code"].startswith("DC-")
    hook = world.client().post(
        "/api/v1/alerts/subscriptions",
        {"kinds": ["spike"], "webhook_url": "ftp://example.org"},
        content_type="application/json",
        headers=world.token(world.home.admin),
    )
    assert hook.status_code == 400
    assert world.client().get("/api/v1/alerts/samples").status_code == 401
