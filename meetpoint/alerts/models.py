"""Alerts and what raises them (drug-checking samples), who is told (subscriptions) and how it went (deliveries).

A spike alert belongs to the organization whose pooled data raised it: its own overdose reports and those its
partners share with it under agreements in force. A bad-batch alert is for everyone: it carries an area, a week
and a substance, never who brought the sample.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization


class AlertKind(models.TextChoices):
    SPIKE = "spike", _("Overdose spike")
    BAD_BATCH = "bad_batch", _("Bad batch")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class Level(models.IntegerChoices):
    WATCH = 1, _("Watch")
    WARNING = 2, _("Warning")
    ALARM = 3, _("Alarm")


class Alert(models.Model):
    """One alert: at most one open per audience, kind, area (and substance), escalating until it ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )  # the audience of a spike alert; None: a bad-batch alert, for every partner and the public
    area = models.CharField(max_length=40)  # areas.py key: "cell:40.4,-80.0", "county:42003", "region"
    substance = models.CharField(max_length=40, blank=True)  # bad batch: what was found
    expected_substance = models.CharField(max_length=40, blank=True)  # bad batch: what it was sold as
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.WATCH)
    first_day = models.DateField()  # the first day with a signal (spike) or the sample's date (bad batch)
    last_signal_day = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    # The epidemiology level: what the method saw on the strongest day.
    method = models.CharField(max_length=20, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)  # overdoses on the strongest day; samples for a bad batch
    expected = models.FloatField(null=True, blank=True)
    statistic = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    diagnostics = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=list, blank=True)  # organization ids whose records counted
    public = models.BooleanField(default=False)  # on the public page and feed (at the public level)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["organization", "status"], name="alert_audience_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.area} {self.first_day}"

    @property
    def is_open(self) -> bool:
        return self.status != AlertStatus.CLOSED


class AlertEvent(models.Model):
    """The alert's history: opened, escalated, acknowledged, annotated, published, closed."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]


class SubstanceOfConcern(models.Model):
    """A substance whose finding in a drug-checking sample raises a bad-batch alert at once (kept by a site
    administrator in the Django admin)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    advice = models.TextField(blank=True)  # what to carry and say, at the outreach level
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "substances of concern"

    def __str__(self) -> str:
        return self.name


class CheckMethod(models.TextChoices):
    TEST_STRIP = "test_strip", _("Test strip")
    FTIR = "ftir", _("FTIR spectrometer")
    LAB = "lab", _("Lab confirmation")


class Sample(models.Model):
    """A drug-checking sample under an anonymous sample code (never a participant code): where (an area) and
    when, what it was sold as, and what the latest test found and did not find."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="drug_samples")
    code = models.CharField(max_length=24)
    collected_on = models.DateField()
    area = models.CharField(max_length=40)
    expected_substance = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=12, choices=CheckMethod.choices)
    found = models.JSONField(default=list)
    not_found = models.JSONField(default=list)
    confirmed = models.BooleanField(default=False)  # a lab confirmation is the latest result
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-collected_on", "-created"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="one_sample_per_code")]
        indexes = [models.Index(fields=["collected_on", "area"], name="sample_day_area")]

    def __str__(self) -> str:
        return self.code


class SampleTest(models.Model):
    """Each test of a sample, in order: a strip or FTIR first, a lab confirmation later."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="tests")
    method = models.CharField(max_length=12, choices=CheckMethod.choices)
    found = models.JSONField(default=list)
    not_found = models.JSONField(default=list)
    tested_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    """A partner's wish to be told about alerts of some kinds in an area ("" for every area it may see)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    area = models.CharField(max_length=40, blank=True)
    kinds = models.JSONField(default=list)  # AlertKind values
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=64, default=new_webhook_secret)
    failing_since = models.DateTimeField(null=True, blank=True)  # the webhook gave up after its retries
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created"]


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed after retries")


class Delivery(models.Model):
    """One message about one alert (at one level) to one subscription's channel, retried with back-off."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(default=Level.WATCH)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription", "channel", "level"], name="one_delivery_per_alert_level"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
