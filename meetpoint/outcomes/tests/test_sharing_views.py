"""Agreement, inbox, package and dashboard pages: who sees what, with the outsider and anonymous cases."""

from datetime import date

import pytest

from meetpoint.outcomes import actions
from meetpoint.outcomes.models import SharingAgreement
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between


@pytest.fixture
def shared(world, records):
    """Home shares three months with the coalition; the outsider shares nothing."""
    for month in (1, 2, 3):
        start = date(2025, month, 1)
        add_activity(records, world.home.organization, start, people=25, kits=40, syringes=600, area="152")
        add_activity(records, world.home.organization, start, people=4, kits=3, syringes=20, area="153")
        add_activity(records, world.home.organization, start, people=14, kits=15, syringes=300, area="154")
        add_activity(
            records, world.outsider.organization, start, people=50, kits=99, syringes=999, area="152"
        )
    agreement = agreement_between(
        world, ["test_people_served", "test_naloxone_kits", "test_syringes"], valid_from=date(2025, 1, 1)
    )
    actions.run_exchanges(TODAY)
    return agreement


def test_agreement_form_proposes_and_recipient_accepts(world, records):
    client = world.client(world.home.admin)
    response = client.get("/outcomes/agreements/")
    assert response.status_code == 200 and "Propose an agreement" in response.content.decode()
    response = client.post(
        "/outcomes/agreements/",
        {
            "recipient": str(world.coalition.organization.pk),
            "indicators": ["test_naloxone_kits"],
            "time_grain": "quarter",
            "place_grain": "county",
            "threshold": "11",
            "protect_supplies": "on",
            "valid_from": "2025-01-01",
        },
    )
    agreement = SharingAgreement.objects.get()
    assert response.status_code == 302 and agreement.state == "proposed"
    coalition = world.client(world.coalition.admin)
    page = coalition.get(f"/outcomes/agreements/{agreement.pk}/")
    assert "Accept this agreement" in page.content.decode()
    assert coalition.post(f"/outcomes/agreements/{agreement.pk}/accept/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.recipient_accepted_at is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_from": "2025-05-01", "valid_until": "2025-04-01"}, "cannot end before it starts"),
        ({"threshold": "3"}, "below the floor of 5"),
    ],
)
def test_bad_agreement_is_400_and_nothing_changes(world, records, fields, message):
    data = {
        "recipient": str(world.coalition.organization.pk),
        "indicators": ["test_naloxone_kits"],
        "time_grain": "month",
        "place_grain": "county",
        "threshold": "11",
        "valid_from": "2025-01-01",
    } | fields
    response = world.client(world.home.admin).post("/outcomes/agreements/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SharingAgreement.objects.exists()


def test_agreement_pages_read_by_every_role_acted_on_by_admins_and_404_for_outsiders(world, shared):
    url = f"/outcomes/agreements/{shared.pk}/"
    assert world.client(world.home.admin).get(url).status_code == 200
    assert world.client(world.coalition.admin).get(url).status_code == 200
    analyst_page = world.client(world.home.analyst).get(url)
    assert analyst_page.status_code == 200 and "End this agreement" not in analyst_page.content.decode()
    for role in ("admin", "staff", "analyst", "viewer"):
        outsider = world.client(world.outsider.members[role])
        assert outsider.get(url).status_code == 404
        assert outsider.post(f"{url}end/").status_code == 404
    assert world.client().get(url).status_code == 302
    assert world.client(world.home.staff).post(f"{url}end/").status_code == 403


def test_inbox_and_package_seen_only_by_the_two_sides(world, shared):
    package = shared.packages.get(period_label="2025-02")
    inbox = world.client(world.coalition.analyst).get("/outcomes/inbox/").content.decode()
    assert "2025-02" in inbox and world.home.organization.name in inbox
    assert package.checksum[:10] in inbox
    for membership in (world.coalition.viewer, world.home.analyst):
        page = world.client(membership).get(f"/outcomes/packages/{package.pk}/")
        assert page.status_code == 200
    body = world.client(world.coalition.viewer).get(f"/outcomes/packages/{package.pk}/").content.decode()
    assert "*" in body  # 4 people in ZIP3 153 is hidden
    for membership in (world.outsider.admin, world.outsider.analyst):
        assert world.client(membership).get(f"/outcomes/packages/{package.pk}/").status_code == 404
        assert (
            world.client(membership).get(f"/outcomes/packages/{package.pk}/download.json").status_code == 404
        )
        assert "2025-02" not in world.client(membership).get("/outcomes/inbox/").content.decode()
    assert world.client().get(f"/outcomes/packages/{package.pk}/").status_code == 302
    download = world.client(world.coalition.analyst).get(f"/outcomes/packages/{package.pk}/download.csv")
    assert download.status_code == 200 and download["X-Content-SHA256"] == package.checksum
    assert b"test_people_served" in download.content


def test_dashboard_combines_partners_with_suppression(world, shared, records):
    # a second partner shares with the coalition too
    from meetpoint.testworld import make_side

    second = make_side("Second Partner", "second", "harm_reduction")
    for month in (1, 2, 3):
        add_activity(
            records, second.organization, date(2025, month, 1), people=30, kits=20, syringes=100, area="152"
        )
    agreement = actions.propose_agreement(
        second.admin,
        actions.AgreementInput(
            world.coalition.organization, ["test_naloxone_kits"], date(2025, 1, 1), place_grain="zip3"
        ),
    )
    actions.accept_agreement(world.coalition.admin, agreement)
    actions.run_exchanges(TODAY)
    page = world.client(world.coalition.viewer).get("/outcomes/dashboard/", {"period": "2025-02"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Second Partner" in body and world.home.organization.name in body
    # kits in 2025-02: home 40 + (3 and 15 hidden) = total 58 published; second 20 -> combined 78
    assert "78" in body
    assert "<svg" in body
    pdf = world.client(world.coalition.viewer).get("/outcomes/dashboard/download.pdf", {"period": "2025-02"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_dashboard_of_an_organization_without_agreements_is_empty(world, shared):
    body = world.client(world.outsider.admin).get("/outcomes/dashboard/").content.decode()
    assert "No packages yet" in body
    assert world.home.organization.name not in body
    assert world.client().get("/outcomes/dashboard/").status_code == 302
    assert world.client().get("/outcomes/dashboard/download.pdf").status_code == 302


def test_expired_agreement_stops_feeding_the_dashboard(world, shared):
    shared.valid_until = date(2025, 3, 31)
    shared.save()
    body = world.client(world.coalition.admin).get("/outcomes/dashboard/").content.decode()
    assert "No packages yet" in body


def test_catalog_is_public_and_lists_registered_indicators(world, records):
    for client in (world.client(), world.client(world.outsider.viewer)):
        body = client.get("/outcomes/indicators/").content.decode()
        assert "test_people_served" in body and "always protected" in body


def test_outcomes_home_needs_sign_in(world):
    assert world.client().get("/outcomes/").status_code == 302
    assert world.client(world.home.viewer).get("/outcomes/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/outcomes/",
        "/outcomes/report/",
        "/outcomes/report/download.csv",
        "/outcomes/agreements/",
        "/outcomes/inbox/",
        "/outcomes/dashboard/",
        "/outcomes/dashboard/download.pdf",
        "/outcomes/open/manage/",
    ],
)
def test_member_pages_send_anonymous_visitors_to_sign_in(world, url):
    response = world.client().get(url)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_non_admins_read_agreements_but_cannot_propose_them(world, records):
    for membership in (world.home.staff, world.home.analyst, world.home.viewer):
        page = world.client(membership).get("/outcomes/agreements/")
        assert page.status_code == 200 and "Propose an agreement" not in page.content.decode()
        assert world.client(membership).post("/outcomes/agreements/", {}).status_code == 403
    assert world.client(world.outsider.admin).get("/outcomes/agreements/").status_code == 200
