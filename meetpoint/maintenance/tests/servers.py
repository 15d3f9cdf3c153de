"""The real Meetpoint in a subprocess, for the fault tests: a database of its own (a temporary SQLite file, or a
PostgreSQL database named after DATABASE_URL's), a server that can be killed with SIGKILL, and a small world
made through the real actions (`python -m meetpoint.maintenance.tests.servers setup`)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BIN = Path(sys.executable).parent
PASSWORD = "fault-test-passphrase-1"  # noqa: S105 — a throwaway database


@dataclass
class Site:
    """A migrated database with one organization, a staff token and a site to record encounters at."""

    database_url: str
    environment: dict
    token: str = ""
    site_id: str = ""
    org: str = "fault-harm-reduction"

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url.startswith("postgres") else "sqlite"

    def run(self, *args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "meetpoint"), *args],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )

    def count_encounters(self, client_uuids: list[str] | None = None) -> tuple[int, int]:
        """(rows, distinct client_uuids) in outreach_encounter, optionally only for these client_uuids."""
        if self.vendor == "sqlite":
            import sqlite3

            path = urlsplit(self.database_url).path
            with sqlite3.connect(path, timeout=10) as db:
                values = db.execute("SELECT client_uuid FROM outreach_encounter").fetchall()
            stored = [value.replace("-", "") for (value,) in values]
            wanted = {uuid.replace("-", "") for uuid in client_uuids} if client_uuids is not None else None
        else:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as db:
                stored = [str(value) for (value,) in db.execute("SELECT client_uuid FROM outreach_encounter")]
            wanted = set(client_uuids) if client_uuids is not None else None
        if wanted is not None:
            stored = [value for value in stored if value in wanted]
        return len(stored), len(set(stored))


def environment(database_url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "MEETPOINT_VAR_DIR": str(var_dir),
            "SECRET_KEY": "fault-tests-only-" + "x" * 40,
            "DEBUG": "0",
            "LOG_LEVEL": "CRITICAL",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def postgres_url(base_url: str, suffix: str) -> str:
    """DATABASE_URL with the database name changed to <name>_<suffix>."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def recreate_postgres_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlsplit(url)._replace(path="/postgres")
    with psycopg.connect(urlunsplit(admin), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlsplit(url)._replace(path="/postgres")
    with psycopg.connect(urlunsplit(admin), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(site: Site) -> Site:
    migrated = site.run("migrate", "--noinput", "-v0", timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    made = subprocess.run(
        [sys.executable, "-m", "meetpoint.maintenance.tests.servers", "setup"],
        env=site.environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    details = json.loads(made.stdout.strip().splitlines()[-1])
    site.token, site.site_id = details["token"], details["site_id"]
    return site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn (when the bench extras are installed) or `meetpoint runserver --noreload`, in its own process
    group so that kill() takes down the master and its workers at once, like a power cut."""

    def __init__(self, site: Site):
        self.site = site
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        if (BIN / "gunicorn").exists():
            command = [
                str(BIN / "gunicorn"),
                "meetpoint.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ]
        else:
            command = [str(BIN / "meetpoint"), "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            env=self.site.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/v1/outcomes/indicators", timeout=2):  # noqa: S310
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited at start") from None
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("the server did not answer within 30 s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def post_json(url: str, body: dict, token: str, timeout: float = 60) -> tuple[int, dict | None]:
    """(status, JSON body); status 0 when the connection broke before an answer."""
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


def _setup() -> None:
    """Inside the subprocess (DATABASE_URL set): the organization, its staff member, a token and a site."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
    django.setup()
    from meetpoint.accounts import actions
    from meetpoint.accounts.roles import PartnerType
    from meetpoint.directory.models import Location

    organization = actions.create_organization(
        "Fault Harm Reduction", PartnerType.HARM_REDUCTION, slug="fault-harm-reduction"
    )
    staff = actions.add_member(organization, "fault-staff", "staff", password=PASSWORD)
    site = Location.objects.create(organization=organization, name="Fault Drop-in")
    print(json.dumps({"token": actions.issue_token(staff, "faults"), "site_id": str(site.pk)}))


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    _setup()
