"""Screening indicators count people screened (each person once per group), by instrument and risk level."""

from datetime import timedelta

from django.utils import timezone

from meetpoint.indicators import Scope, registry
from meetpoint.screening.models import Screening


def _scope(world, days=30):
    today = timezone.localdate()
    return Scope(
        organization_ids=(world.home.organization.pk,), start=today - timedelta(days=days), end=today
    )


def test_people_screened_by_instrument_and_risk_level(world, record):
    record(code="AA01")
    record(code="AA01")  # the same person again
    record(code="BB02", answers=[3, 3, 3, 3, 3, 3, 3, 3, 0])
    record(instrument="phq-2", answers=[0, 0], code="AA01")
    record(membership=world.outsider.staff, code="CC03")  # another organization, outside the scope
    scope = _scope(world)
    assert registry["people_screened"].value(scope) == {(): 2}
    assert registry["people_screened_phq_9"].value(scope) == {(): 2}
    assert registry["people_screened_phq_9_minimal"].value(scope) == {(): 1}
    assert registry["people_screened_phq_9_severe"].value(scope) == {(): 1}
    assert registry["people_screened_phq_2_negative"].value(scope) == {(): 1}
    assert all(registry[code].counts_people for code in registry if code.startswith("people_screened"))


def test_grouped_by_month_and_organization_and_limited_to_the_period(world, record):
    old = record(code="AA01")
    Screening.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=90))
    record(code="BB02")
    scope = _scope(world)
    month = timezone.localdate().replace(day=1)
    assert registry["people_screened"].value(scope, ("month", "organization")) == {
        (month, str(world.home.organization.pk)): 1
    }
