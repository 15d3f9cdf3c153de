"""The demo's alerts: a cluster near the SSP's site raises a spike alert for the SSP, the health department and
the coalition and nobody else; a sample with xylazine puts a bad-batch alert on the public page."""

import pytest
from django.urls import reverse

from meetpoint.accounts.roles import PartnerType
from meetpoint.alerts import demo
from meetpoint.alerts.models import Alert
from meetpoint.alerts.tests.conftest import share_overdoses
from meetpoint.demo.region import Region
from meetpoint.directory.models import Location
from meetpoint.testworld import make_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(world):
    """The demo region's cast, played by the test world: the SSP (home), the coalition it shares with, a health
    department, and an unrelated hospital (the outsider)."""
    health = make_side("County Health Department", "county-health", PartnerType.HEALTH_DEPARTMENT)
    share_overdoses(world.home.admin, world.coalition.admin)  # what the outcomes demo agrees
    site = Location.objects.create(
        organization=world.home.organization, name="Riverbend drop-in", latitude=40.4406, longitude=-79.9959
    )
    found = Region()
    found.organizations = {
        "riverside-harm-reduction": world.home.organization,
        "three-rivers-health": health.organization,
        "three-rivers-coalition": world.coalition.organization,
    }
    found.memberships = {
        "demo-ssp-admin": world.home.admin,
        "demo-ssp-staff": world.home.staff,
        "demo-health-admin": health.admin,
    }
    found.extra = {"ssp_site": site}
    demo.load(found)
    return found, health


def test_the_demo_cluster_alerts_the_right_partners_only(world, region):
    _found, health = region
    spikes = Alert.objects.filter(kind="spike", area="cell:40.4,-80.0", status="open")
    audiences = set(spikes.values_list("organization_id", flat=True))
    assert audiences == {world.home.organization.pk, health.organization.pk, world.coalition.organization.pk}
    for member in (world.home.viewer, health.viewer, world.coalition.viewer):
        page = world.client(member).get(reverse("alerts:list")).content.decode()
        assert "Overdose spike</a>" in page
    assert (
        "Overdose spike</a>"
        not in world.client(world.outsider.admin).get(reverse("alerts:list")).content.decode()
    )


def test_the_demo_xylazine_sample_is_on_the_public_page(world, region):
    page = world.client().get(reverse("alerts:public")).content.decode()
    assert "Bad batch: xylazine" in page and "<h3>Overdose spike" not in page  # spikes stay with partners
