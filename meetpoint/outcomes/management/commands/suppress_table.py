"""`meetpoint suppress_table --threshold K < table.csv`: the platform's disclosure control on any table."""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from meetpoint import spreadsheet_cells
from meetpoint.outcomes.disclosure import DEFAULT_THRESHOLD, CountTable, suppress_table


def read_table(lines) -> CountTable:
    """Parses a CSV of counts: a header row, labels in the first column, optional last Total row/column."""
    rows = [
        (number, row) for number, row in enumerate(csv.reader(lines), start=1) if any(c.strip() for c in row)
    ]
    if len(rows) < 2:
        raise CommandError("line 1: the table needs a header row and at least one row of counts")
    header_line, header = rows[0]
    if len(header) < 2:
        raise CommandError(
            f"line {header_line}: the header needs a label column and at least one count column"
        )
    has_total_column = header[-1].strip().lower() == "total"
    columns = [h.strip() for h in header[1:]]
    if has_total_column:
        columns = columns[:-1]
        if not columns:
            raise CommandError(f"line {header_line}: a Total column needs count columns before it")
    labels, cells = [], []
    for number, row in rows[1:]:
        if len(row) != len(header):
            raise CommandError(f"line {number}: expected {len(header)} fields, found {len(row)}")
        counts = []
        for position, text in enumerate(row[1:], start=2):
            text = text.strip()
            if not text.isdigit():
                raise CommandError(
                    f"line {number}, column {position}: {text!r} is not a count (a whole number 0 or more)"
                )
            counts.append(int(text))
        if has_total_column and sum(counts[:-1]) != counts[-1]:
            raise CommandError(
                f"line {number}: the Total {counts[-1]} is not the sum of the row ({sum(counts[:-1])})"
            )
        labels.append(row[0].strip())
        cells.append(counts)
    has_total_row = labels[-1].lower() == "total" and len(labels) > 1
    row_totals = [row[-1] for row in cells] if has_total_column else None
    body = [row[:-1] if has_total_column else row for row in cells]
    column_totals = grand = None
    if has_total_row:
        total_line = rows[-1][0]
        for position, column in enumerate(zip(*body, strict=True), start=2):
            if sum(column[:-1]) != column[-1]:
                raise CommandError(
                    f"line {total_line}, column {position}: the Total {column[-1]} is not the sum of the column "
                    f"({sum(column[:-1])})"
                )
        column_totals = body.pop()
        labels.pop()
        if has_total_column:
            grand = row_totals.pop()
    table = CountTable(labels, columns, body, row_totals, column_totals, grand)
    try:
        table.check_totals()
    except ValueError as problem:
        raise CommandError(str(problem)) from problem
    return table


class Command(BaseCommand):
    help = (
        "Reads a CSV of counts on standard input (a header row, labels in the first column, optionally a last "
        "Total row and Total column) and writes it with every suppressed cell replaced by '*': counts from 1 to "
        "K-1 and any cell or total from which one could be recomputed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="K (default 11)")

    def handle(self, *args, threshold: int, **options):
        if threshold < 2:
            raise CommandError("--threshold must be at least 2")
        lines = sys.stdin.read().splitlines()
        table = read_table(lines)
        shown, protection = suppress_table(table, threshold)
        if protection.withheld:
            raise CommandError(f"the table cannot be protected and is withheld: {protection.reason}")
        writer = spreadsheet_cells.csv_writer(self.stdout, lineterminator="\n")
        # the header exactly as it came (its first cell too), so the output lines up with the input
        writer.writerow(next(row for row in csv.reader(lines) if any(c.strip() for c in row)))
        labels = [*table.row_labels] + (["Total"] if table.column_totals is not None else [])
        for label, line in zip(labels, shown, strict=True):
            writer.writerow([label, *line])
