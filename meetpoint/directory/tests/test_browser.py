import pytest

from meetpoint.demo.region import CENTER_LAT, CENTER_LON, Region
from meetpoint.directory import demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_find_naloxone_near_a_point_open_it_and_read_it_in_spanish(browser_page):
    demo.load(Region())
    page = browser_page
    page.goto("/")
    page.get_by_label("What are you looking for?").fill("naloxone")
    page.get_by_label("Latitude").fill(str(CENTER_LAT))
    page.get_by_label("Longitude").fill(str(CENTER_LON))
    page.get_by_label("Within (km)").fill("10")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("ol.hits > li")
    assert results.count() >= 5
    assert "km away" in results.first.inner_text()
    first_name = results.first.locator("h3 a").inner_text()
    results.first.locator("h3 a").click()
    page.wait_for_url("**/services/**")
    assert page.get_by_role("heading", level=1).inner_text() == first_name
    assert page.get_by_role("heading", name="Where and when").is_visible()
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Dónde y cuándo").is_visible()
    assert "Educación sobre sobredosis y distribución de naloxona" in page.content()
    page.get_by_role("link", name="Volver a la búsqueda").click()
    assert page.get_by_role("heading", name="Encuentre ayuda cerca de usted").is_visible()
