"""On a phone: a partner creates a training, records attendance, and finds it on the shared calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.testworld import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_training_record_attendance_and_see_it_on_the_calendar(browser_page):
    from playwright.sync_api import expect

    from meetpoint.testworld import make_world

    make_world()
    page = browser_page
    sign_in(page, "riverbend-staff")
    expect(page.get_by_role("heading", name="Riverbend Harm Reduction")).to_be_visible()

    starts = timezone.localtime() + timedelta(days=1)
    page.goto("/education/events/new/")
    page.get_by_label("Title").fill("Naloxone training for bus drivers")
    page.get_by_label("Kind of event").select_option("overdose_response")
    page.get_by_label("Audience").select_option("businesses")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Or venue").fill("Transit depot break room")
    page.get_by_label("Show on the public calendar").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Naloxone training for bus drivers")).to_be_visible()

    page.get_by_label("People who attended").fill("18")
    page.get_by_label("Naloxone kits handed out").fill("18")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#attendance")).to_have_text("18")

    page.goto(f"/education/calendar/?month={starts.strftime('%Y-%m')}")
    item = page.locator(".calendar-item", has_text="Naloxone training for bus drivers")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Transit depot break room")
