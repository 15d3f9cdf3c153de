"""The referral pages: new referral (from a directory service or a screening), consent, inbox/outbox, detail
with transitions and history, notifications, loop metrics; outsiders 404, anonymous sign-in, analysts 403."""

import pytest

from meetpoint.referrals.models import Referral
from meetpoint.referrals.tests.conftest import consent_data

pytestmark = pytest.mark.django_db


def test_staff_refers_from_a_directory_service_and_the_receiver_finds_it_in_the_inbox(
    world, receiver, service
):
    sender = world.client(world.home.staff)
    page = sender.get(f"/referrals/new/?service={service.pk}")
    assert page.status_code == 200 and "Same-day buprenorphine start" in page.content.decode()
    response = sender.post(
        f"/referrals/new/?service={service.pk}",
        {
            "service": service.pk,
            "reason_category": "social_needs",
            "reason": "Needs food.",
            "urgency": "urgent",
            "contact_method": "text",
            "contact_detail": "555 0101",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == f"/referrals/{referral.pk}/"
    assert referral.state == "sent"
    inbox = world.client(receiver.staff).get("/referrals/").content.decode()
    assert (
        "Same-day buprenorphine start" in inbox and "Riverbend Harm Reduction" in inbox and "Urgent" in inbox
    )
    outbox = sender.get("/referrals/sent/").content.decode()
    assert "Northside Recovery" in outbox


def test_a_substance_use_referral_goes_through_the_consent_page_before_it_is_sent(
    world, receiver, service, taps_screening
):
    sender = world.client(world.home.staff)
    page = sender.get(f"/referrals/new/?service={service.pk}&screening={taps_screening.pk}").content.decode()
    assert "From the taps screening" in page
    assert 'value="substance_use" selected' in page
    response = sender.post(
        f"/referrals/new/?service={service.pk}&screening={taps_screening.pk}",
        {
            "service": service.pk,
            "screening": taps_screening.pk,
            "reason_category": "substance_use",
            "reason": "Opioid use.",
            "urgency": "routine",
            "contact_method": "via_sender",
        },
    )
    referral = Referral.objects.get()
    assert response.url == f"/referrals/{referral.pk}/consent/" and referral.state == "draft"
    assert (
        world.client(receiver.staff).get(f"/referrals/{referral.pk}/").status_code == 404
    )  # drafts stay home
    incomplete = sender.post(
        f"/referrals/{referral.pk}/consent/", consent_data(purpose="", right_to_revoke_given="")
    )
    assert incomplete.status_code == 400
    text = incomplete.content.decode()
    assert "State the purpose" in text and "right to revoke" in text
    done = sender.post(f"/referrals/{referral.pk}/consent/", consent_data())
    assert done.status_code == 302
    assert Referral.objects.get().state == "sent"


def test_receiver_accepts_and_completes_with_buttons_and_history(world, receiver, make_referral):
    referral = make_referral()
    client = world.client(receiver.staff)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'value="accepted"' in page and 'value="declined"' in page and 'value="completed"' not in page
    client.post(f"/referrals/{referral.pk}/transition/", {"to": "accepted", "version": 2})
    client.post(
        f"/referrals/{referral.pk}/transition/",
        {"to": "completed", "version": 3, "note": "Started treatment."},
    )
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Completed" in page and "Started treatment." in page and "Accepted → Completed" in page


def test_an_illegal_or_stale_transition_shows_a_409_with_what_is_allowed(world, receiver, make_referral):
    referral = make_referral()
    client = world.client(receiver.staff)
    response = client.post(f"/referrals/{referral.pk}/transition/", {"to": "completed"})
    assert response.status_code == 409 and "Allowed: accepted, declined" in response.content.decode()
    client.post(f"/referrals/{referral.pk}/transition/", {"to": "accepted", "version": 2})
    stale = world.client(receiver.admin).post(
        f"/referrals/{referral.pk}/transition/", {"to": "declined", "version": 2}
    )
    assert stale.status_code == 409
    assert Referral.objects.get().state == "accepted"


def test_outsiders_get_404_anonymous_sign_in_and_analysts_403(world, receiver, make_referral):
    referral = make_referral()
    urls = [f"/referrals/{referral.pk}/", f"/referrals/{referral.pk}/consent/"]
    for url in urls:
        assert world.client(world.outsider.staff).get(url).status_code == 404
        assert world.client().get(url).status_code == 302
        assert world.client(world.home.analyst).get(url).status_code == 403
        assert world.client(receiver.viewer).get(url).status_code == 403
    assert (
        world.client(world.outsider.staff)
        .post(f"/referrals/{referral.pk}/transition/", {"to": "accepted"})
        .status_code
        == 404
    )
    assert (
        world.client(world.outsider.staff).post(f"/referrals/{referral.pk}/consent/revoke/").status_code
        == 404
    )
    assert "Northside" not in world.client(world.outsider.staff).get("/referrals/").content.decode()
    assert world.client().get("/referrals/").status_code == 302
    assert world.client(world.home.analyst).get("/referrals/sent/").status_code == 403
    assert world.client(receiver.staff).get(f"/referrals/{referral.pk}/consent/").status_code == 403
    assert Referral.objects.get().state == "sent"


def test_the_sender_revokes_consent_from_the_detail_page(world, receiver, make_referral):
    referral = make_referral()
    world.client(world.home.staff).post(
        f"/referrals/{referral.pk}/consent/revoke/", {"note": "Asked to stop"}
    )
    page = world.client(receiver.staff).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Wants to start buprenorphine" not in page and "only the fact that this referral exists" in page
    inbox = world.client(receiver.staff).get("/referrals/").content.decode()
    assert "Details withheld" in inbox


def test_notifications_page_lists_new_referrals_without_details(world, receiver, make_referral):
    make_referral()
    page = world.client(receiver.staff).get("/referrals/notifications/").content.decode()
    assert "A new referral is waiting." in page and "buprenorphine today" not in page
    world.client(receiver.staff).post("/referrals/notifications/")
    assert (
        "badge overdue" not in world.client(receiver.staff).get("/referrals/notifications/").content.decode()
    )
    assert world.client().get("/referrals/notifications/").status_code == 302
    assert (
        "A new referral"
        not in world.client(world.outsider.staff).get("/referrals/notifications/").content.decode()
    )


def test_metrics_page_shows_counts_to_analysts_and_nothing_to_outsiders(world, receiver, make_referral):
    make_referral()
    page = world.client(receiver.analyst).get("/referrals/metrics/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Riverbend Harm Reduction" in text and "buprenorphine today" not in text
    assert "Riverbend" not in world.client(world.outsider.analyst).get("/referrals/metrics/").content.decode()
    assert world.client().get("/referrals/metrics/").status_code == 302
    assert world.client(receiver.analyst).get("/referrals/metrics/?from=yesterday").status_code == 400


def test_the_new_page_refuses_a_closed_service(world, service):
    service.status = "inactive"
    service.save()
    page = world.client(world.home.staff).get(f"/referrals/new/?service={service.pk}").content.decode()
    assert "not active or does not accept referrals" in page
