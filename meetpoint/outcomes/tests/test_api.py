"""The outcomes API: typed endpoints, 400/403/404 by the rules, no numbers across a boundary without an
agreement."""

from datetime import date

from meetpoint.outcomes import actions
from meetpoint.outcomes.tests.conftest import add_activity
from meetpoint.outcomes.tests.test_exchange import TODAY, agreement_between

BASE = "/api/v1/outcomes"


def test_catalog_is_public(world, records):
    response = world.client().get(f"{BASE}/indicators")
    assert response.status_code == 200
    codes = {i["code"]: i for i in response.json()}
    assert codes["test_people_served"]["counts_people"] is True
    assert codes["test_syringes_per_person"]["numerator"] == "test_syringes"


def test_report_json_own_organization_only(world, records):
    add_activity(records, world.home.organization, date(2025, 1, 1), people=3, kits=7, syringes=70)
    headers = world.token(world.home.viewer)
    response = world.client().get(
        f"{BASE}/report", {"from": "2025-01-01", "to": "2025-01-31"}, headers=headers
    )
    assert response.status_code == 200
    values = {i["code"]: i["value"] for i in response.json()["indicators"]}
    assert values["test_naloxone_kits"] == 7
    outsider = world.token(world.outsider.admin)
    query = {"from": "2025-01-01", "to": "2025-01-31", "org": "riverbend"}
    assert world.client().get(f"{BASE}/report", query, headers=outsider).status_code == 404
    theirs = world.client().get(
        f"{BASE}/report", {"from": "2025-01-01", "to": "2025-01-31"}, headers=outsider
    )
    assert {i["code"]: i["value"] for i in theirs.json()["indicators"]}["test_naloxone_kits"] == 0
    assert world.client().get(f"{BASE}/report", {"from": "2025-01-01", "to": "2025-01-31"}).status_code == 401
    too_long = world.client().get(
        f"{BASE}/report", {"from": "2023-01-01", "to": "2025-01-31"}, headers=headers
    )
    assert too_long.status_code == 400 and "at most 366 days" in too_long.json()["detail"]
    bad = world.client().get(f"{BASE}/report", {"from": "soon", "to": "2025-01-31"}, headers=headers)
    assert bad.status_code == 400


def test_agreement_lifecycle_by_api(world, records):
    client = world.client()
    body = {
        "recipient": "three-rivers",
        "indicators": ["test_naloxone_kits"],
        "valid_from": "2025-01-01",
        "time_grain": "quarter",
    }
    created = client.post(
        f"{BASE}/agreements", body, content_type="application/json", headers=world.token(world.home.admin)
    )
    assert created.status_code == 201, created.content
    agreement_id = created.json()["id"]
    assert created.json()["state"] == "proposed"
    path = f"{BASE}/agreements/{agreement_id}"
    assert client.get(path, headers=world.token(world.outsider.admin)).status_code == 404
    assert (
        client.get(path, headers=world.token(world.coalition.analyst)).status_code == 200
    )  # reads, read-only
    assert client.post(f"{path}/end", headers=world.token(world.coalition.analyst)).status_code == 403
    accepted = client.post(f"{path}/accept", headers=world.token(world.coalition.admin))
    assert accepted.status_code == 200 and accepted.json()["state"] in ("in force", "accepted")
    assert client.post(f"{path}/accept", headers=world.token(world.coalition.admin)).status_code == 409
    assert client.post(f"{path}/accept", headers=world.token(world.outsider.admin)).status_code == 404


def test_agreement_bad_input_is_400(world, records):
    headers = world.token(world.home.admin)
    client = world.client()
    base = {"recipient": "three-rivers", "indicators": ["test_naloxone_kits"], "valid_from": "2025-05-01"}
    for changes, text in (
        ({"valid_until": "2025-04-01"}, "before it starts"),
        ({"threshold": 4}, "below the floor"),
        ({"recipient": "nobody"}, "no organization"),
        ({"indicators": ["made_up"]}, "Unknown indicator"),
    ):
        response = client.post(
            f"{BASE}/agreements", base | changes, content_type="application/json", headers=headers
        )
        assert response.status_code == 400, changes
        assert text in response.json()["detail"]
    response = client.post(
        f"{BASE}/agreements", base | {"time_grain": "week"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    viewer = client.post(
        f"{BASE}/agreements", base, content_type="application/json", headers=world.token(world.home.viewer)
    )
    assert viewer.status_code == 403


def test_packages_inbox_by_api(world, records):
    add_activity(records, world.home.organization, date(2025, 1, 1), people=30, kits=40, syringes=500)
    agreement_between(world, ["test_naloxone_kits"])
    actions.run_exchanges(TODAY)
    client = world.client()
    inbox = client.get(f"{BASE}/packages", headers=world.token(world.coalition.viewer)).json()
    assert len(inbox) == 6
    january = next(p for p in inbox if p["period_label"] == "2025-01")
    detail = client.get(
        f"{BASE}/packages/{january['id']}", headers=world.token(world.coalition.viewer)
    ).json()
    assert detail["contents"]["tables"][0]["total"] == 40
    assert detail["checksum"] == january["checksum"]
    assert client.get(f"{BASE}/packages", headers=world.token(world.outsider.analyst)).json() == []
    missing = client.get(f"{BASE}/packages/{january['id']}", headers=world.token(world.outsider.analyst))
    assert missing.status_code == 404
    assert client.get(f"{BASE}/packages").status_code == 401


def test_open_datasets_by_api(world, records):
    actions.create_open_dataset(
        world.home.admin,
        actions.DatasetInput(
            title="Kits", indicators=["test_naloxone_kits"], published_from=date(2025, 1, 1)
        ),
    )
    listing = world.client().get(f"{BASE}/open-datasets").json()
    assert listing[0]["url"] == "/outcomes/open/riverbend/kits/"
    assert world.client().get(f"{BASE}/open-datasets/riverbend/kits").status_code == 200
    assert world.client().get(f"{BASE}/open-datasets/riverbend/none").status_code == 404
