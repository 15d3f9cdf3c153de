"""Benchmark: importing a national tract-level SVI file (about 84,000 census tracts) with `import_area_data`,
side by side with the practical limit — a raw csv read plus `executemany` of the same rows into the same
(freshly migrated) SQLite table — and the "where to go next" ranking over every tract.

    .venv/bin/python -m bench.needs_import            # 84,000 tracts
    .venv/bin/python -m bench.needs_import --quick    # 3,000 tracts, seconds

The database is a temporary SQLite file (never var/meetpoint.sqlite3). The raw side does no checking: it
reads the codes and the used columns with the csv module, dumps the measures as JSON and inserts. The import
side checks every line (codes, numbers, -999), then creates the areas with bulk_create in one transaction.
A second import of the same file (every area updated, measures merged) is timed as well.
"""

import argparse
import csv
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

MEASURES = ["RPL_THEME1", "RPL_THEME2", "RPL_THEME3", "RPL_THEME4", "RPL_THEMES", "EP_POV150", "EP_UNEMP",
            "EP_UNINSUR", "EP_NOVEH"]  # fmt: skip
HEADER = ["ST", "STATE", "ST_ABBR", "COUNTY", "FIPS", "LOCATION", "E_TOTPOP", *MEASURES]


def generate(path: Path, tracts: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(tracts):
            state, county, tract = 1 + n % 56, 1 + (n // 56) % 200, 100 + n // 11200
            fips = f"{state:02d}{county:03d}{tract:06d}"
            values = [round(rng.random(), 4) for _ in range(5)] + [
                -999 if rng.random() < 0.01 else round(rng.uniform(0, 60), 1) for _ in range(4)
            ]
            writer.writerow(
                [
                    state,
                    "State",
                    "ST",
                    "County",
                    fips,
                    f"Census Tract {tract}",
                    rng.randint(800, 9000),
                    *values,
                ]
            )


def raw_insert(db_path: str, csv_path: Path) -> float:
    started = time.perf_counter()
    rows = []
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            measures = {name: float(record[name]) for name in MEASURES if record[name] != "-999"}
            rows.append(
                (
                    record["FIPS"],
                    "tract",
                    record["LOCATION"],
                    int(record["E_TOTPOP"]),
                    json.dumps(measures),
                    "[]",
                    "raw",
                )
            )
    connection = sqlite3.connect(db_path)
    with connection:
        connection.executemany(
            "INSERT INTO needs_area (code, level, name, population, measures, aliases, source, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, datetime('now'))",
            rows,
        )
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tracts", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tracts = args.tracts or (3000 if args.quick else 84000)
    repeat = 1 if args.quick else args.repeat

    workdir = Path(tempfile.mkdtemp(prefix="meetpoint-bench-needs-"))
    db_path = str(workdir / "bench.sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from meetpoint.needs.actions import import_area_data
    from meetpoint.needs.models import Area
    from meetpoint.needs.ranking import AreaFacts, rank_areas

    call_command("migrate", verbosity=0)
    csv_path = workdir / "svi.csv"
    generate(csv_path, tracts)
    data = csv_path.read_bytes()

    raw, fresh, again, ranking = [], [], [], []
    for _ in range(repeat):
        Area.objects.all().delete()
        raw.append(raw_insert(db_path, csv_path))
        Area.objects.all().delete()
        started = time.perf_counter()
        import_area_data(data, layout="svi", file_name="svi.csv")
        fresh.append(time.perf_counter() - started)
        started = time.perf_counter()
        import_area_data(data, layout="svi", file_name="svi.csv")
        again.append(time.perf_counter() - started)
        facts = [
            AreaFacts(
                a.code,
                a.name,
                a.population,
                a.measures.get("RPL_THEMES"),
                a.population % 37,
                a.population % 101,
            )
            for a in Area.objects.all()
        ]
        started = time.perf_counter()
        rank_areas(facts)
        ranking.append(time.perf_counter() - started)
    assert Area.objects.count() == tracts

    def row(name, seconds):
        median = statistics.median(seconds)
        return f"| {name:<44} | {median:8.2f} s | {tracts / median:10,.0f} /s |"

    print(f"{tracts:,} tracts, median of {repeat} run(s), SQLite, {os.cpu_count()} cores")
    print("| step                                         |   median   | areas/s      |")
    print("|----------------------------------------------|------------|--------------|")
    print(row("raw csv + executemany (practical limit)", raw))
    print(row("import_area_data, new areas", fresh))
    print(row("import_area_data, same file again (update)", again))
    print(row("rank_areas over every tract", ranking))
    print(f"ratio import / raw: {statistics.median(fresh) / statistics.median(raw):.2f}")


if __name__ == "__main__":
    main()
