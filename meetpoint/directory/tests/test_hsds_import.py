"""import_hsds: every official example and the 1.1 sample package import; ids are kept; re-import updates;
a bad file writes nothing and names file, record and field; unsafe paths are refused."""

import json
import os
import shutil
import uuid
from datetime import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.accounts.models import Organization
from meetpoint.directory.hsds.ids import HSDS_ID_NAMESPACE, to_uuid
from meetpoint.directory.hsds.importer import ImportFailed, UnsafeInput, run_import
from meetpoint.directory.hsds.testing import shared_hsds
from meetpoint.directory.management.commands.import_hsds import Command as ImportCommand
from meetpoint.directory.models import (
    Address,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

EXAMPLE_SERVICE = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
EXAMPLE_ORGANIZATION = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
SANCTUARY = uuid.UUID("1899600a-649c-11e6-8b77-86f30ca893d3")
NEVER_HOMELESS = uuid.UUID("c89eb05c-62dd-4b64-b494-0cc347b6ea7f")

MODELS = (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Address,
    Phone,
    Schedule,
    Language,
    TaxonomyTerm,
)


UNWEEKLY = ("bymonthday", "byweekno", "byyearday")


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def example_inputs() -> list[str]:
    """Every JSON example file, the tabular CSV example folder and the 1.1 data package (by relative name, so
    the test ids read well and the list is known without ../shared)."""
    names = [
        "3.1/examples/base.json",
        "3.1/examples/location.json",
        "3.1/examples/organization_full.json",
        "3.1/examples/organization_list.json",
        "3.1/examples/service_at_location_full.json",
        "3.1/examples/service_at_location_list.json",
        "3.1/examples/service_full.json",
        "3.1/examples/service_list.json",
        "3.1/examples/tabular.json",
        "3.1/examples/taxonomy.json",
        "3.1/examples/taxonomy_list.json",
        "3.1/examples/taxonomy_term.json",
        "3.1/examples/taxonomy_term_list.json",
        "3.1/examples/csv",
        "1.1-sample-datapackage/all_resources",
    ]
    return names


def test_the_list_of_examples_covers_every_example_file():
    folder = shared_hsds()
    on_disk = {f"3.1/examples/{p.name}" for p in (folder / "3.1" / "examples").glob("*.json")}
    assert on_disk <= set(example_inputs())


@pytest.mark.django_db
@pytest.mark.parametrize("name", example_inputs())
def test_every_official_example_imports(name):
    result = run_import(shared_hsds() / name, partial=True)
    assert result.files
    assert all(p.level == "warning" for p in result.problems)
    # The examples' one schedule rule (WEEKLY with bymonthday 2,3,4, which RFC 5545 forbids with WEEKLY) cannot
    # be stored exactly: it is refused, and nothing else is.
    assert {(p.field, p.done) for p in result.refused} <= {("bymonthday", "schedule refused, not rewritten")}


@pytest.mark.django_db
def test_the_whole_standards_folder_imports_in_one_run():
    result = run_import(shared_hsds(), partial=True)
    assert Service.objects.filter(pk__in=[EXAMPLE_SERVICE, NEVER_HOMELESS]).count() == 2
    assert any(
        "JSON Schema or OpenAPI" in note for note in result.notes
    )  # the schemas themselves are skipped


@pytest.mark.django_db
def test_a_full_service_keeps_its_hsds_ids_and_its_details(tmp_path):
    # The example's schedule says WEEKLY with bymonthday, which RFC 5545 forbids and weekly hours cannot hold:
    # refused (below). Without bymonthday, byweekno and byyearday its rule is stored exactly.
    text = (shared_hsds() / "3.1/examples/service_full.json").read_text()
    example = json.loads(text, object_hook=lambda o: {k: v for k, v in o.items() if k not in UNWEEKLY})
    (tmp_path / "service_full.json").write_text(json.dumps(example))
    run_import(tmp_path / "service_full.json", partial=True)
    service = Service.objects.get(pk=EXAMPLE_SERVICE)
    assert service.name == "Community Counselling"
    assert service.organization_id == EXAMPLE_ORGANIZATION
    assert service.minimum_age == 12
    link = service.service_at_locations.get()
    assert link.pk == uuid.UUID("e94c9f38-1e8f-4564-91d4-d53501ab1765")
    assert link.location.addresses.get().address_1 == "1-30 Main Street"
    # byday "TH,FR": one weekly row per day, the first under the HSDS id
    weekly = Schedule.objects.filter(service=service).order_by("weekday")
    assert [s.weekday for s in weekly] == [3, 4]
    assert weekly[0].pk == uuid.UUID("48102e86-bb50-41c4-8f1e-e269368c41d1")
    assert weekly[0].opens_at == time(10) and weekly[0].closes_at == time(18)
    assert service.taxonomy_terms.get().pk == uuid.UUID("3f7b145d-84af-42d7-8fae-eaca714b02b2")
    assert service.capacities.get().unit_name == "Kilogram"
    assert not service.is_free  # the cost option costs 35 GBP
    organization = Organization.objects.get(pk=EXAMPLE_ORGANIZATION)
    assert organization.partner_type == "other" and organization.slug == "example-organization-inc"


@pytest.mark.django_db
def test_out_of_range_coordinates_in_the_example_are_left_out_with_a_warning():
    result = run_import(shared_hsds() / "3.1/examples/location.json", partial=True)
    location = Location.objects.get(pk=uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5"))
    assert location.latitude is None and location.longitude is None
    assert any(p.field == "latitude" and "outside" in p.message for p in result.problems)


@pytest.mark.django_db
def test_the_1_1_data_package_maps_its_tables():
    result = run_import(shared_hsds() / "1.1-sample-datapackage/all_resources", partial=True)
    assert Organization.objects.filter(pk=SANCTUARY, name="Sanctuary Example City").exists()
    assert Service.objects.filter(organization_id=SANCTUARY).count() == 1
    helpline = Service.objects.get(pk=NEVER_HOMELESS)
    assert helpline.eligibility_description == "adult"  # eligibility.csv
    assert sorted(s.weekday for s in Schedule.objects.filter(service=helpline)) == [0, 1, 2]  # 1 = Monday
    assert sorted(helpline.languages.values_list("code", flat=True)) == ["en", "es"]
    assert Address.objects.filter(
        location__service_at_locations__service=helpline, address_type="postal"
    ).exists()
    # the closed holiday cannot be stored and says so
    assert any("holiday_schedules.csv" in p.file and p.field == "closed" for p in result.problems)
    assert any("programs.csv" in p.file and "not stored" in p.message for p in result.problems)


@pytest.mark.django_db
def test_reimporting_updates_and_never_duplicates():
    first = run_import(shared_hsds() / "3.1/examples", partial=True)
    first_counts = counts()
    Service.objects.filter(pk=EXAMPLE_SERVICE).update(name="Renamed locally")
    second = run_import(shared_hsds() / "3.1/examples", partial=True)
    assert counts() == first_counts
    assert second.summary.created == {}
    assert sum(second.summary.updated.values()) == sum(first.summary.created.values())
    assert Service.objects.get(pk=EXAMPLE_SERVICE).name == "Community Counselling"


@pytest.mark.django_db
def test_the_hsds_api_serves_imported_records_under_their_ids(client):
    run_import(shared_hsds() / "3.1/examples/service_full.json", partial=True)
    answer = client.get(f"/api/v1/hsds/services/{EXAMPLE_SERVICE}")
    assert answer.status_code == 200
    assert answer.json()["id"] == str(EXAMPLE_SERVICE)
    assert answer.json()["organization"]["id"] == str(EXAMPLE_ORGANIZATION)


def write_legacy_package(folder: Path, org_id: str = "1", service_name: str = "Food pantry") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organizations.csv").write_text(
        f"id,name,description\n{org_id},Northside Pantry,Food for all\n"
    )
    (folder / "services.csv").write_text(
        f"id,organization_id,name,status,taxonomy_ids\nsvc-1,{org_id},{service_name},active,FOOD\n"
    )
    (folder / "taxonomy.csv").write_text("id,name,parent_id,parent_name,vocabulary\nFOOD,Food,,,Local\n")
    (folder / "regular_schedules.csv").write_text(
        "id,service_id,location_id,service_at_location_id,weekday,opens_at,closes_at\n"
        "h-1,svc-1,,,Friday,09:00,12:30\n"
    )
    return folder


@pytest.mark.django_db
def test_non_uuid_ids_become_stable_uuid5_ids(tmp_path):
    package = write_legacy_package(tmp_path / "feed")
    run_import(package)
    service = Service.objects.get(pk=uuid.uuid5(HSDS_ID_NAMESPACE, "svc-1"))
    assert service.organization_id == to_uuid("1")
    assert service.taxonomy_terms.get().code == "FOOD"
    assert service.schedules.get().weekday == 4
    write_legacy_package(tmp_path / "feed", service_name="Food pantry (Fridays)")
    run_import(package)
    assert Service.objects.filter(name__startswith="Food pantry").count() == 1
    assert Service.objects.get(pk=service.pk).name == "Food pantry (Fridays)"
    # another feed with the same ids, told apart by --source
    run_import(package, source="county-211")
    assert Service.objects.filter(name__startswith="Food pantry").count() == 2
    assert Service.objects.filter(pk=uuid.uuid5(HSDS_ID_NAMESPACE, "county-211:svc-1")).exists()


def write_bad_tabular(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    org = "11111111-1111-4111-8111-111111111111"
    (folder / "organizations.csv").write_text(f"id,name,description\n{org},Good Org,Fine\n")
    (folder / "services.csv").write_text(
        "id,organization_id,name,status\n"
        f"22222222-2222-4222-8222-222222222222,{org},,active\n"
        f"33333333-3333-4333-8333-333333333333,{org},Outreach,sometimes\n"
    )
    (folder / "schedules.csv").write_text(
        "id,service_id,freq,byday,opens_at,closes_at\n"
        "44444444-4444-4444-8444-444444444444,33333333-3333-4333-8333-333333333333,WEEKLY,MO,25:99,17:00\n"
        "55555555-5555-4555-8555-555555555555,33333333-3333-4333-8333-333333333333,WEEKLY,TU,17:00,09:00\n"
    )
    return folder


@pytest.mark.django_db
def test_a_bad_file_writes_nothing_and_names_file_record_and_field(tmp_path):
    before = counts()
    with pytest.raises(ImportFailed) as failure:
        run_import(write_bad_tabular(tmp_path / "bad"))
    assert counts() == before  # not even the good organization
    found = {(Path(p.file).name, p.record[:8], p.field) for p in failure.value.problems.errors}
    assert ("services.csv", "22222222", "name") in found
    assert ("services.csv", "33333333", "status") in found


@pytest.mark.django_db
def test_every_problem_is_reported_not_just_the_first(tmp_path):
    folder = write_bad_tabular(tmp_path / "bad")
    (folder / "services.csv").write_text(
        "id,organization_id,name,status\n"
        "33333333-3333-4333-8333-333333333333,11111111-1111-4111-8111-111111111111,Outreach,active\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run_import(folder)
    found = {(p.record[:8], p.field) for p in failure.value.problems.errors}
    assert ("44444444", "opens_at") in found  # 25:99 is not a time
    assert ("55555555", "closes_at") in found  # closes before it opens
    assert Service.objects.filter(name="Outreach").count() == 0


@pytest.mark.django_db
def test_malformed_json_and_schema_violations_are_errors(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "services.json").write_text(
        json.dumps([{"id": "svc-7", "name": "X", "status": "open-ish", "minimum_age": "twelve"}])
    )
    write_bad_tabular(tmp_path / "csv")
    with pytest.raises(ImportFailed) as failure:
        run_import(tmp_path)
    messages = [str(p) for p in failure.value.problems.errors]
    # file:line [id RECORD] FIELD
    assert any("services.csv:2 [id 22222222-2222-4222-8222-222222222222] name" in m for m in messages)
    assert any("broken.json" in m and "not valid JSON" in m for m in messages)
    assert any("services.json" in m and "[id svc-7] status" in m for m in messages)
    assert any("services.json" in m and "[id svc-7] minimum_age" in m for m in messages)
    assert len([m for m in messages if "[id svc-7] status" in m]) == 1  # said once, not by both checks
    assert not Service.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_json_records_with_non_uuid_ids_import_under_uuid5_ids(tmp_path):
    organization = {"id": "org-1", "name": "Eastside Clinic", "description": "Walk-in clinic"}
    (tmp_path / "services.json").write_text(
        json.dumps(
            [{"id": "svc-1", "name": "Walk-in testing", "status": "active", "organization": organization}]
        )
    )
    run_import(tmp_path)
    service = Service.objects.get(pk=to_uuid("svc-1"))
    assert service.organization.name == "Eastside Clinic" and service.organization_id == to_uuid("org-1")


@pytest.mark.django_db
def test_the_command_prints_every_problem_and_exits_1(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        ImportCommand().run_from_argv(["meetpoint", "import_hsds", str(write_bad_tabular(tmp_path / "bad"))])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "services.csv:2 [id 22222222-2222-4222-8222-222222222222] name" in err
    assert "nothing was imported" in err


def test_a_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        ImportCommand().run_from_argv(["meetpoint", "import_hsds"])
    assert exit_info.value.code == 2


@pytest.mark.django_db
def test_the_command_reports_what_it_imported_and_shows_progress(tmp_path, capsys):
    call_command("import_hsds", str(write_legacy_package(tmp_path / "feed")))
    out, err = capsys.readouterr()
    assert "Created: 1 organization" in out
    assert "imported 5/5 records" in err


@pytest.mark.django_db
def test_symlinks_and_escaping_paths_are_refused(tmp_path):
    outside = write_legacy_package(tmp_path / "outside")
    folder = tmp_path / "feed"
    folder.mkdir()
    os.symlink(outside / "services.csv", folder / "services.csv")
    with pytest.raises(UnsafeInput, match="symbolic link"):
        run_import(folder)
    (folder / "services.csv").unlink()
    shutil.copy(outside / "organizations.csv", folder / "organizations.csv")
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{"path": "../outside/services.csv"}]}))
    with pytest.raises(UnsafeInput, match="leaves the folder"):
        run_import(folder)
    with pytest.raises(CommandError, match="leaves the folder"):
        call_command("import_hsds", str(folder))
    assert not Organization.objects.filter(name="Northside Pantry").exists()


@pytest.mark.django_db
def test_an_oversize_file_is_refused(tmp_path):
    package = write_legacy_package(tmp_path / "feed")
    with pytest.raises(UnsafeInput, match="over the"):
        run_import(package, max_bytes=40)
    with pytest.raises(CommandError, match="limit"):
        call_command("import_hsds", str(package), max_file_mb=0.00001)
    assert not Organization.objects.filter(name="Northside Pantry").exists()


@pytest.mark.django_db
def test_strict_turns_warnings_into_errors(tmp_path):
    with pytest.raises(ImportFailed) as failure:
        run_import(shared_hsds() / "3.1/examples/location.json", strict=True)
    assert any(p.field == "latitude" for p in failure.value.problems.errors)
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_a_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_hsds", str(tmp_path / "nope"))


@pytest.mark.django_db
def test_an_hsds_2_package_maps_its_taxonomy_terms_and_service_attributes(tmp_path):
    folder = tmp_path / "v2"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({"version": "2.0.1", "resources": []}))
    (folder / "organizations.csv").write_text("id,name,description\no-1,Westside Shelter,Beds\n")
    (folder / "services.csv").write_text("id,organization_id,name,status\ns-1,o-1,Emergency beds,active\n")
    (folder / "taxonomy_terms.csv").write_text(
        "id,term,description,parent_id,taxonomy,language\nBH-1800,Emergency Shelter,,,AIRS,en\n"
    )
    (folder / "service_attributes.csv").write_text("id,service_id,taxonomy_term_id\na-1,s-1,BH-1800\n")
    (folder / "holiday_schedules.csv").write_text(
        "id,service_id,location_id,service_at_location_id,closed,opens_at,closes_at,start_date,end_date\n"
        "h-1,s-1,,,false,10:00,14:00,2026-12-24,2026-12-26\n"
    )
    run_import(folder)
    service = Service.objects.get(pk=to_uuid("s-1"))
    term = service.taxonomy_terms.get()
    assert (term.code, term.name, term.taxonomy.name) == ("BH-1800", "Emergency Shelter", "AIRS")
    # open holiday hours: one dated schedule per day of the range
    assert [str(s.date) for s in service.schedules.order_by("date")] == [
        "2026-12-24",
        "2026-12-25",
        "2026-12-26",
    ]


@pytest.mark.django_db
def test_closing_at_midnight_is_the_end_of_the_day(tmp_path):
    package = write_legacy_package(tmp_path / "feed")
    (package / "regular_schedules.csv").write_text(
        "id,service_id,location_id,service_at_location_id,weekday,opens_at,closes_at\nh-1,svc-1,,,5,18:00,00:00\n"
    )
    run_import(package)
    schedule = Schedule.objects.get(pk=to_uuid("h-1"))
    assert schedule.weekday == 4 and schedule.closes_at == time(23, 59, 59)
