"""Policies a partner (usually the coalition) works on, their status timeline, the coalition's position,
sign-ons, advocacy actions and sources."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization


class PolicyKind(models.TextChoices):
    BILL = "bill", _("Bill")
    ORDINANCE = "ordinance", _("Ordinance")
    AGENCY_RULE = "agency_rule", _("Agency rule")
    ORGANIZATIONAL = "organizational", _("Organizational policy")


class Topic(models.TextChoices):
    GOOD_SAMARITAN = "good_samaritan", _("Good Samaritan protections")
    TEST_STRIPS = "test_strips", _("Test strip legalization")
    SYRINGE_SERVICES = "syringe_services", _("Syringe services authorization")
    NALOXONE_ACCESS = "naloxone_access", _("Naloxone access")
    SUPERVISED_CONSUMPTION = "supervised_consumption", _("Supervised consumption")
    BEHAVIORAL_HEALTH_COVERAGE = (
        "behavioral_health_coverage",
        _("Insurance coverage of behavioral health / behavioral health in physical health care"),
    )
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    INTRODUCED = "introduced", _("Introduced")
    IN_COMMITTEE = "in_committee", _("In committee")
    PASSED = "passed", _("Passed")
    SIGNED = "signed", _("Signed")
    IN_EFFECT = "in_effect", _("In effect")
    FAILED = "failed", _("Failed")


class Position(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    MONITOR = "monitor", _("Monitor")
    NEUTRAL = "neutral", _("Neutral")


class ActionKind(models.TextChoices):
    TESTIMONY = "testimony", _("Testimony")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    PUBLIC_COMMENT = "public_comment", _("Public comment")
    MEDIA = "media", _("Media or op-ed")
    OTHER = "other", _("Other")


class Policy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="policies")
    title = models.CharField(max_length=255)
    identifier = models.CharField(max_length=60, blank=True, help_text=_("e.g. HB 1234 or Ord. 2026-14"))
    kind = models.CharField(max_length=20, choices=PolicyKind.choices)
    topic = models.CharField(max_length=40, choices=Topic.choices, db_index=True)
    jurisdiction = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    position = models.CharField(max_length=10, choices=Position.choices, default=Position.MONITOR)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)  # the latest event's status
    status_date = models.DateField(null=True, blank=True)
    signed_on = models.ManyToManyField(Organization, blank=True, related_name="policy_sign_ons")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}".strip()


class StatusEvent(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(max_length=20, choices=Status.choices)
    date = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "recorded"]


class AdvocacyAction(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    date = models.DateField()
    description = models.TextField()
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["date"]


class SourceLink(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
