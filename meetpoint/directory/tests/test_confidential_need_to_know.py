"""Confidential sites by need to know: the exact address, point and name go only to the site's own organization
and the partners it names. A police viewer (signed in, not named) and the public see the approximate area on
every page, in every API answer and in the public export; the partner-internal export is 0600, marked
confidential and logged in the audit log of every organization whose sites it exposes."""

import json
import stat

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetpoint.accounts.models import AuditEvent
from meetpoint.accounts.roles import PartnerType
from meetpoint.directory.hsds.testing import (
    HIDDEN_LAT,
    HIDDEN_LON,
    HIDDEN_STREET,
    PUBLIC_AREA,
    build_hsds_directory,
)
from meetpoint.directory.models import ExactPlaceGrant
from meetpoint.testworld import make_side

HIDDEN_NAME = "Riverbend syringe services"  # the confidential site's name
SECRETS = (HIDDEN_STREET, "15213", str(HIDDEN_LAT), str(HIDDEN_LON), HIDDEN_NAME, "Back door", "Quiet Alley")


@pytest.fixture
def hsds(world):
    return build_hsds_directory(world)


@pytest.fixture
def police(world):
    return make_side("County Police Department", "county-police", PartnerType.LAW_ENFORCEMENT)


def every_door(hsds, world) -> list[str]:
    """Every page and API answer that can show a directory place."""
    near = {"lat": 40.45, "lon": -79.99, "radius_km": 10}  # not the site's own point (the form echoes it)
    api = "/api/v1/hsds"
    return [
        "/?q=naloxone",
        "/?" + "&".join(f"{k}={v}" for k, v in {"q": "naloxone", **near}.items()),
        "/?postcode=15213",
        "/map/?q=naloxone",
        "/mobile/",
        reverse("directory:service", args=[hsds.naloxone.pk]),
        "/api/v1/directory/search?q=naloxone&" + "&".join(f"{k}={v}" for k, v in near.items()),
        "/api/v1/directory/search?postcode=15213",
        f"{api}/services",
        f"{api}/services/{hsds.naloxone.pk}",
        f"{api}/service_at_locations",
        f"{api}/service_at_locations?postcode=15213",
        f"{api}/service_at_locations/{hsds.confidential_link.pk}",
        f"{api}/organizations",
        f"{api}/organizations/{world.home.organization.pk}",
    ]


def leaks(text: str, asked: str = "") -> list[str]:
    """The secrets in an answer, leaving out what the request itself asked for (a form echoes it)."""
    return [secret for secret in SECRETS if secret in text and secret not in asked]


@pytest.mark.parametrize(
    "who", ["police viewer", "police staff", "police by token", "outsider admin", "public"]
)
def test_no_exact_place_of_a_confidential_site_reaches_an_unnamed_viewer(world, hsds, police, who):
    if who == "public":
        client, headers = world.client(), {}
    elif who == "police by token":
        client, headers = world.client(), world.token(police.viewer)
    elif who == "outsider admin":
        client, headers = world.client(world.outsider.admin), {}
    else:
        client, headers = world.client(police.viewer if who == "police viewer" else police.staff), {}
    for url in every_door(hsds, world):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, url
        assert leaks(answer.content.decode(), url) == [], url
        if "postcode" in url and "/api/" in url:  # nor is the site found by its postcode
            assert answer.json().get("total_items", answer.json().get("total")) == 0, url
    page = client.get(reverse("directory:service", args=[hsds.naloxone.pk]), headers=headers).content.decode()
    assert PUBLIC_AREA in page


def test_the_sites_own_members_and_the_partners_it_names_see_it_exactly(world, hsds, police):
    ExactPlaceGrant.objects.create(organization=world.home.organization, partner=world.outsider.organization)
    url = reverse("directory:service", args=[hsds.naloxone.pk])
    for member in (world.home.viewer, world.outsider.viewer):
        page = world.client(member).get(url).content.decode()
        assert HIDDEN_STREET in page and HIDDEN_NAME in page
        body = world.client().get(
            "/api/v1/hsds/service_at_locations", {"postcode": "15213"}, headers=world.token(member)
        )
        assert body.json()["total_items"] == 1
    # Naming one partner tells no one else.
    assert leaks(world.client(police.viewer).get(url).content.decode()) == []


def test_the_name_is_public_only_when_the_organization_chooses(world, hsds):
    url = reverse("directory:service", args=[hsds.naloxone.pk])
    assert HIDDEN_NAME not in world.client().get(url).content.decode()
    hsds.confidential_site.name_is_public = True
    hsds.confidential_site.save()
    page = world.client().get(url).content.decode()
    assert HIDDEN_NAME in page and HIDDEN_STREET not in page and PUBLIC_AREA in page


# --- the admin's list of partners ---

PAGE = "/manage/confidential-partners/"


def test_an_admin_names_and_removes_a_partner_and_both_are_audited(world, hsds):
    admin = world.client(world.home.admin)
    assert world.outsider.organization.name in admin.get(PAGE).content.decode()
    answer = admin.post(PAGE, {"partner": str(world.outsider.organization.pk)})
    assert answer.status_code == 302
    assert ExactPlaceGrant.objects.filter(
        organization=world.home.organization, partner=world.outsider.organization
    ).exists()
    url = reverse("directory:service", args=[hsds.naloxone.pk])
    assert HIDDEN_STREET in world.client(world.outsider.viewer).get(url).content.decode()
    admin.post(PAGE, {"remove": str(world.outsider.organization.pk)})
    assert HIDDEN_STREET not in world.client(world.outsider.viewer).get(url).content.decode()
    actions = list(
        AuditEvent.objects.filter(
            organization=world.home.organization, action__startswith="directory.confidential"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["directory.confidential_partner.named", "directory.confidential_partner.removed"]


def test_the_list_is_for_admins_only_and_names_a_real_partner(world, hsds):
    assert world.client(world.home.staff).get(PAGE).status_code == 403
    assert (
        world.client(world.home.viewer)
        .post(PAGE, {"partner": str(world.outsider.organization.pk)})
        .status_code
        == 403
    )
    assert world.client().get(PAGE).status_code == 302  # to sign-in
    admin = world.client(world.home.admin)
    answer = admin.post(PAGE, {"partner": "not-an-id"})
    assert answer.status_code == 400 and "Choose a partner organization" in answer.content.decode()
    answer = admin.post(PAGE, {"remove": str(world.coalition.organization.pk)})
    assert answer.status_code == 404
    assert not ExactPlaceGrant.objects.exists()


def test_an_outsiders_list_does_not_open_another_organizations_sites(world, hsds):
    # The outsider's admin names the coalition: that concerns the outsider's sites, never the home's.
    world.client(world.outsider.admin).post(PAGE, {"partner": str(world.coalition.organization.pk)})
    url = reverse("directory:service", args=[hsds.naloxone.pk])
    assert leaks(world.client(world.coalition.viewer).get(url).content.decode()) == []


# --- the exports ---


def test_the_public_export_holds_no_exact_place(world, hsds, tmp_path, capsys):
    call_command("export_hsds", str(tmp_path))
    text = "".join(path.read_text() for path in tmp_path.rglob("*") if path.is_file())
    assert leaks(text) == []


def test_the_confidential_export_is_private_marked_and_logged_by_every_exposed_organization(
    world, hsds, tmp_path, capsys
):
    folder = tmp_path / "internal"
    call_command("export_hsds", str(folder), include_confidential=True)
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert HIDDEN_STREET in (folder / "services.json").read_text()
    assert files and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    notice = (folder / "CONFIDENTIAL.txt").read_text()
    assert "CONFIDENTIAL" in notice and world.home.organization.name in notice
    assert json.loads((folder / "csv" / "datapackage.json").read_text())["title"].startswith("CONFIDENTIAL")
    [event] = AuditEvent.objects.filter(action="directory.hsds.confidential_export")
    assert event.organization == world.home.organization  # the only organization with a confidential site
    assert event.detail["folder"] == str(folder.resolve())
