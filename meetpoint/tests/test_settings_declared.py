"""Every setting is declared in settings.py with a strict reader, and docs/operations.md lists them all."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from meetpoint import environment, settings_table

PACKAGE = Path(__file__).resolve().parents[1]
READ = re.compile(r"""getattr\(\s*settings\s*,\s*["'](MEETPOINT_[A-Z0-9_]+)["']""")


def settings_read_in_code() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "settings.py":
            continue
        for name in READ.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(PACKAGE.parent)))
    return found


def test_every_meetpoint_setting_the_code_reads_is_declared_in_settings():
    declared = settings_table.declared_settings()
    read = settings_read_in_code()
    assert read, "the scan found no settings at all"
    undeclared = {name: files for name, files in read.items() if name not in declared}
    assert undeclared == {}, (
        "declare these in meetpoint/settings.py with a strict reader (meetpoint/environment.py)"
    )


def test_the_settings_table_in_the_operations_guide_is_generated_and_current():
    doc = settings_table.DOC.read_text(encoding="utf-8")
    assert settings_table.section_in_doc(doc) == settings_table.markdown(), (
        "run `python -m meetpoint.settings_table --write`"
    )
    variables = settings_table.declared_variables()
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "MEETPOINT_SURVEY_MIN_PAIRS",
        "MEETPOINT_INVENTORY_EXPIRY_DAYS",
    ):
        assert name in variables and f"`{name}`" in doc


def test_settings_once_unsettable_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MEETPOINT_SURVEY_MIN_PAIRS", "8")
    assert environment.envint("MEETPOINT_SURVEY_MIN_PAIRS", 5, minimum=1) == 8
    monkeypatch.setenv("MEETPOINT_INVENTORY_LOW_STOCK_DEFAULTS", '{"naloxone-nasal-4mg": 20}')
    assert environment.envdict("MEETPOINT_INVENTORY_LOW_STOCK_DEFAULTS") == {"naloxone-nasal-4mg": 20}


@pytest.mark.parametrize(
    ("reader", "raw", "words"),
    [
        (lambda: environment.envfloat("MEETPOINT_GRID_DEGREES", 0.01, minimum=0.001), "fine", "not a number"),
        (lambda: environment.envfloat("MEETPOINT_GRID_DEGREES", 0.01, minimum=0.001), "nan", "finite"),
        (lambda: environment.envfloat("MEETPOINT_GRID_DEGREES", 0.01, minimum=0.001), "0", "minimum"),
        (lambda: environment.envdict("MEETPOINT_GRID_DEGREES"), "[1, 2]", "JSON object"),
        (lambda: environment.envdict("MEETPOINT_GRID_DEGREES"), "{oops", "not JSON"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(monkeypatch, reader, raw, words):
    monkeypatch.setenv("MEETPOINT_GRID_DEGREES", raw)
    with pytest.raises(ImproperlyConfigured, match="MEETPOINT_GRID_DEGREES") as problem:
        reader()
    assert words in str(problem.value)
