"""The inventory API: who may read and write, bad input 400s, another organization's site 404s."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.inventory import actions
from meetpoint.inventory.models import StockLot, StockMovement

BASE = "/api/v1/inventory"


def post(world, membership, path, body):
    return world.client().post(
        f"{BASE}{path}", body, content_type="application/json", headers=world.token(membership)
    )


def get(world, membership, path):
    return world.client().get(f"{BASE}{path}", headers=world.token(membership))


def naloxone_receipt(site, quantity=20, days=200, lot="NX-1"):
    return {
        "site": str(site.pk),
        "item": "naloxone-nasal-4mg",
        "quantity": quantity,
        "lot_number": lot,
        "expires_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "source": "State naloxone program",
    }


def test_staff_records_a_receipt_and_every_member_reads_the_balance(world, sites):
    response = post(world, world.home.staff, "/receipts", naloxone_receipt(sites.van))
    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == 20 and response.json()["kind"] == "receipt"
    for membership in (world.home.admin, world.home.staff, world.home.analyst, world.home.viewer):
        balances = get(world, membership, "/balances").json()
        assert [(b["site"]["name"], b["item"], b["usable"]) for b in balances] == [
            ("Riverbend Van", "naloxone-nasal-4mg", 20)
        ]
        assert balances[0]["lots"][0]["lot_number"] == "NX-1"


def test_outsider_sees_none_of_the_stock_and_cannot_use_the_site(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.van))
    assert get(world, world.outsider.staff, "/balances").json() == []
    assert get(world, world.outsider.staff, "/movements").json()["total"] == 0
    assert get(world, world.outsider.staff, f"/balances?site={sites.van.pk}").status_code == 404
    response = post(world, world.outsider.staff, "/receipts", naloxone_receipt(sites.van))
    assert response.status_code == 404
    assert StockMovement.objects.count() == 1


def test_anonymous_gets_401(world, sites):
    client = world.client()
    assert client.get(f"{BASE}/balances").status_code == 401
    assert client.get(f"{BASE}/alerts").status_code == 401
    response = client.post(f"{BASE}/receipts", naloxone_receipt(sites.van), content_type="application/json")
    assert response.status_code == 401


def test_analyst_and_viewer_may_not_write(world, sites):
    for membership in (world.home.analyst, world.home.viewer):
        assert post(world, membership, "/receipts", naloxone_receipt(sites.van)).status_code == 403
        assert get(world, membership, "/reconciliation").status_code == 403
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"quantity": -5}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 5_000_000}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": None}, "expires_on"),
        ({"site": "not-a-uuid"}, "site"),
    ],
)
def test_bad_receipts_are_400s_naming_the_field(world, sites, change, field):
    body = {**naloxone_receipt(sites.van), **change}
    response = post(world, world.home.staff, "/receipts", body)
    assert response.status_code == 400, response.content
    assert field in [error["field"].split(".")[-1] for error in response.json()["errors"]]
    assert not StockMovement.objects.exists()


def test_unknown_item_is_a_400(world, sites):
    body = {**naloxone_receipt(sites.van), "item": "naloxone-nasal-99mg"}
    response = post(world, world.home.staff, "/receipts", body)
    assert response.status_code == 400 and "naloxone-nasal-99mg" in response.json()["detail"]


def test_unknown_site_is_a_404(world, sites):
    body = {**naloxone_receipt(sites.van), "site": str(uuid.uuid4())}
    assert post(world, world.home.staff, "/receipts", body).status_code == 404


def test_transfer_beyond_stock_is_a_409_with_the_available_figure(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.fixed, quantity=12))
    body = {"source": str(sites.fixed.pk), "destination": str(sites.van.pk), "item": "naloxone-nasal-4mg"}
    response = post(world, world.home.staff, "/transfers", {**body, "quantity": 13})
    assert response.status_code == 409 and response.json()["available"] == 12
    response = post(world, world.home.staff, "/transfers", {**body, "quantity": 12})
    assert response.status_code == 201
    assert response.json()["out"]["quantity"] == -12 and response.json()["into"]["quantity"] == 12


def test_transfer_to_another_organizations_site_is_a_404(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.fixed))
    body = {"source": str(sites.fixed.pk), "destination": str(sites.foreign.pk), "item": "naloxone-nasal-4mg"}
    assert post(world, world.home.staff, "/transfers", {**body, "quantity": 1}).status_code == 404


def test_adjustment_without_reason_or_note_is_a_400(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.fixed))
    lot = StockLot.objects.get(location=sites.fixed)
    body = {"site": str(sites.fixed.pk), "item": "naloxone-nasal-4mg", "quantity": -2, "lot": lot.pk}
    assert post(world, world.home.staff, "/adjustments", body).status_code == 400
    response = post(world, world.home.staff, "/adjustments", {**body, "reason": "other"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "note"
    response = post(world, world.home.staff, "/adjustments", {**body, "reason": "damaged"})
    assert response.status_code == 201 and response.json()["reason"] == "damaged"
    lot.refresh_from_db()
    assert lot.on_hand == 18


def test_alerts_list_expiring_lots_and_low_stock(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.van, quantity=10, days=30))
    alerts = get(world, world.home.viewer, "/alerts").json()
    assert alerts["days"] == 60
    assert [(a["item"], a["days_left"]) for a in alerts["expiring"]] == [("naloxone-nasal-4mg", 30)]
    assert [(b["item"], b["usable"], b["threshold"]) for b in alerts["low_stock"]] == [
        ("naloxone-nasal-4mg", 10, 24)
    ]
    assert get(world, world.home.viewer, "/alerts?days=10").json()["expiring"] == []
    assert get(world, world.home.viewer, "/alerts?days=-1").status_code == 400


def test_reconciliation_list_and_close(world, sites):
    movement = actions.record_distribution(
        sites.van, "naloxone-nasal-4mg", 3, encounter_id=uuid.uuid4(), occurred_at=timezone.now()
    )
    listed = get(world, world.home.staff, "/reconciliation").json()
    assert [(m["id"], m["shortfall"]) for m in listed] == [(str(movement.pk), 3)]
    assert get(world, world.outsider.staff, "/reconciliation").json() == []
    path = f"/reconciliation/{movement.pk}"
    assert post(world, world.outsider.staff, path, {"note": "x"}).status_code == 404
    assert post(world, world.home.staff, path, {"note": ""}).status_code == 400
    response = post(world, world.home.staff, path, {"note": "Box of 6 was not logged"})
    assert response.status_code == 200 and response.json()["reconciled_at"]
    assert get(world, world.home.staff, "/reconciliation").json() == []


def test_movements_hide_encounter_ids_from_analysts(world, sites):
    encounter = uuid.uuid4()
    actions.record_distribution(
        sites.van, "hygiene-kit", 1, encounter_id=encounter, occurred_at=timezone.now()
    )
    staff_view = get(world, world.home.staff, "/movements").json()["items"][0]
    analyst_view = get(world, world.home.analyst, "/movements").json()["items"][0]
    assert staff_view["encounter_id"] == str(encounter)
    assert analyst_view["encounter_id"] is None and analyst_view["quantity"] == -1


def test_thresholds_are_set_by_staff_and_read_by_members(world, sites):
    body = {"item": "naloxone-nasal-4mg", "site": str(sites.van.pk), "minimum": 100}
    assert post(world, world.home.analyst, "/thresholds", body).status_code == 403
    assert post(world, world.outsider.admin, "/thresholds", body).status_code == 404
    assert post(world, world.home.staff, "/thresholds", {**body, "minimum": -1}).status_code == 400
    assert post(world, world.home.staff, "/thresholds", body).status_code == 200
    listed = get(world, world.home.viewer, "/thresholds").json()
    assert [(t["item"], t["site"]["name"], t["minimum"]) for t in listed] == [
        ("naloxone-nasal-4mg", "Riverbend Van", 100)
    ]
    assert get(world, world.outsider.viewer, "/thresholds").json() == []
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.van, quantity=60))
    low = get(world, world.home.viewer, "/alerts").json()["low_stock"]
    assert [(b["usable"], b["threshold"]) for b in low] == [(60, 100)]


def test_write_off_of_an_expired_lot(world, sites):
    post(world, world.home.staff, "/receipts", naloxone_receipt(sites.van, quantity=8, days=3))
    lot = StockLot.objects.get(location=sites.van)
    path = f"/lots/{lot.pk}/write-off"
    assert post(world, world.home.staff, path, {}).status_code == 400  # not expired yet
    StockLot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert post(world, world.outsider.staff, path, {}).status_code == 404
    assert post(world, world.home.viewer, path, {}).status_code == 403
    response = post(world, world.home.staff, path, {})
    assert response.status_code == 201 and response.json()["quantity"] == -8


def test_the_openapi_document_describes_the_inventory_endpoints(world):
    paths = world.client().get("/api/v1/schema/").json()["paths"]
    for path in ("balances", "movements", "receipts", "transfers", "adjustments", "alerts", "reconciliation"):
        assert f"{BASE}/{path}" in paths
    assert "409" in paths[f"{BASE}/transfers"]["post"]["responses"]
