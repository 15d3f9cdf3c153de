"""Maps that protect visitors: the map page asks the tile server for nothing until the visitor asks for the street
map; before that (or with no network) the results show in the list and as markers on a plain plan."""

import pytest

from meetpoint.demo.region import Region
from meetpoint.directory import demo

TILES = "https://tiles.example.test/{z}/{x}/{y}.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_loads_tiles_only_when_asked(browser_page, settings):
    settings.MEETPOINT_MAP_TILES = TILES
    demo.load(Region())
    page = browser_page
    asked = []
    page.on(
        "request", lambda request: asked.append(request.url) if "tiles.example.test" in request.url else None
    )
    page.route("https://tiles.example.test/**", lambda route: route.abort())  # no network beyond the site
    page.goto("/map/?q=naloxone")
    page.wait_for_selector("#map .leaflet-marker-icon")
    assert page.locator("ol.hits > li").count() >= 1  # the list is there too
    assert asked == []
    assert page.locator("#map").get_attribute("class").split().count("schematic") == 1

    page.get_by_role("button", name="Show the street map (pictures from tiles.example.test)").click()
    page.wait_for_function("() => document.querySelectorAll('#map .leaflet-tile').length > 0")
    assert asked, "the tiles are requested once the visitor asks"
    page.wait_for_selector("#tiles-status:has-text('could not load')")
    assert page.locator("#map .leaflet-marker-icon").count() >= 1  # the markers stay


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_map_page_names_the_tile_server_and_offers_none_when_the_setting_is_empty(world, settings, who):
    client = world.client(world.outsider.staff if who == "outsider" else None)
    settings.MEETPOINT_MAP_TILES = TILES
    body = client.get("/map/").content.decode()
    assert "Show the street map (pictures from tiles.example.test)" in body
    settings.MEETPOINT_MAP_TILES = ""
    body = client.get("/map/").content.decode()
    assert 'id="load-tiles"' not in body and 'class="map schematic"' in body
