import pytest

from meetpoint.testworld import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_signs_in_on_a_phone(browser_page):
    from meetpoint.testworld import make_world

    make_world()
    page = browser_page
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill("riverbend-staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Riverbend Harm Reduction").is_visible()
