"""Benchmark: `meetpoint import_encounters` on a generated CSV, side by side with a raw `executemany` of the same
rows into the same (freshly migrated) SQLite database — the practical limit of inserting those rows.

    .venv/bin/python -m bench.encounter_import            # 1,000,000 rows
    .venv/bin/python -m bench.encounter_import --quick    # 20,000 rows, a few seconds

Each side runs in its own child process, so its peak memory (ru_maxrss from os.wait4) is its own. The database
is a temporary file (never var/meetpoint.sqlite3): migrated once, then copied so both sides start from the same
empty schema with the same PRAGMAs (Django's connection settings). The raw side reads the same CSV with the csv
module and inserts the same encounter and supply-line rows without any checking; the import side validates every
row (sites, dates, ceilings, codes hashed), finds or creates participants, and writes with bulk_create.
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORG_SLUG = "bench-outreach"
SITES = ("Bench Van 1", "Bench Van 2", "Bench Drop-in")
COLUMNS = [
    "occurred_at",
    "site",
    "participant_code",
    "syringes_distributed",
    "syringes_collected",
    "naloxone_kits",
    "fentanyl_test_strips",
    "xylazine_test_strips",
    "wound_care_kits",
    "referrals_made",
]
ITEM_COLUMNS = {
    "syringes_distributed": "syringe-1ml-28g",
    "naloxone_kits": "naloxone-nasal-4mg",
    "fentanyl_test_strips": "fentanyl-test-strip",
    "xylazine_test_strips": "xylazine-test-strip",
    "wound_care_kits": "wound-care-kit",
}


def _django(db_path: str) -> None:
    if os.environ.get("DATABASE_URL") == f"sqlite:///{db_path}":
        return
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    import django

    django.setup()


def generate_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    codes = [
        f"{rng.choice('ABCDEFGHJKLMNPRSTW')}A{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}X{rng.randint(50, 99)}"
        for _ in range(20000)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(rows):
            day = 1 + number * 700 // rows  # spread over about two years
            year, rest = divmod(day - 1, 365)
            month, mday = min(12, rest // 30 + 1), rest % 28 + 1
            writer.writerow(
                [
                    f"{2023 + year}-{month:02d}-{mday:02d}T{9 + number % 10:02d}:{number % 60:02d}:00",
                    SITES[number % 3],
                    rng.choice(codes) if rng.random() < 0.75 else "",
                    rng.choice((0, 10, 20, 30)) if rng.random() < 0.6 else "",
                    rng.choice((0, 5, 10, 20)) if rng.random() < 0.5 else "",
                    rng.choice((1, 2)) if rng.random() < 0.3 else "",
                    5 if rng.random() < 0.25 else "",
                    5 if rng.random() < 0.1 else "",
                    1 if rng.random() < 0.08 else "",
                    1 if rng.random() < 0.08 else "",
                ]
            )


def prepare_database(db_path: str, _csv_path: str = "") -> None:
    """Child: migrate, and make the organization, its sites and the supply catalog."""
    _django(db_path)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from meetpoint.accounts import actions
    from meetpoint.directory.models import Location
    from meetpoint.inventory.models import SupplyItem

    organization = actions.create_organization("Bench Outreach", "harm_reduction", slug=ORG_SLUG)
    for name in SITES:
        Location.objects.create(organization=organization, name=name, is_mobile="Van" in name)
    for code in ITEM_COLUMNS.values():
        SupplyItem.objects.get_or_create(code=code, defaults={"name": code, "category": code.split("-")[0]})


def run_import(db_path: str, csv_path: str) -> None:
    """Child: the project's command, exactly as a user runs it."""
    _django(db_path)
    from django.core.management import call_command

    call_command("import_encounters", csv_path, "--org", ORG_SLUG)


def run_raw(db_path: str, csv_path: str) -> None:
    """Child: the same rows straight into the same tables with executemany: participants (one per distinct code,
    the code itself standing in for its hash), encounters and supply lines — no checks, no hashing."""
    _django(db_path)
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from meetpoint.accounts.models import Organization
    from meetpoint.directory.models import Location
    from meetpoint.inventory.models import SupplyItem

    organization = Organization.objects.get(slug=ORG_SLUG)
    sites = {
        location.name: location.pk.hex for location in Location.objects.filter(organization=organization)
    }
    items = {column: SupplyItem.objects.get(code=code).pk for column, code in ITEM_COLUMNS.items()}
    encounter_sql = (
        "INSERT INTO outreach_encounter (client_uuid, organization_id, participant_id, location_id, setting, "
        "stop_name, area_cell, occurred_at, staff_id, syringes_collected, collected_method, collected_measure, "
        "collected_estimated, secondary_for_people, naloxone_kit_status, refill_reason, wound_care, "
        "overdose_education, vaccination, hiv_test, hiv_linked, hcv_test, hcv_linked, sti_test, sti_linked, "
        "referrals_made, reversals_reported, source, created) VALUES "
        "(%s, %s, %s, %s, 'fixed_site', '', '', %s, NULL, %s, '', NULL, 0, 0, '', '', 0, 0, '', '', 0, '', 0, "
        "'', 0, %s, 0, 'import', %s)"
    )
    participant_sql = (
        "INSERT INTO participants_participant (id, organization_id, code_hash, age_band, gender_identity, race, "
        "ethnicity, zip3, merged_into_id, created) VALUES (%s, %s, %s, '', '', '[]', '', '', NULL, %s)"
    )
    line_sql = "INSERT INTO outreach_encountersupply (encounter_id, supply_item_id, quantity, doses) VALUES (%s, %s, %s, %s)"
    now = timezone.now().isoformat()
    org = organization.pk.hex
    with open(csv_path, newline="", encoding="utf-8") as handle, transaction.atomic():
        reader = csv.reader(handle)
        header = next(reader)
        index = {name: position for position, name in enumerate(header)}
        cursor = connection.cursor()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM outreach_encounter")
        next_id = cursor.fetchone()[0] + 1
        encounters, lines, people = [], [], []
        participants: dict[str, str] = {}
        for row in reader:
            code = row[index["participant_code"]]
            participant = participants.get(code) if code else None
            if code and participant is None:
                participant = participants[code] = uuid.uuid4().hex
                people.append((participant, org, code, now))
            encounters.append(
                (
                    uuid.uuid4().hex,
                    org,
                    participant,
                    sites[row[index["site"]]],
                    row[index["occurred_at"]],
                    int(row[index["syringes_collected"]] or 0),
                    int(row[index["referrals_made"]] or 0),
                    now,
                )
            )
            for column, item in items.items():
                quantity = int(row[index[column]] or 0)
                if quantity:
                    lines.append((next_id, item, quantity, quantity * 2 if column == "naloxone_kits" else 0))
            next_id += 1
            if len(encounters) >= 10000:
                cursor.executemany(participant_sql, people)
                cursor.executemany(encounter_sql, encounters)
                cursor.executemany(line_sql, lines)
                encounters, lines, people = [], [], []
        cursor.executemany(participant_sql, people)
        cursor.executemany(encounter_sql, encounters)
        cursor.executemany(line_sql, lines)


def _child(mode: str, db_path: str, csv_path: str, quiet: bool) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process, start-up excluded from the times."""
    command = [sys.executable, "-m", "bench.encounter_import", "--child", mode, db_path, csv_path]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None, text=True
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = cpu = time.perf_counter() - started
    for line in output.splitlines():
        if line.startswith("ELAPSED "):
            seconds, cpu = (float(value) for value in line.split()[1:3])
        elif not quiet:
            print(line, file=sys.stderr)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{mode} failed with exit code {process.returncode}")
    return seconds, cpu, usage.ru_maxrss / 1024  # Linux reports KiB


def _count(db_path: str) -> tuple[int, int, int]:
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        encounters = connection.execute("SELECT COUNT(*) FROM outreach_encounter").fetchone()[0]
        lines = connection.execute("SELECT COUNT(*) FROM outreach_encountersupply").fetchone()[0]
        people = connection.execute("SELECT COUNT(*) FROM participants_participant").fetchone()[0]
    return encounters, lines, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 rows: checks that the benchmark runs.")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DB", "CSV"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        mode, db_path, csv_path = arguments.child
        _django(db_path)  # start-up is not part of the measured time
        started, cpu = time.perf_counter(), time.process_time()
        {"prepare": prepare_database, "import": run_import, "raw": run_raw}[mode](db_path, csv_path)
        print(f"ELAPSED {time.perf_counter() - started:.6f} {time.process_time() - cpu:.6f}")
        return
    rows = 20_000 if arguments.quick else arguments.rows
    with tempfile.TemporaryDirectory(prefix="meetpoint-bench-") as folder:
        folder = Path(folder)
        csv_path = folder / "encounters.csv"
        print(f"Generating {rows:,} rows…", file=sys.stderr)
        generate_csv(csv_path, rows)
        template = folder / "template.sqlite3"
        _child("prepare", str(template), str(csv_path), quiet=True)
        project_db, raw_db = folder / "project.sqlite3", folder / "raw.sqlite3"
        shutil.copy(template, project_db)
        shutil.copy(template, raw_db)
        print("Raw executemany…", file=sys.stderr)
        raw = _child("raw", str(raw_db), str(csv_path), quiet=True)
        print("meetpoint import_encounters…", file=sys.stderr)
        project = _child("import", str(project_db), str(csv_path), quiet=arguments.quick)
        raw_counts, project_counts = _count(str(raw_db)), _count(str(project_db))
    if raw_counts != project_counts:
        raise SystemExit(f"Row counts differ: raw {raw_counts}, import {project_counts}")
    print(
        f"\nEncounter import, {rows:,} CSV rows ({project_counts[1]:,} supply lines, {project_counts[2]:,} "
        "participants), SQLite, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'method':<34}{'wall s':>9}{'rows/s':>10}{'CPU s':>8}{'rows/CPU s':>12}{'peak RSS MB':>13}")
    for name, (seconds, cpu, memory) in (
        ("meetpoint import_encounters", project),
        ("raw executemany (practical limit)", raw),
    ):
        print(
            f"{name:<34}{seconds:>9.1f}{rows / seconds:>10,.0f}{cpu:>8.1f}{rows / cpu:>12,.0f}{memory:>13.0f}"
        )
    print(
        f"ratio import/raw: {raw[0] / project[0]:.2f} by wall time, {raw[1] / project[1]:.2f} by CPU time "
        f"(target >= 0.50); import peak memory {project[2]:.0f} MB (target < 300)"
    )


if __name__ == "__main__":
    main()
