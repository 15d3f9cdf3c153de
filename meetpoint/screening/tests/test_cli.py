"""`meetpoint score INSTRUMENT`: JSON in, JSON out; exit 1 for bad answers, 2 for an unknown instrument or usage.
Runs the console script's entry (execute_from_command_line) in-process, with its real exit codes."""

import io
import json
import sys

import pytest
from django.core.management import execute_from_command_line


def run(monkeypatch, capsys, *args, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        execute_from_command_line(["meetpoint", "score", *args])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scores_answers_from_standard_input(monkeypatch, capsys):
    code, out, err = run(
        monkeypatch, capsys, "audit-c", stdin=json.dumps({"answers": [1, 1, 1], "sex": "female"})
    )
    assert code == 0, err
    result = json.loads(out)
    assert (result["total"], result["positive"], result["risk_level"]) == (3, True, "positive")


def test_sex_option_and_answers_by_id(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "audit-c", "--sex", "male", stdin='{"answers": {"q1": 1, "q2": 1, "q3": 1}}'
    )
    assert code == 0 and json.loads(out)["positive"] is False


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"answers": {"q1": 0}}', "'q2' is missing"),
        (
            '{"answers": {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 7}}',
            "'q9'",
        ),
        (
            '{"answers": {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 0, "q0": 1}}',
            "'q0'",
        ),
        ("not json", "not JSON"),
        ("", "No input"),
    ],
)
def test_bad_answers_exit_1_with_the_item_on_stderr(monkeypatch, capsys, stdin, message):
    code, out, err = run(monkeypatch, capsys, "phq-9", stdin=stdin)
    assert code == 1
    assert message in err and out == ""


def test_unknown_instrument_exits_2(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "cage", stdin="{}")
    assert code == 2 and "Unknown instrument 'cage'" in err


def test_missing_instrument_is_a_usage_error(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys)
    assert code == 2 and "instrument" in err


def test_instruments_command_lists_and_validates(monkeypatch, capsys, tmp_path):
    from meetpoint.screening.catalog import INSTRUMENT_DIR

    code, out, _ = _manage(monkeypatch, capsys, "instruments")
    assert code == 0 and "dast-10" in out and "licensed text not supplied" in out
    good = str(INSTRUMENT_DIR / "taps.json")
    bad = tmp_path / "taps.json"
    bad.write_text('{"name": "taps"}')
    code, out, err = _manage(monkeypatch, capsys, "instruments", "--validate", good, str(bad))
    assert code == 1 and "taps.json: valid" in out and "'version' is a required property" in err


def _manage(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    code = 0
    try:
        execute_from_command_line(["meetpoint", *args])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err
