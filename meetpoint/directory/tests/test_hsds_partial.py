"""import_hsds --partial: every record valid on its own is imported, a refused record takes its dependants
along and nothing else; lenient readings of real feeds are warnings; a location's owner is inferred; source
times are kept; the problem report names file, line, record and field."""

import csv
import io
import uuid
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetpoint.accounts.models import Organization
from meetpoint.directory.hsds.ids import to_uuid
from meetpoint.directory.hsds.importer import ImportFailed, run_import
from meetpoint.directory.hsds.languages import read_language
from meetpoint.directory.models import Language, Location, Phone, Schedule, Service, ServiceCapacity

ORG_A = "aaaaaaaa-0000-4000-8000-000000000001"
ORG_B = "bbbbbbbb-0000-4000-8000-000000000002"


def write_feed(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / name).write_text(text.strip() + "\n")
    return folder


def legacy_feed(folder: Path) -> Path:
    """An HSDS 1.x feed as a 211 writes it: service 2 names an organization not in the feed, its schedule and
    phone depend on it; service 1 has times like 9:00am, a URL without scheme, a phone without a number,
    schedules without ids and a language by name."""
    return write_feed(
        folder,
        {
            "organizations.csv": "id,name,url\n1,Harbor Outreach,www.harbor.example.org\n",
            "services.csv": "id,organization_id,name,url,status\n"
            "1,1,Syringe services,harbor.example.org/ssp,active\n"
            "2,99,Orphan service,,active\n",
            "locations.csv": "id,organization_id,name\n1,,Harbor drop-in\n",
            "services_at_location.csv": "id,service_id,location_id\n1,1,1\n2,2,1\n",
            "phones.csv": "id,service_id,number\n1,1,412-555-0100\n2,1,\n3,2,412-555-0199\n",
            "regular_schedules.csv": "id,service_id,weekday,opens_at,closes_at\n"
            ",1,Monday,9:00am,5:00pm\n"
            ",1,Tuesday,9am,0500PM\n"
            ",2,Monday,0900,1700\n",
            "languages.csv": "id,service_id,language\n1,1,Creole\n2,1,Spanish\n",
        },
    )


@pytest.mark.django_db
def test_without_partial_one_refused_record_imports_nothing_and_names_every_problem(tmp_path):
    with pytest.raises(ImportFailed) as failure:
        run_import(legacy_feed(tmp_path / "feed"))
    errors = {(Path(p.file).name, p.record, p.field) for p in failure.value.problems.errors}
    assert ("services.csv", "2", "organization_id") in errors
    assert not Service.objects.exists()
    # the lenient readings were all found in the same pass
    warnings = {(Path(p.file).name, p.field) for p in failure.value.problems.warnings}
    assert {
        ("regular_schedules.csv", "opens_at"),
        ("services.csv", "url"),
        ("phones.csv", "number"),
    } <= warnings


@pytest.mark.django_db
def test_partial_imports_the_valid_records_and_skips_the_refused_with_their_dependants(tmp_path):
    result = run_import(legacy_feed(tmp_path / "feed"), partial=True)
    assert list(Service.objects.values_list("name", flat=True)) == ["Syringe services"]
    # the orphan's phone and schedule depend on it: skipped with it, and said so
    refused = {(Path(p.file).name, p.record) for p in result.refused}
    assert ("services.csv", "2") in refused
    assert ("phones.csv", "3") in refused
    assert not Phone.objects.filter(number="412-555-0199").exists()
    assert Schedule.objects.filter(service__name="Syringe services").count() == 2
    assert Schedule.objects.count() == 2


@pytest.mark.django_db
def test_lenient_readings_are_imported_and_each_reported(tmp_path):
    result = run_import(legacy_feed(tmp_path / "feed"), partial=True)
    service = Service.objects.get()
    assert service.url == "https://harbor.example.org/ssp"
    assert Organization.objects.get(name="Harbor Outreach").website == "https://www.harbor.example.org"
    hours = sorted(Schedule.objects.values_list("weekday", "opens_at", "closes_at"))
    assert hours == [(0, time(9), time(17)), (1, time(9), time(17))]
    assert sorted(Language.objects.values_list("code", flat=True)) == ["crp", "es"]
    assert list(Phone.objects.values_list("number", flat=True)) == ["412-555-0100"]  # no number: dropped
    said = [str(p) for p in result.problems]
    assert any("'9:00am' is not HH:MM; read as 09:00" in m for m in said)
    assert any("'harbor.example.org/ssp' is not a full web address" in m for m in said)
    assert any("a phone without a number" in m for m in said)
    assert any("a schedule without an id" in m for m in said)
    assert any("'Creole' read as the language crp" in m for m in said)


@pytest.mark.django_db
def test_rows_without_ids_get_the_same_ids_on_reimport(tmp_path):
    feed = legacy_feed(tmp_path / "feed")
    run_import(feed, partial=True)
    first = set(Schedule.objects.values_list("pk", flat=True))
    run_import(feed, partial=True)
    assert set(Schedule.objects.values_list("pk", flat=True)) == first
    assert Service.objects.count() == 1 and Phone.objects.count() == 1


@pytest.mark.django_db
def test_a_location_used_by_one_organizations_services_belongs_to_it(tmp_path):
    run_import(legacy_feed(tmp_path / "feed"), partial=True)
    location = Location.objects.get(name="Harbor drop-in")
    assert location.organization.name == "Harbor Outreach"


@pytest.mark.django_db
def test_a_location_shared_by_two_organizations_stays_shared(tmp_path):
    feed = write_feed(
        tmp_path / "feed",
        {
            "organizations.csv": f"id,name\n{ORG_A},Harbor Outreach\n{ORG_B},County Health\n",
            "services.csv": "id,organization_id,name,status\n"
            f"cccccccc-0000-4000-8000-000000000001,{ORG_A},Naloxone,active\n"
            f"cccccccc-0000-4000-8000-000000000002,{ORG_B},Testing,active\n",
            "locations.csv": "id,name,location_type\ndddddddd-0000-4000-8000-000000000001,Library,physical\n",
            "service_at_location.csv": "id,service_id,location_id\n"
            "eeeeeeee-0000-4000-8000-000000000001,cccccccc-0000-4000-8000-000000000001,"
            "dddddddd-0000-4000-8000-000000000001\n"
            "eeeeeeee-0000-4000-8000-000000000002,cccccccc-0000-4000-8000-000000000002,"
            "dddddddd-0000-4000-8000-000000000001\n",
        },
    )
    result = run_import(feed)
    assert Location.objects.get().organization is None
    assert any(
        "services of 2 organizations" in str(p) and "site administrator" in str(p) for p in result.problems
    )
    # a site administrator assigns it; a re-import of the feed (still without organization_id) keeps that
    Location.objects.update(organization_id=uuid.UUID(ORG_B))
    run_import(feed)
    assert str(Location.objects.get().organization_id) == ORG_B


@pytest.mark.django_db
def test_a_services_organization_given_as_its_site_is_read_through_the_site(tmp_path):
    feed = legacy_feed(tmp_path / "feed")
    (feed / "services.csv").write_text(
        "id,organization_id,name,status\n1,1,Harbor drop-in site,active\n2,1,Testing,active\n5,2,Naloxone,active\n"
    )
    result = run_import(feed, partial=True)
    assert Service.objects.get(name="Naloxone").organization.name == "Harbor Outreach"
    assert any("no organization but the site" in str(p) for p in result.problems)


@pytest.mark.django_db
def test_source_times_are_kept(tmp_path):
    service = "cccccccc-0000-4000-8000-000000000009"
    feed = write_feed(
        tmp_path / "feed",
        {
            "organizations.csv": f"id,name\n{ORG_A},Harbor Outreach\n",
            "services.csv": "id,organization_id,name,status,last_modified,assured_date\n"
            f"{service},{ORG_A},Shelter beds,active,2024-03-01T12:00:00Z,2024-02-28\n",
            "service_capacity.csv": "id,service_id,available,updated\n"
            f"ffffffff-0000-4000-8000-000000000001,{service},12,2024-03-01T12:00:00Z\n",
        },
    )
    run_import(feed)
    stored = Service.objects.get()
    assert stored.last_modified == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert str(stored.assured_date) == "2024-02-28"
    assert ServiceCapacity.objects.get().updated == datetime(2024, 3, 1, 12, tzinfo=UTC)


@pytest.mark.django_db
def test_the_command_writes_a_problem_report_and_imports_with_partial(tmp_path):
    report = tmp_path / "problems.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_hsds",
        str(legacy_feed(tmp_path / "feed")),
        "--partial",
        "--problems",
        str(report),
        stdout=out,
        stderr=err,
    )
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert list(rows[0]) == ["level", "file", "line", "record_id", "field", "problem", "what_was_done"]
    orphan = next(r for r in rows if r["record_id"] == "2" and r["file"].endswith("services.csv"))
    assert orphan["level"] == "error" and orphan["line"] == "3" and orphan["field"] == "organization_id"
    assert orphan["what_was_done"] == "record not imported"
    phone = next(r for r in rows if r["file"].endswith("phones.csv") and r["record_id"] == "3")
    assert phone["what_was_done"] == "skipped with it"
    url = next(r for r in rows if r["field"] == "url")
    assert url["what_was_done"] == "stored as https://harbor.example.org/ssp"
    assert Service.objects.count() == 1


@pytest.mark.django_db
def test_a_feed_with_no_valid_record_is_an_error_even_with_partial(tmp_path):
    feed = write_feed(
        tmp_path / "feed", {"services.csv": "id,organization_id,name,status\n2,99,Orphan,active\n"}
    )
    with pytest.raises(CommandError, match="no valid record"):
        call_command("import_hsds", str(feed), "--partial", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Service.objects.exists()


def test_languages_are_read_by_code_or_english_name():
    assert read_language("Spanish").code == "es"
    assert read_language("spa").code == "es"
    assert read_language("Haitian Creole").code == "ht"
    assert read_language("Spanish (limited)").code == "es"
    assert read_language("English and Spanish") is None
    assert read_language("translation services available upon request") is None


def test_derived_ids_are_uuids_of_the_source():
    assert to_uuid("schedule:byday=MO|service_id=1:1", "") == to_uuid("schedule:byday=MO|service_id=1:1", "")
