"""On a phone: staff screen a person with TAPS; part 2 shows only the questions part 1 opens; the result page
shows what the result calls for."""

import pytest

from meetpoint.testworld import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_screen_with_taps_on_a_phone(browser_page):
    from meetpoint.testworld import make_world

    make_world()
    page = browser_page
    sign_in(page, "riverbend-staff")
    page.goto("/screening/new/taps/")
    page.get_by_label("Participant code").fill("MA0785")
    page.get_by_label("Sex").select_option("male")
    heroin = page.locator("#q-p2_heroin")
    assert heroin.is_hidden()  # part 1 not answered yet: part 2 is hidden
    for key, choice in (("tobacco", "0"), ("alcohol", "0"), ("drugs", "3"), ("rx", "0")):
        page.locator(f"label[for='item-p1_{key}-{choice}']").click()
    assert heroin.is_visible() and page.locator("#q-p2_tobacco").is_hidden()
    for key in ("marijuana", "stimulants", "other"):
        page.locator(f"label[for='item-p2_{key}-no']").click()
    page.locator("label[for='item-p2_heroin-yes']").click()
    page.locator("label[for='item-p2_heroin_a-yes']").click()
    page.locator("label[for='item-p2_heroin_b-no']").click()
    page.get_by_role("button", name="Score and save").click()
    assert page.locator("strong", has_text="Higher risk (score 2 or more for a substance)").is_visible()
    assert page.get_by_role("row", name="Heroin").get_by_text("positive").is_visible()
    assert page.get_by_role("heading", name="What this result calls for").is_visible()
