"""Sending queued deliveries: e-mail through Django's mail backend, webhooks as HMAC-signed JSON. A failure is
retried with exponential back-off (1, 2, 4, 8 minutes…); after MAX_ATTEMPTS the delivery has failed and its
subscription is marked failing until an admin saves it again. Nothing here runs inside the request that raised
the alert: `meetpoint detect_spikes` and `meetpoint deliver_alerts` (for cron) call deliver_due()."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from meetpoint.alerts import levels
from meetpoint.alerts.models import Channel, Delivery, DeliveryStatus

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = 1
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Meetpoint-Signature"


def payload(delivery: Delivery) -> dict:
    """What a subscriber receives: the outreach level (no counts from a partner's figures below K)."""
    alert = delivery.alert
    return {
        "event": "alert",
        "level": delivery.level,
        "alert": levels.outreach(alert),
        "url": alert_url(alert),
    }


def alert_url(alert) -> str:
    from django.urls import reverse

    return settings.MEETPOINT_BASE_URL.rstrip("/") + reverse("alerts:detail", args=[alert.pk])


def signature(secret: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of the exact body under the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, secret: str) -> None:
    request = urllib.request.Request(  # noqa: S310 -- the URL was checked to be HTTPS when subscribed
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret, body),
            "User-Agent": "Meetpoint",
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
        if not 200 <= answer.status < 300:
            raise OSError(f"HTTP {answer.status}")


def _email(delivery: Delivery, message: dict) -> None:
    alert = message["alert"]
    subject = f"[Meetpoint] {alert['kind_label']}: {alert['area_label']}"
    lines = [
        f"{alert['kind_label']} — {alert['level_label']}",
        alert["area_label"],
        f"{alert['first_day']} – {alert['last_day']}",
        alert["advice"],
        message["url"],
    ]
    send_mail(subject, "\n\n".join(lines), None, [delivery.subscription.email])


def send(delivery: Delivery, *, now=None) -> bool:
    """One attempt; True when it went out."""
    now = now or timezone.now()
    message = payload(delivery)
    try:
        if delivery.channel == Channel.WEBHOOK:
            body = json.dumps(message, sort_keys=True).encode()
            _post(delivery.subscription.webhook_url, body, delivery.subscription.webhook_secret)
        else:
            _email(delivery, message)
    except (OSError, urllib.error.URLError, ValueError) as problem:
        with transaction.atomic():
            delivery.attempts += 1
            delivery.last_error = str(problem)[:300]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                subscription = delivery.subscription
                if subscription.failing_since is None:
                    subscription.failing_since = now
                    subscription.save(update_fields=["failing_since"])
            else:
                delivery.next_attempt_at = now + timedelta(
                    minutes=BACKOFF_MINUTES * 2 ** (delivery.attempts - 1)
                )
            delivery.save()
        return False
    delivery.attempts += 1
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.last_error = ""
    delivery.save()
    if delivery.subscription.failing_since is not None:
        delivery.subscription.failing_since = None
        delivery.subscription.save(update_fields=["failing_since"])
    return True


def deliver_due(now=None) -> dict:
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).select_related(
        "alert", "subscription"
    )
    totals = {"sent": 0, "retrying": 0, "failed": 0}
    for delivery in due:
        if send(delivery, now=now):
            totals["sent"] += 1
        elif delivery.status == DeliveryStatus.FAILED:
            totals["failed"] += 1
        else:
            totals["retrying"] += 1
    return totals
