"""Subscriptions and deliveries: who is told, signed webhooks retried with back-off and then marked failing,
e-mail, and nothing sent inside the request that raised the alert."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from meetpoint.alerts import actions, delivery
from meetpoint.alerts.models import Delivery, Subscription
from meetpoint.alerts.tests.test_samples import sample
from meetpoint.errors import ActionError, NotAllowed

pytestmark = pytest.mark.django_db


def subscribe(member, **changes):
    values = {"kinds": ["bad_batch", "spike"], "area": "", "email": "", "webhook_url": ""}
    values.update(changes)
    return actions.subscribe(member, actions.SubscriptionIn(**values))


def test_a_webhook_must_be_https_and_the_area_one_the_partner_may_see(world, settings):
    with pytest.raises(ActionError) as problem:
        subscribe(world.home.admin, webhook_url="http://sms-gateway.example.org/hook")
    assert problem.value.field == "webhook_url"
    with pytest.raises(ActionError) as problem:
        subscribe(world.home.admin, area="cell:10.0,10.0")
    assert problem.value.field == "area"
    with pytest.raises(ActionError) as problem:
        subscribe(world.home.admin, kinds=["weather"])
    assert problem.value.field == "kinds"
    with pytest.raises(NotAllowed):
        subscribe(world.home.staff, email="ops@example.org")
    assert not Subscription.objects.exists()
    settings.MEETPOINT_ALERT_WEBHOOK_ALLOW_HTTP = True  # what `make demo` may allow
    subscribe(world.home.admin, webhook_url="http://127.0.0.1:9000/hook")


def test_raising_an_alert_queues_deliveries_and_sends_nothing(world, today):
    subscribe(
        world.outsider.admin, email="alerts@lakeside.example.org", webhook_url="https://hooks.example.org/a"
    )
    with mock.patch.object(delivery, "_post") as post:
        actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
        post.assert_not_called()
    assert Delivery.objects.filter(status="pending").count() == 2 and not mail.outbox


def test_webhooks_are_signed_and_email_goes_out(world, today):
    subscription = subscribe(
        world.home.admin, email="ops@riverbend.example.org", webhook_url="https://hooks.example.org/a"
    )
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    with mock.patch.object(delivery.urllib.request, "urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.status = 200
        assert delivery.deliver_due() == {"sent": 2, "retrying": 0, "failed": 0}
    sent = urlopen.call_args[0][0]
    assert sent.get_header("X-meetpoint-signature") == delivery.signature(
        subscription.webhook_secret, sent.data
    )
    assert b'"substance": "xylazine"' in sent.data and b"sample" not in sent.data.replace(b"samples", b"")
    assert mail.outbox and "Bad batch" in mail.outbox[0].subject


def test_a_failing_webhook_is_retried_with_back_off_then_marked_failing(world, today):
    subscription = subscribe(world.home.admin, webhook_url="https://hooks.example.org/down")
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    now = timezone.now()
    with mock.patch.object(delivery, "_post", side_effect=OSError("connection refused")):
        for _ in range(delivery.MAX_ATTEMPTS):
            queued = Delivery.objects.get()
            delivery.deliver_due(now=max(now, queued.next_attempt_at))
            queued.refresh_from_db()
            now = queued.next_attempt_at
    queued = Delivery.objects.get()
    assert queued.status == "failed" and queued.attempts == delivery.MAX_ATTEMPTS
    assert "connection refused" in queued.last_error
    subscription.refresh_from_db()
    assert subscription.failing_since is not None


def test_back_off_doubles(world, today):
    subscribe(world.home.admin, webhook_url="https://hooks.example.org/down")
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    start = timezone.now()
    gaps = []
    with mock.patch.object(delivery, "_post", side_effect=OSError("timeout")):
        when = start
        for _ in range(3):
            delivery.deliver_due(now=when)
            queued = Delivery.objects.get()
            gaps.append(queued.next_attempt_at - when)
            when = queued.next_attempt_at
    assert gaps == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]


def test_spike_subscriptions_only_hear_their_own_audience(world, today):
    from meetpoint.alerts.detection import detect
    from meetpoint.alerts.tests.conftest import add_reports, background

    subscribe(world.home.admin, email="home@example.org", kinds=["spike"])
    subscribe(world.outsider.admin, email="outsider@example.org", kinds=["spike"])
    add_reports(world.home.organization, background(today))
    add_reports(world.home.organization, {today: 6})
    detect(today)
    targets = set(Delivery.objects.values_list("subscription__email", flat=True))
    assert targets == {"home@example.org"}


def test_a_subscription_needs_a_real_address_and_url(world):
    for changes, field in (
        ({"email": "not-an-address"}, "email"),
        ({"webhook_url": "https://"}, "webhook_url"),
        ({"webhook_url": "https://hooks.example.org/\x00"}, "webhook_url"),
    ):
        with pytest.raises(ActionError) as problem:
            subscribe(world.home.admin, **changes)
        assert problem.value.field == field
    assert not Subscription.objects.exists()


def test_a_note_with_a_nul_character_is_refused(world, today):
    actions.record_sample(world.home.staff, sample(today, found=["xylazine"]))
    from meetpoint.alerts.models import Alert

    alert = Alert.objects.get()
    with pytest.raises(ActionError) as problem:
        actions.annotate(world.home.staff, alert, "sent\x00")
    assert problem.value.field == "note" and alert.events.count() == 1
