from datetime import datetime, time

from django.utils import timezone

from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.roles import PartnerType
from meetpoint.demo.region import CENTER_LAT, CENTER_LON, Region
from meetpoint.directory import demo
from meetpoint.directory.models import Location, Schedule, Service
from meetpoint.directory.search import SearchQuery, search_services

FIXED = {
    "three-rivers-coalition": "coalition",
    "three-rivers-health": "health",
    "riverside-harm-reduction": "ssp",
    "three-rivers-mobile-health": "mobile",
    "st-lukes-hospital": "ed",
    "three-rivers-police": "police",
    "northside-recovery": "recovery",
    "harvest-food-bank": "food",
    "valley-high-school": "school",
}


def test_demo_directory_is_a_whole_region(db):
    region = Region()
    demo.load(region)
    assert set(FIXED) <= set(region.organizations)
    assert set(Organization.objects.values_list("partner_type", flat=True)) == set(PartnerType.values)
    assert 35 <= Organization.objects.count() <= 45 and 130 <= Service.objects.count() <= 170
    for slug, short in FIXED.items():
        assert Membership.objects.filter(
            user__username=f"demo-{short}-staff", organization__slug=slug
        ).exists()
    assert region.extra["ssp_site"].organization.slug == "riverside-harm-reduction"
    units = region.extra["mobile_units"]
    assert len(units) == 2 and all(unit.is_mobile for unit in units)
    stop_days = set(Schedule.objects.filter(location=units[0]).values_list("date", flat=True))
    assert len(stop_days) >= 28
    assert Location.objects.filter(is_confidential=True).count() >= 2
    assert Service.objects.filter(languages__code="es").distinct().count() >= 20
    # Every daytime hour of every day, several naloxone points are open within 10 km of the centre.
    for day_offset in range(7):
        for hour in (8, 12, 16, 20):
            day = region.today + timezone.timedelta(days=day_offset)
            now = timezone.make_aware(datetime.combine(day, time(hour, 15)))
            query = SearchQuery(
                taxonomy_codes=["naloxone"],
                open_now=True,
                latitude=CENTER_LAT,
                longitude=CENTER_LON,
                radius_km=10,
            )
            assert search_services(query, now=now).total >= 3, (day, hour)


def test_demo_is_deterministic(db):
    demo.load(Region())
    first = sorted(Service.objects.values_list("name", "organization__slug"))
    points = sorted(Location.objects.values_list("name", "latitude"))
    Organization.objects.all().delete()
    demo.load(Region())
    assert sorted(Service.objects.values_list("name", "organization__slug")) == first
    assert sorted(Location.objects.values_list("name", "latitude")) == points
