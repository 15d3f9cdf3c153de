"""The full demo region (contact details, audit log, every app's rows) backed up and restored by the real
commands, SQLite→SQLite, SQLite→PostgreSQL and PostgreSQL→PostgreSQL. The demo is built once for the module; each
target is a copy of a database migrated once. The PostgreSQL cases skip unless DATABASE_URL names PostgreSQL; they
use scratch databases of their own beside it."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet

from meetpoint.maintenance.tests.servers import (
    Site,
    drop_postgres_database,
    environment,
    postgres_url,
    recreate_postgres_database,
)

# The referrals' contact details as their readers see them (decrypted), and the audit chain's verdict.
CONTACTS = (
    "from meetpoint.referrals.models import Referral; import hashlib; "
    "details = sorted(r.contact_detail.reveal() for r in Referral.objects.exclude(contact_detail='')); "
    "print(len(details), hashlib.sha256(repr(details).encode()).hexdigest())"
)


# Restoring needs the keys the backup was encrypted with, as on a real site (docs/operations-backup.md).
FIELD_KEY = Fernet.generate_key().decode()


def _site(url: str, var_dir: Path) -> Site:
    env = environment(url, var_dir)
    env["MEETPOINT_FIELD_KEYS"] = FIELD_KEY
    return Site(url, env)


def _run(site: Site, *args: str) -> str:
    done = site.run(*args, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def contacts(site: Site) -> str:
    return _run(site, "shell", "-c", CONTACTS).strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(the demo site on SQLite, its archive, a freshly migrated SQLite file to copy for each restore)."""
    var_dir = tmp_path_factory.mktemp("round-trip")
    database = var_dir / "demo.sqlite3"
    site = _site(f"sqlite:///{database}", var_dir)
    _run(site, "migrate", "--noinput", "-v0")
    empty = var_dir / "migrated.sqlite3"
    shutil.copyfile(database, empty)
    _run(site, "load_demo")
    archive = var_dir / "demo.zip"
    _run(site, "backup", str(archive))
    return site, archive, empty


def _sqlite_copy(empty: Path, name: str, var_dir: Path) -> Site:
    target = var_dir / f"{name}.sqlite3"
    shutil.copyfile(empty, target)
    return _site(f"sqlite:///{target}", var_dir)


@pytest.fixture(scope="module")
def postgres_targets(demo):
    """Two freshly migrated PostgreSQL scratch databases (the second a template copy of the first)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("PostgreSQL round trips run when DATABASE_URL names a PostgreSQL database")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    first = postgres_url(base, f"roundtrip_a_{worker}")
    second = postgres_url(base, f"roundtrip_b_{worker}")
    recreate_postgres_database(first)
    var_dir = demo[0].environment["MEETPOINT_VAR_DIR"]
    site_a = _site(first, Path(var_dir))
    _run(site_a, "migrate", "--noinput", "-v0")
    import psycopg

    admin = urlunsplit(urlsplit(first)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{urlsplit(second).path.lstrip("/")}" WITH (FORCE)')
        db.execute(
            f'CREATE DATABASE "{urlsplit(second).path.lstrip("/")}" TEMPLATE "{urlsplit(first).path.lstrip("/")}"'
        )
    yield site_a, _site(second, Path(var_dir))
    drop_postgres_database(first)
    drop_postgres_database(second)


def test_the_demo_archive_fits_both_databases(demo):
    site, archive, _ = demo
    out = _run(site, "verify_backup", str(archive))
    assert "every checksum matches and every value fits sqlite and postgresql" in out


def test_demo_sqlite_to_sqlite(demo, tmp_path):
    site, archive, empty = demo
    target = _sqlite_copy(empty, "restored", tmp_path)
    out = _run(target, "restore", str(archive))
    assert "counts and checksums match the backup" in out
    held = contacts(site)
    assert int(held.split()[0]) > 0  # the demo's referrals carry contact details
    assert contacts(target) == held
    _run(target, "verify_audit")  # the restored audit chain still verifies


def test_demo_sqlite_to_postgres_to_postgres(demo, postgres_targets, tmp_path):
    site, archive, _ = demo
    first, second = postgres_targets
    assert "counts and checksums match the backup" in _run(first, "restore", str(archive))
    assert contacts(first) == contacts(site)
    again = tmp_path / "from-postgres.zip"
    _run(first, "backup", str(again))
    assert "every value fits" in _run(first, "verify_backup", "--target", "postgres", str(again))
    assert "counts and checksums match the backup" in _run(second, "restore", str(again))
    assert contacts(second) == contacts(site)
