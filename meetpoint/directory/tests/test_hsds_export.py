"""export_hsds: JSON that validates against the official HSDS 3.1 schemas, the tabular CSV form with its
datapackage.json, public redaction by default and exact places only with --include-confidential."""

import csv
import filecmp
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from meetpoint.directory.hsds import export as export_module
from meetpoint.directory.hsds.importer import run_import
from meetpoint.directory.hsds.testing import (
    HIDDEN_LAT,
    HIDDEN_STREET,
    PUBLIC_AREA,
    build_hsds_directory,
    shared_hsds,
)
from meetpoint.directory.hsds.validation import SCHEMA_DIR
from meetpoint.directory.models import Location, Schedule

SCHEMA_OF = {
    "services.json": "service.json",
    "organizations.json": "organization.json",
    "taxonomies.json": "taxonomy.json",
    "taxonomy_terms.json": "taxonomy_term.json",
}


@pytest.fixture
def hsds(world):
    return build_hsds_directory(world)


def everything(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_the_vendored_schemas_are_the_official_files_unchanged():
    official = shared_hsds() / "3.1" / "schema"
    names = sorted(p.name for p in official.glob("*.json"))
    assert names == sorted(p.name for p in SCHEMA_DIR.glob("*.json"))
    _match, mismatch, errors = filecmp.cmpfiles(official, SCHEMA_DIR, names, shallow=False)
    assert mismatch == [] and errors == []
    assert (SCHEMA_DIR / "LICENSE").exists() and "CC BY-SA 4.0" in (SCHEMA_DIR / "README.md").read_text()


def test_the_json_export_validates_against_the_official_schemas(hsds, tmp_path, capsys):
    call_command("export_hsds", str(tmp_path))
    assert "validated" in capsys.readouterr().out
    official = shared_hsds() / "3.1" / "schema"  # validate with the shared originals, not our copy
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in official.glob("*.json")
        if p.name != "openapi.json"
    )
    for file_name, schema in SCHEMA_OF.items():
        items = json.loads((tmp_path / file_name).read_text())
        assert items, file_name
        validator = jsonschema.Draft202012Validator(
            registry.contents(schema),
            registry=registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for item in items:
            assert list(validator.iter_errors(item)) == [], (file_name, item["id"])
    services = {s["id"]: s for s in json.loads((tmp_path / "services.json").read_text())}
    assert services[str(hsds.naloxone.pk)]["organization"]["id"] == str(hsds.naloxone.organization_id)


def test_the_csv_export_has_its_datapackage_and_the_official_tables(hsds, tmp_path):
    call_command("export_hsds", str(tmp_path))
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        path = tmp_path / "csv" / resource["path"]
        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
    # the same tables and columns as the specification's own CSV example
    for resource in package["resources"]:
        with open(
            shared_hsds() / "3.1/examples/csv" / resource["path"], newline="", encoding="utf-8"
        ) as handle:
            assert [f["name"] for f in resource["schema"]["fields"]] == next(csv.reader(handle))
    with open(tmp_path / "csv" / "services.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows[str(hsds.naloxone.pk)]["organization_id"] == str(hsds.naloxone.organization_id)
    with open(tmp_path / "csv" / "schedules.csv", newline="", encoding="utf-8") as handle:
        stops = [row for row in csv.DictReader(handle) if row["dtstart"]]
    assert stops[0]["description"] == "Elm Park" and stops[0]["location_id"] == str(hsds.mobile_unit.pk)


def test_the_public_export_redacts_confidential_sites(hsds, tmp_path):
    call_command("export_hsds", str(tmp_path))
    text = everything(tmp_path)
    assert HIDDEN_STREET not in text
    assert str(HIDDEN_LAT) not in text
    assert "ring twice" not in text and "Quiet Alley" not in text
    assert PUBLIC_AREA in text


def test_the_partner_export_includes_exact_places(hsds, tmp_path, capsys):
    call_command("export_hsds", str(tmp_path), include_confidential=True)
    assert "PARTNER-INTERNAL" in capsys.readouterr().out
    text = everything(tmp_path)
    assert HIDDEN_STREET in text and str(HIDDEN_LAT) in text


def test_one_record_that_does_not_validate_is_left_out_with_a_warning_and_the_rest_is_written(
    hsds, tmp_path, monkeypatch, capsys
):
    original = export_module.build_objects

    def broken(membership):
        objects = original(membership)
        objects["services"][0]["status"] = "open-ish"
        return objects

    total = len(original(None)["services"])
    monkeypatch.setattr(export_module, "build_objects", broken)
    call_command("export_hsds", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert "Warning: left out services.json[0]" in err and "status" in err
    written = json.loads((tmp_path / "out" / "services.json").read_text())
    assert len(written) == total - 1


def test_an_export_where_nothing_validates_fails_loudly_and_writes_nothing(hsds, tmp_path, monkeypatch):
    original = export_module.build_objects

    def broken(membership):
        objects = original(membership)
        for name in objects:
            for item in objects[name]:
                item["id"] = 12
        return objects

    monkeypatch.setattr(export_module, "build_objects", broken)
    with pytest.raises(CommandError, match="no record validates"):
        call_command("export_hsds", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_export_then_import_round_trips_and_keeps_confidential_places(hsds, tmp_path):
    call_command("export_hsds", str(tmp_path))
    result = run_import(tmp_path)
    assert result.summary.created == {}  # everything already there: updated in place
    site = Location.objects.get(pk=hsds.confidential_site.pk)
    assert site.latitude == HIDDEN_LAT  # the public (rounded) point did not overwrite the exact one
    assert site.addresses.get().address_1 == HIDDEN_STREET
    stop = Schedule.objects.get(pk=hsds.stop.pk)
    assert stop.date == hsds.stop.date and stop.opens_at == hsds.stop.opens_at


def test_export_refuses_a_file_as_target(db, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_hsds", str(target))


def test_a_partner_export_imported_afresh_keeps_sites_confidential(hsds, tmp_path, client):
    call_command("export_hsds", str(tmp_path), include_confidential=True)
    Location.objects.filter(pk=hsds.confidential_site.pk).delete()
    run_import(tmp_path)
    site = Location.objects.get(pk=hsds.confidential_site.pk)
    assert site.is_confidential and site.public_area == PUBLIC_AREA
    assert site.latitude == HIDDEN_LAT and site.addresses.get().address_1 == HIDDEN_STREET
    public = client.get(f"/api/v1/hsds/services/{hsds.naloxone.pk}").json()
    assert HIDDEN_STREET not in str(public) and str(HIDDEN_LAT) not in str(public)
