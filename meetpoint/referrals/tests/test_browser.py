"""In a phone-sized browser: an emergency department nurse screens a person for overdose risk, refers them from
the screening result page to the syringe services program with recorded consent, and the program's staff sign
in, accept and complete the referral, which closes the loop in the ED's metrics."""

import pytest

from meetpoint.demo.region import DEMO_PASSWORD, Region
from meetpoint.testworld import sign_in


def _sign_in(page, username: str) -> None:
    sign_in(page, username, DEMO_PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ed_refers_to_the_syringe_services_program_which_accepts_and_completes(browser_page):
    from meetpoint.directory import demo as directory_demo
    from meetpoint.directory.models import Service
    from meetpoint.referrals.models import Referral
    from meetpoint.screening.actions import record_screening

    region = Region()
    directory_demo.load(region)
    ed_staff = region.memberships["demo-ed-staff"]
    screening = record_screening(
        ed_staff,
        instrument="overdose-risk",
        answers={
            "prior_overdose": True,
            "mixing": False,
            "lost_tolerance": False,
            "using_alone": True,
            "unknown_supply": True,
        },
        participant_code="MA0785",
    )
    ssp = region.organizations["riverside-harm-reduction"]
    ssp_service = Service.objects.filter(organization=ssp, taxonomy_terms__code="syringe-services").first()

    page = browser_page
    _sign_in(page, "demo-ed-staff")
    site = region.extra["ssp_site"]  # the person lives near the syringe services program's site
    page.goto(f"/screening/{screening.pk}/?lat={site.latitude}&lon={site.longitude}")
    page.locator(f'a[href*="service={ssp_service.pk}"]').first.click()
    assert page.get_by_role("heading", name="New referral").is_visible()
    page.get_by_label("Why you refer the person").fill(
        "Overdose risk: wants syringe services and test strips."
    )
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number or email address").fill("555-0199")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Consent to share substance-use information").is_visible()
    page.get_by_label("What information may be disclosed").fill(
        "The referral reason and the overdose-risk screening."
    )
    page.get_by_label("Purpose of the disclosure").fill("Syringe services and naloxone.")
    page.get_by_label("Expires on", exact=True).fill("2099-12-31")
    page.get_by_label("Verbal consent, recorded and witnessed").check()
    page.get_by_label("Witnessed by").fill("Nurse Ortiz")
    page.get_by_label("The person was told they may revoke this consent at any time").check()
    page.get_by_role("button", name="Record consent and send").click()
    assert page.get_by_text("Consent recorded.").is_visible()
    assert page.locator(".badge", has_text="Sent").first.is_visible()

    page.context.clear_cookies()
    _sign_in(page, "demo-ssp-staff")
    page.goto("/referrals/")
    page.get_by_role("link", name=ssp_service.name).first.click()
    assert page.get_by_text("Overdose risk: wants syringe services and test strips.").is_visible()
    assert page.get_by_text("555-0199").is_visible()
    page.get_by_role("button", name="Accept", exact=True).click()
    assert page.get_by_text("The referral is now: Accepted.").is_visible()
    page.get_by_label("Note (optional").fill("Enrolled; kit and naloxone given.")
    page.get_by_role("button", name="Complete", exact=True).click()
    assert page.get_by_text("The referral is now: Completed.").is_visible()
    assert page.get_by_text("Enrolled; kit and naloxone given.").is_visible()

    referral = Referral.objects.get()
    assert referral.state == "completed" and referral.sender.slug == "st-lukes-hospital"
    assert [t.to_state for t in referral.transitions.order_by("version")] == [
        "draft",
        "sent",
        "accepted",
        "completed",
    ]

    page.context.clear_cookies()
    _sign_in(page, "demo-ed-analyst")
    page.goto("/referrals/metrics/")
    row = page.locator("tr", has_text="Riverside")
    assert row.locator("td").nth(3).inner_text() == "1"  # completed
    assert row.locator("td").nth(6).inner_text() == "100%"
