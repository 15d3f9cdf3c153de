"""The CSV export passes Open Referral's validator: tools/hsds-validator/validate.js drives the libraries the
official openreferral/hsds-validator is built on (datapackage-js and tableschema-js from npm, at its versions)
the way its /validate/datapackage endpoint does, with foreign keys checked. The validator itself is not on the
npm registry, so it cannot be installed as a package (docs/hsds.md). Also: a partner-internal export says so
in its title and carries the marker that keeps its sites confidential when its CSV folder is imported."""

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from meetpoint.directory.hsds.export import PARTNER_TITLE, PUBLIC_TITLE, export_directory
from meetpoint.directory.hsds.importer import run_import
from meetpoint.directory.hsds.testing import HIDDEN_LAT, PUBLIC_AREA, build_hsds_directory
from meetpoint.directory.models import Location, ServiceCapacity

TOOL = Path(__file__).resolve().parents[3] / "tools" / "hsds-validator"


@pytest.fixture
def hsds(world):
    directory = build_hsds_directory(world)
    ServiceCapacity.objects.create(service=directory.naloxone, unit_name="kits", available=40)
    return directory


def official_validator(package: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (TOOL / "node_modules" / "datapackage").is_dir():
        pytest.skip("node or tools/hsds-validator/node_modules is absent (make install runs npm ci there)")
    run = subprocess.run(
        [node, str(TOOL / "validate.js"), str(package), "--relations"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("partner", [False, True], ids=["public", "partner-internal"])
def test_the_official_validator_accepts_the_csv_export(hsds, tmp_path, partner):
    export_directory(tmp_path, partner=partner)
    results = official_validator(tmp_path / "csv" / "datapackage.json")
    assert {r["resource"] for r in results} >= {
        "organization",
        "service",
        "location",
        "cost_option",
        "schedule",
    }
    assert [r for r in results if not r["valid"]] == []


def test_the_export_uses_table_schema_datetimes_a_dialect_and_foreign_keys(hsds, tmp_path):
    export_directory(tmp_path)
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text())
    services = next(r for r in package["resources"] if r["name"] == "service")
    assert services["dialect"]["delimiter"] == ","
    assert {
        "fields": "organization_id",
        "reference": {"resource": "organization", "fields": "id"},
    } in services["schema"]["foreignKeys"]
    # read as CSV: a description may hold a quoted comma
    with (tmp_path / "csv" / "services.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        stamp = row["last_modified"]
        assert stamp.endswith("Z") and "." not in stamp and "+" not in stamp


def test_a_partner_export_says_so_and_its_csv_import_keeps_sites_confidential(hsds, tmp_path):
    call_command("export_hsds", str(tmp_path / "public"))
    call_command("export_hsds", str(tmp_path / "partner"), include_confidential=True)
    assert json.loads((tmp_path / "public" / "csv" / "datapackage.json").read_text())["title"] == PUBLIC_TITLE
    partner = json.loads((tmp_path / "partner" / "csv" / "datapackage.json").read_text())
    assert partner["title"] == PARTNER_TITLE and "PARTNER-INTERNAL" in partner["title"]
    assert partner["meetpoint_confidential_locations"] == [
        {"id": str(hsds.confidential_site.pk), "public_area": PUBLIC_AREA}
    ]
    Location.objects.filter(pk=hsds.confidential_site.pk).delete()
    run_import(tmp_path / "partner" / "csv")
    site = Location.objects.get(pk=hsds.confidential_site.pk)
    assert site.is_confidential and site.public_area == PUBLIC_AREA and site.latitude == HIDDEN_LAT
