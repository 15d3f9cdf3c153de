"""`meetpoint inventory_alerts --org ORG`: JSON on standard output, exit 0; clear errors otherwise."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> dict:
    out = StringIO()
    call_command("inventory_alerts", *args, stdout=out)
    return json.loads(out.getvalue())


def test_alerts_as_json_for_the_organization(world, sites, naloxone, syringes, receive):
    receive(sites.van, naloxone, 10, lot="SOON", days=14)
    receive(sites.fixed, syringes, 5000, lot="")
    report = run("--org", "riverbend")
    assert report["organization"] == "riverbend" and report["days"] == 60
    assert [(e["site"]["name"], e["lot"]["lot_number"], e["days_left"]) for e in report["expiring"]] == [
        ("Riverbend Van", "SOON", 14)
    ]
    assert [(b["item"], b["usable"]) for b in report["low_stock"]] == [("naloxone-nasal-4mg", 10)]
    assert report["unreconciled"] == 0
    assert run("--org", str(world.home.organization.pk), "--days", "7")["expiring"] == []
    assert run("--org", "riverbend", "--site", "Riverbend Drop-in")["low_stock"] == []


def test_an_organization_with_nothing_to_report_prints_empty_lists(world):
    report = run("--org", "lakeside")
    assert (report["low_stock"], report["expiring"], report["expired"]) == ([], [], [])


def test_unknown_organization_or_site_is_a_clear_error(world, sites):
    with pytest.raises(CommandError, match="no-such-org"):
        run("--org", "no-such-org")
    with pytest.raises(CommandError, match="Lakeside ED"):
        run("--org", "riverbend", "--site", "Lakeside ED")
    with pytest.raises(CommandError, match="days"):
        run("--org", "riverbend", "--days", "-3")
