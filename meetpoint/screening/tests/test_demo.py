"""The demo loader screens people at the emergency department and the syringe services program, deterministically."""

from datetime import timedelta

from django.utils import timezone

from meetpoint.demo.region import Region
from meetpoint.screening import demo
from meetpoint.screening.models import Screening


def _region(world, seed=7):
    region = Region(seed=seed)
    region.organizations = {
        "st-lukes-hospital": world.outsider.organization,
        "riverside-harm-reduction": world.home.organization,
    }
    region.memberships = {"demo-ed-staff": world.outsider.staff, "demo-ssp-staff": world.home.staff}
    return region


def test_demo_screenings_at_the_ed_and_the_ssp_over_180_days(world):
    demo.load(_region(world))
    ed = Screening.objects.filter(organization=world.outsider.organization)
    ssp = Screening.objects.filter(organization=world.home.organization)
    assert ed.count() == 60 and ssp.count() == 40
    assert set(ed.values_list("instrument", flat=True)) >= {"taps", "ahc-hrsn"}
    assert set(ssp.values_list("instrument", flat=True)) >= {"overdose-risk"}
    oldest = Screening.objects.order_by("created").first().created
    assert oldest >= timezone.now() - timedelta(days=181)
    assert (
        Screening.objects.filter(positive=True).exists() and Screening.objects.filter(positive=False).exists()
    )


def test_demo_is_deterministic(world):
    demo.load(_region(world))
    first = sorted(Screening.objects.values_list("instrument", "risk_level", "total"))
    Screening.objects.all().delete()
    demo.load(_region(world))
    assert sorted(Screening.objects.values_list("instrument", "risk_level", "total")) == first
