"""Needs figures by fixed, ended periods only, with the small-number rule for every role, safe against
subtracting the months from their quarter; a day range is refused with the allowed periods."""

from django.urls import reverse
from django.utils import timezone

from meetpoint.needs.actions import import_area_data
from meetpoint.needs.queries import default_period
from meetpoint.needs.tests.test_ranking import AREAS
from meetpoint.outcomes.periods import months_of

API = "/api/v1/needs/areas"
FLATS = "42003010300"


def cells(body, code, measure="encounters"):
    row = next(row for row in body if row["code"] == code)
    return row["reach"][measure] if measure != "overdoses" else row["overdoses"]


def test_counted_but_not_placed_keeps_the_small_number_rule(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    reach_indicators["overdoses_reported_fatal"].update({"99999": 2})  # matches no imported area
    page = world.client(world.outsider.viewer).get(reverse("needs:areas")).content.decode()
    assert "Counted but not placed in any imported area:" in page
    assert "overdoses &lt;11" in page and "overdoses 2" not in page


def test_a_police_viewer_sees_no_small_count_of_encounters_in_a_tract(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    reach_indicators["outreach_encounters"].update({FLATS: 4})
    for member in (world.outsider.viewer, world.outsider.staff, world.home.admin):
        body = world.client().get(API, headers=world.token(member)).json()
        flats = cells(body, FLATS)
        assert flats["shown"] == "<11" and flats["count"] is None and flats["per_1000"] is None
        assert "4" not in str(flats)


def test_a_day_range_is_refused_with_the_allowed_periods(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    headers = world.token(world.outsider.viewer)
    answer = world.client().get(API, {"start": "2026-09-01", "end": "2026-09-01"}, headers=headers)
    assert answer.status_code == 400
    assert "month, quarter or year" in answer.json()["detail"] and answer.json()["allowed"]
    for bad in ("2026-09-01", "Q3", "2026-13", "next week"):
        answer = world.client().get(API, {"period": bad}, headers=headers)
        assert answer.status_code == 400 and "2026-Q3" in answer.json()["detail"], bad
    unfinished = timezone.localdate()  # this month has not ended
    answer = world.client().get(API, {"period": f"{unfinished:%Y-%m}"}, headers=headers)
    assert answer.status_code == 400 and "has not ended" in answer.json()["detail"]
    page = world.client(world.outsider.viewer).get(reverse("needs:areas"), {"start": "2026-09-01"})
    assert page.status_code == 400 and "not by a range of days" in page.content.decode()
    for period in (default_period(), *months_of(default_period())):
        assert world.client().get(API, {"period": period.label}, headers=headers).status_code == 200


def test_a_quarter_minus_its_months_gives_no_small_count_back(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    quarter = default_period()
    first, second, third = months_of(quarter)
    reach_indicators["outreach_encounters"].update({FLATS: 20})  # the first month
    reach_indicators["by_day"].update(
        {second.start: {"outreach_encounters": {FLATS: 20}}, third.start: {"outreach_encounters": {FLATS: 3}}}
    )
    headers = world.token(world.outsider.viewer)
    shown = {
        period.label: cells(world.client().get(API, {"period": period.label}, headers=headers).json(), FLATS)
        for period in (quarter, first, second, third)
    }
    assert shown[first.label]["shown"] == "20" and shown[second.label]["shown"] == "20"
    assert shown[third.label]["shown"] == "<11"
    # 43 - 20 - 20 would give the 3 back: the quarter is hidden too, and so is its rate.
    assert shown[quarter.label]["shown"] == "*" and shown[quarter.label]["count"] is None
    assert shown[quarter.label]["per_1000"] is None
    year = world.client().get(API, {"period": str(quarter.start.year - 1)}, headers=headers)
    assert year.status_code == 200  # an earlier, ended year is allowed


def test_the_ranking_withholds_the_rate_of_a_hidden_reach(world, reach_indicators):
    import_area_data(AREAS, layout="svi")
    reach_indicators["outreach_encounters"].update({FLATS: 5, "42003020100": 300})
    body = world.client().get("/api/v1/needs/ranking", headers=world.token(world.outsider.viewer)).json()
    flats = next(row for row in body if row["code"] == FLATS)
    assert "value" not in flats["parts"]["reach"]
    assert any("Reach not shown" in reason for reason in flats["reasons"])
