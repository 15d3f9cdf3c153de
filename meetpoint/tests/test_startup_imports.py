"""Light start-up: every worker and every cron command pays for what django.setup() imports, so the heavy
libraries (scipy, numpy, openpyxl, matplotlib, the PDF library) are imported where they are used, never at start.
Each case runs in a fresh interpreter (this test process has imported everything already)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "numpy", "openpyxl", "matplotlib", "reportlab", "weasyprint", "fpdf", "pypdf")


def imported_after(code: str, tmp_path) -> dict:
    script = (
        "import json, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'meetpoint.settings')\n"
        "import django\n"
        f"{code}\n"
        f"print(json.dumps({{'heavy': sorted(m for m in {HEAVY!r} if m in sys.modules), "
        "'urls': 'meetpoint.urls' in sys.modules}))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["MEETPOINT_VAR_DIR"] = str(tmp_path)  # its own SQLite file and keys, never the checkout's var/
    result = subprocess.run(  # noqa: S603 — this interpreter, a script of constants
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_django_setup_imports_no_heavy_library(tmp_path):
    found = imported_after("django.setup()", tmp_path)
    assert found["heavy"] == [] and not found["urls"]


def test_the_url_configuration_imports_no_scientific_library(tmp_path):
    """scipy (paired survey statistics, the disclosure audit's linear programs) loads on first use. The report
    exports' chart and spreadsheet libraries are the outcomes exports' own, imported with them."""
    found = imported_after("django.setup()\nimport meetpoint.urls", tmp_path)
    assert "scipy" not in found["heavy"]


@pytest.mark.parametrize("command", ["expire_referrals", "purge_expired"])
def test_a_cron_command_loads_neither_the_urls_nor_a_heavy_library(tmp_path, command):
    code = (
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        f"call_command({command!r}, stdout=open(os.devnull, 'w'))"
    )
    found = imported_after(code, tmp_path)
    assert found["heavy"] == [] and not found["urls"]
