"""On a 360 px phone: the public alerts page and an alert page fit the screen, in Spanish too."""

import pytest
from django.utils import timezone

from meetpoint.testworld import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alerts_pages_fit_a_small_phone(browser_page):
    from meetpoint.alerts import actions
    from meetpoint.alerts.models import Alert, SubstanceOfConcern
    from meetpoint.alerts.substances import load_listed_substances
    from meetpoint.alerts.tests.test_samples import sample
    from meetpoint.testworld import make_world

    # A transactional test before this one on the same worker empties every table, the migration's list with them.
    load_listed_substances(SubstanceOfConcern)
    world = make_world()
    actions.record_sample(world.home.staff, sample(timezone.localdate(), found=["fentanyl", "xylazine"]))
    alert = Alert.objects.get()
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/alerts/public/")
    assert page.get_by_role("heading", name="Bad batch: xylazine").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.set_extra_http_headers({"Accept-Language": "es"})
    page.goto("/alerts/public/")
    assert page.get_by_role("heading", name="Alertas públicas").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.set_extra_http_headers({"Accept-Language": "en"})
    sign_in(page, "riverbend-viewer", next_url=f"/alerts/{alert.pk}/")
    assert page.get_by_text("Carry wound care supplies").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
