"""Community-needs areas belong to whoever imported them: another organization's upload never changes what a
program's ranking uses, each organization chooses its source, and the map's labels are text, not HTML."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetpoint.accounts.models import AuditEvent
from meetpoint.accounts.roles import PartnerType
from meetpoint.errors import NotAllowed
from meetpoint.needs.actions import import_area_data, set_aliases
from meetpoint.needs.models import Area
from meetpoint.needs.tests.test_ranking import AREAS
from meetpoint.testworld import make_side

FLATS = "42003010300"
HOSTILE = "FIPS,LOCATION,E_TOTPOP,RPL_THEMES\n42003030100,<img src=x onerror=alert(1)>Police tract,10,0.99\n"


@pytest.fixture
def police(world):
    return make_side("County Police Department", "county-police", PartnerType.LAW_ENFORCEMENT)


def ranking_codes(client) -> list[str]:
    return [row["code"] for row in client.get("/api/v1/needs/ranking").json()]


def upload(client, text: str):
    data = {"layout": "svi", "file": SimpleUploadedFile("tracts.csv", text.encode(), content_type="text/csv")}
    return client.post(reverse("needs:import"), data)


def test_another_organizations_upload_does_not_change_a_programs_ranking(world, police):
    import_area_data(AREAS, layout="svi")  # the site administrator's (the network's) areas
    program = world.client(world.home.viewer)
    before = ranking_codes(program)
    answer = upload(world.client(police.staff), HOSTILE)
    assert answer.status_code == 302
    assert ranking_codes(program) == before
    assert Area.objects.get(owner=None, code="42003030100").name == "Riverside"  # untouched
    # The police's own pages use the police's own areas.
    assert ranking_codes(world.client(police.viewer)) == ["42003030100"]


def test_an_import_writes_only_the_importers_own_areas(world):
    with pytest.raises(NotAllowed):
        import_area_data(AREAS, layout="svi", membership=world.outsider.staff, owner=world.home.organization)
    with pytest.raises(NotAllowed):
        import_area_data(AREAS, layout="svi", membership=world.outsider.staff, owner=None)
    import_area_data(AREAS, layout="svi", membership=world.home.staff)
    flats = Area.objects.get(code=FLATS)
    assert flats.owner == world.home.organization
    with pytest.raises(NotAllowed):
        set_aliases(flats, ["152"], world.outsider.organization)
    with pytest.raises(NotAllowed):
        set_aliases(flats, ["152"])  # the site administrator does not change an organization's area either


def test_an_admin_chooses_whose_areas_the_organization_uses(world, police):
    import_area_data(AREAS, layout="svi")
    upload(world.client(police.staff), HOSTILE)
    admin = world.client(world.home.admin)
    page = admin.get(reverse("needs:source")).content.decode()
    assert "County Police Department" in page and "site administrator" in page
    assert admin.post(reverse("needs:source"), {"source": str(police.organization.pk)}).status_code == 302
    assert ranking_codes(world.client(world.home.viewer)) == ["42003030100"]
    assert admin.post(reverse("needs:source"), {"source": "site"}).status_code == 302
    assert len(ranking_codes(world.client(world.home.viewer))) == 3
    assert (
        AuditEvent.objects.filter(action="needs.source.chosen", organization=world.home.organization).count()
        == 2
    )
    refused = admin.post(reverse("needs:source"), {"source": str(world.coalition.organization.pk)})
    assert refused.status_code == 400 and "imported area data" in refused.content.decode()


def test_only_admins_choose_the_source(world):
    assert world.client(world.home.staff).get(reverse("needs:source")).status_code == 403
    assert (
        world.client(world.home.viewer).post(reverse("needs:source"), {"source": "site"}).status_code == 403
    )
    assert world.client().get(reverse("needs:source")).status_code == 302


def test_an_area_name_reaches_the_map_as_text(world, police):
    upload(world.client(police.staff), HOSTILE)
    page = world.client(police.viewer).get(reverse("needs:next")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page  # escaped in the data attribute
    script = Path(__file__).resolve().parents[1] / "static" / "needs" / "next_map.js"
    text = script.read_text()
    assert "textContent" in text and "bindTooltip(label" in text
