"""In a real browser: the coalition opens its dashboard and downloads the PDF."""

from datetime import date

import pytest

from meetpoint.outcomes import actions
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.testworld import PASSWORD, make_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coalition_dashboard_and_pdf_download(browser_page, records):
    world = make_world()
    for month in (1, 2, 3):
        add_activity(
            records,
            world.home.organization,
            date(2025, month, 1),
            people=30,
            kits=44,
            syringes=700,
            area="152",
        )
        add_activity(
            records, world.home.organization, date(2025, month, 1), people=3, kits=2, syringes=9, area="153"
        )
    agreement = actions.propose_agreement(
        world.home.admin,
        actions.AgreementInput(
            world.coalition.organization,
            ["test_naloxone_kits", "test_people_served"],
            date(2025, 1, 1),
            place_grain="zip3",
        ),
    )
    actions.accept_agreement(world.coalition.admin, agreement)
    actions.run_exchanges(date(2025, 4, 10))

    page = browser_page
    page.goto("/account/sign-in/")
    page.fill("input[name=username]", world.coalition.analyst.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit], main form button")
    page.goto("/outcomes/dashboard/")
    assert page.locator("h1").inner_text() == "Coalition dashboard"
    table = page.locator("#by-partner").inner_text()
    assert "Riverbend Harm Reduction" in table and "46" in table  # 44 + 2 kits in March
    assert page.locator("figure.chart svg").count() >= 2
    with page.expect_download() as download_info:
        page.click("#dashboard-pdf")
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
