"""The "where to go next" ranking: the transparent score, and the needs pages beside reach."""

import pytest
from django.urls import reverse

from meetpoint import indicators
from meetpoint.needs.actions import import_area_data, set_aliases
from meetpoint.needs.models import Area
from meetpoint.needs.ranking import AreaFacts, percentile_ranks, rank_areas
from meetpoint.needs.reach import reach_indicators as reach_indicators_setting


def test_percentile_ranks():
    assert percentile_ranks({"a": 1, "b": 5, "c": 3}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert percentile_ranks({"a": 2, "b": 2, "c": 9}) == {"a": 0.25, "b": 0.25, "c": 1.0}
    assert percentile_ranks({"only": 4}) == {"only": 0.5}


def test_high_need_and_low_reach_rank_first():
    facts = [
        # vulnerable, many overdoses, barely reached: should come first
        AreaFacts("A", "Flats", 1000, svi=0.9, overdoses=12, reach=5),
        # vulnerable but already well served
        AreaFacts("B", "Hilltop", 1000, svi=0.8, overdoses=12, reach=300),
        # well off, few overdoses, unreached
        AreaFacts("C", "Meadows", 1000, svi=0.1, overdoses=1, reach=0),
    ]
    ranked = rank_areas(facts)
    assert [r.facts.code for r in ranked] == ["A", "B", "C"]
    top = ranked[0]
    # A: 0.4*0.9 + 0.35*0.75 (overdose standing: tied top of three) + 0.25*(1 - 0.5) (reach standing middle)
    assert top.score == pytest.approx(0.4 * 0.9 + 0.35 * 0.75 + 0.25 * 0.5)
    assert top.parts["reach"]["standing"] == pytest.approx(0.5)


def test_missing_parts_rescale_the_weights():
    ranked = rank_areas([AreaFacts("A", "", None, svi=0.6, overdoses=None, reach=None)])
    assert ranked[0].score == pytest.approx(0.6)
    assert ranked[0].missing == ["overdoses", "reach"]
    assert ranked[0].parts["svi"]["weight"] == 1.0


def test_weights_can_be_changed():
    facts = [AreaFacts("A", "", 1000, 0.9, 1, 100), AreaFacts("B", "", 1000, 0.1, 50, 100)]
    # Defaults: A = 0.4*0.9 + 0 + 0.25*0.5 = 0.485; B = 0.4*0.1 + 0.35*1 + 0.25*0.5 = 0.515.
    assert [r.facts.code for r in rank_areas(facts)] == ["B", "A"]
    assert rank_areas(facts, {"svi": 0.9, "overdoses": 0.1})[0].facts.code == "A"


AREAS = (
    "FIPS,LOCATION,E_TOTPOP,RPL_THEMES,EP_POV150,EP_UNINSUR,EP_NOVEH,INTPTLAT,INTPTLON\n"
    "42003010300,Flats,4000,0.93,41,12,38,40.44,-79.99\n"
    "42003020100,Hilltop,2000,0.22,10,4,5,40.50,-79.90\n"
    "42003030100,Riverside,3000,0.75,30,9,20,40.40,-80.05\n"
)


def test_needs_page_shows_reach_and_protects_small_overdose_counts(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    set_aliases(Area.objects.get(code="42003020100"), ["152"])
    reach_indicators["outreach_encounters"].update(
        {"bg:420030103001": 40, "152": 300, "grid:40.40,-80.06": 12}
    )
    reach_indicators["overdoses_reported_fatal"].update({"42003010300": 30, "42003020100": 4})
    page = world.client(world.outsider.viewer).get(reverse("needs:areas")).content.decode()
    assert "Flats" in page and "0.93" in page
    assert "&lt;11" in page  # Hilltop's 4 overdoses
    assert "30 (7.5)" in page  # Flats' 30 overdoses per 4,000 = 7.5 per 1,000
    assert "300 (150.0)" in page  # Hilltop encounters reached through its ZIP3 alias
    assert "40 (10.0)" in page  # a block group inside the Flats tract
    assert "12 (4.0)" in page  # a grid cell placed in the nearest tract (Riverside)
    assert "n/a" in page  # trainings: no indicator registered in this test


def test_next_stops_page_ranks_with_reasoning(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    reach_indicators["outreach_encounters"].update({"42003010300": 8, "42003020100": 300, "42003030100": 90})
    reach_indicators["overdoses_reported_fatal"].update(
        {"42003010300": 30, "42003020100": 4, "42003030100": 12}
    )
    page = world.client(world.home.analyst).get(reverse("needs:next")).content.decode()
    assert page.index("1. Flats") < page.index("2. Riverside") < page.index("3. Hilltop")
    assert "Social vulnerability percentile 0.93" in page
    assert "Overdoses not shown for the period (a small count; rate withheld)" in page
    assert "7.50 overdoses per 1,000 residents" in page
    assert 'data-lat="40.440000"' in page  # the optional map places Flats at its interior point
    body = world.client().get("/api/v1/needs/ranking", headers=world.token(world.outsider.viewer)).json()
    assert [row["code"] for row in body] == ["42003010300", "42003030100", "42003020100"]
    assert "value" not in body[2]["parts"]["overdoses"]  # a rate that would reveal 4 overdoses is withheld


def test_needs_pages_work_without_any_reach_indicator(world, monkeypatch):
    for codes in reach_indicators_setting().values():
        for code in codes:
            monkeypatch.delitem(indicators.registry, code, raising=False)
    import_area_data(AREAS, layout="svi")
    page = world.client(world.home.viewer).get(reverse("needs:next")).content.decode()
    assert "1. Flats" in page and "Left out (weights rescaled)" in page
    table = world.client(world.home.viewer).get(reverse("needs:areas")).content.decode()
    assert table.count("n/a") >= 12  # encounters, kits, trainings and overdoses for three areas


def test_needs_pages_need_a_member(world):
    for name in ("needs:areas", "needs:next"):
        assert world.client().get(reverse(name)).status_code == 302
    assert world.client().get("/api/v1/needs/areas").status_code == 401
    assert (
        world.client()
        .get("/api/v1/needs/ranking", headers=world.token(world.home.viewer), data={"purpose": "x"})
        .status_code
        == 400
    )


def test_next_stops_in_spanish(world):
    import_area_data(AREAS, layout="svi")
    page = world.client(world.home.viewer).get(reverse("needs:next"), headers={"accept-language": "es"})
    body = page.content.decode()
    assert "Adónde ir después" in body and "Percentil de vulnerabilidad social 0.93" in body
