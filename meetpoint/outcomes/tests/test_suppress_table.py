"""`meetpoint suppress_table --threshold K`: CSV in, the same table with '*' out; bad CSV names the line."""

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from meetpoint.outcomes.disclosure import CountTable, HeldCell, audit


def run(text: str, *args) -> str:
    out = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        call_command("suppress_table", *args, stdout=out)
    finally:
        sys.stdin = stdin
    return out.getvalue()


def test_table_with_totals_is_suppressed_and_audited():
    text = "area,Jan,Feb,Total\n152,3,25,28\n153,40,30,70\n154,22,19,41\nTotal,65,74,139\n"
    output = run(text, "--threshold", "11")
    lines = [line.split(",") for line in output.strip().splitlines()]
    assert lines[0] == ["area", "Jan", "Feb", "Total"]  # the header exactly as it came
    assert lines[1][0] == "152" and lines[1][1] == "*"
    # what the output publishes, audited: every hidden cell still ranges over >= 6 values
    cells, values = {}, [[3, 25, 28], [40, 30, 70], [22, 19, 41], [65, 74, 139]]
    table = CountTable(
        ["152", "153", "154"],
        ["Jan", "Feb"],
        [r[:2] for r in values[:3]],
        [r[2] for r in values[:3]],
        values[3][:2],
        139,
    )
    for key, value in table.keyed_values().items():
        r, c = key
        shown = lines[(4 if r == "T" else r + 1)][(3 if c == "T" else c + 1)]
        cells[key] = (
            HeldCell(None, "primary" if 1 <= value < 11 else "complementary")
            if shown == "*"
            else HeldCell(int(shown))
        )
        if shown != "*":
            assert int(shown) == value
    assert audit(cells, table.equations(), 11) == []


def test_threshold_itself_is_shown_and_zero_is_shown():
    output = run("x,a,b\nrow,5,0\n", "--threshold", "5")
    assert output.strip().splitlines()[1] == "row,5,0"
    output = run("x,a,b\nrow,4,0\n", "--threshold", "5")
    assert output.strip().splitlines()[1] == "row,*,0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,a,b\nrow,1,two\n", "line 2, column 3"),
        ("x,a,b\nrow,1\n", "line 2: expected 3 fields"),
        ("x,a\nrow,-4\n", "line 2, column 2"),
        ("x,a,Total\nrow,4,5\n", "line 2: the Total 5"),
        ("x,a\nr,4\ns,5\nTotal,8\n", "line 4, column 2"),
        ("only-a-header\n", "line 1"),
    ],
)
def test_bad_csv_fails_naming_the_line(text, message):
    with pytest.raises(CommandError, match=message):
        run(text)


def test_command_line_exits_1_with_the_line_on_bad_input():
    script = [sys.executable, "-m", "meetpoint.cli", "suppress_table", "--threshold", "11"]
    bad = subprocess.run(script, input="x,a\nr1,zz\n", capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "line 2" in bad.stderr
