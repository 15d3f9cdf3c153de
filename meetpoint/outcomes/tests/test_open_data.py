"""Open data: fixed periods, the same disclosure control, a public URL with a data dictionary."""

from datetime import date

import pytest

from meetpoint.outcomes import actions
from meetpoint.outcomes.models import OpenDataset
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY


@pytest.fixture
def dataset(world, records):
    for month in range(1, 7):
        add_activity(
            records,
            world.home.organization,
            date(2025, month, 1),
            people=30,
            kits=25,
            syringes=500,
            area="152",
        )
        add_activity(
            records,
            world.home.organization,
            date(2025, month, 1),
            people=2,
            kits=1,
            syringes=5,
            area="153",
            person_prefix="q",
        )
    found = actions.create_open_dataset(
        world.home.admin,
        actions.DatasetInput(
            title="Naloxone and people served",
            indicators=["test_naloxone_kits", "test_people_served"],
            published_from=date(2025, 1, 1),
            place_grain="zip3",
        ),
    )
    actions.run_exchanges(TODAY)
    return found


def test_open_dataset_published_per_quarter_with_suppression(world, dataset):
    assert [r.period_label for r in dataset.releases.order_by("period_start")] == ["2025-Q1", "2025-Q2"]
    client = world.client()
    page = client.get(f"/outcomes/open/riverbend/{dataset.slug}/")
    assert page.status_code == 200
    assert "Data dictionary" in page.content.decode()
    data = client.get(f"/outcomes/open/riverbend/{dataset.slug}/data.json").json()
    assert data["data_dictionary"]["indicators"][0]["code"] == "test_naloxone_kits"
    q1 = data["releases"][0]
    people = next(t for t in q1["tables"] if t["indicator"] == "test_people_served")
    assert {r["place"]: r["value"] for r in people["rows"]}["153"] == "*"
    csv_text = client.get(f"/outcomes/open/riverbend/{dataset.slug}/data.csv").content.decode()
    assert csv_text.startswith("period,indicator") and "2025-Q2" in csv_text
    assert "2025-Q1,test_people_served,People served (test),people,153,*" in csv_text


def test_open_data_listing_and_unknown_dataset(world, dataset):
    assert dataset.title in world.client().get("/outcomes/open/").content.decode()
    assert world.client().get("/outcomes/open/riverbend/nothing/").status_code == 404
    assert world.client().get(f"/outcomes/open/lakeside/{dataset.slug}/").status_code == 404


def test_only_admins_create_open_data_and_bad_periods_are_refused(world, records):
    assert world.client(world.home.analyst).get("/outcomes/open/manage/").status_code == 403
    assert world.client().get("/outcomes/open/manage/").status_code == 302
    response = world.client(world.home.admin).post(
        "/outcomes/open/manage/",
        {
            "title": "Kits",
            "indicators": ["test_naloxone_kits"],
            "time_grain": "quarter",
            "place_grain": "county",
            "threshold": "11",
            "published_from": "2025-02-01",
        },
    )
    assert response.status_code == 400
    assert "does not start a calendar quarter" in response.content.decode()
    assert not OpenDataset.objects.exists()
