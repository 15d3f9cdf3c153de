"""The demo region's referrals: several partners, every kind of outcome, consents, and loop metrics that show it."""

import pytest
from django.utils import timezone

from meetpoint.demo.region import Region
from meetpoint.referrals import metrics
from meetpoint.referrals.models import Consent, Referral

pytestmark = pytest.mark.django_db


def test_demo_referrals_fill_inboxes_and_loop_metrics():
    from meetpoint.directory import demo as directory_demo
    from meetpoint.referrals import demo

    region = Region()
    directory_demo.load(region)
    demo.load(region)
    ed = region.organizations["st-lukes-hospital"]
    states = set(Referral.objects.filter(sender=ed).values_list("state", flat=True))
    assert {"completed", "not_completed", "declined", "sent", "expired"} <= states
    receivers = set(Referral.objects.filter(sender=ed).values_list("receiver__slug", flat=True))
    assert receivers == {"riverside-harm-reduction", "northside-recovery", "harvest-food-bank"}
    substance = Referral.objects.filter(reason_category="substance_use").exclude(state="draft")
    assert substance.exists() and not substance.filter(consents__isnull=True).exists()
    assert Consent.objects.filter(right_to_revoke_given=True).count() == substance.count()
    today = timezone.localdate()
    result = metrics.organization_metrics(ed.pk, today.replace(year=today.year - 1), today)
    assert result["outgoing"].sent == 74
    assert 0 < result["outgoing"].completed < result["outgoing"].accepted < result["outgoing"].sent
    assert result["outgoing"].median_hours_to_acceptance is not None
