"""What an import found wrong, each with the file, the line, the record id and the field, so a person can fix
it; `write_report` gives the same list as a CSV for a spreadsheet or a script."""

import csv
from dataclasses import dataclass, field
from typing import TextIO

ERROR = "error"  # the record is refused (without --partial: the import fails and writes nothing)
WARNING = (
    "warning"  # imported without that value or link, or with a lenient reading (with --strict, an error)
)

REPORT_COLUMNS = ("level", "file", "line", "record_id", "field", "problem", "what_was_done")


@dataclass(frozen=True)
class Problem:
    level: str
    file: str
    record: str
    field: str
    message: str
    line: int | None = None
    done: str = ""  # what the import did about it, when the message does not say

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.record:
            where += f" [id {self.record}]"
        if self.field:
            where += f" {self.field}"
        text = f"{self.level}: {where}: {self.message}"
        return f"{text}; {self.done}" if self.done else text

    def split(self) -> tuple[str, str]:
        """(the problem, what was done): messages say both as "problem; what was done"."""
        if self.done:
            return self.message, self.done
        problem, sep, done = self.message.rpartition("; ")
        return (problem, done) if sep else (self.message, "")


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    error_calls: int = 0  # every error reported, also those merged into an earlier one (see error())
    strict: bool = False  # every warning is an error

    def error(
        self, file: str, record: str, field_name: str, message: str, line: int | None = None, done: str = ""
    ) -> None:
        self.error_calls += 1
        # One error per file, record and field: the schema check and the loader may both see the same value.
        key = (file, str(record or ""), field_name)
        if field_name and any(
            p.level == ERROR and (p.file, p.record, p.field) == key for p in self.items[-50:]
        ):
            return
        self.items.append(Problem(ERROR, file, str(record or ""), field_name, message, line, done))

    def warning(
        self, file: str, record: str, field_name: str, message: str, line: int | None = None, done: str = ""
    ) -> None:
        if self.strict:
            self.error(file, record, field_name, message, line)
            return
        self.items.append(Problem(WARNING, file, str(record or ""), field_name, message, line, done))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]


def write_report(problems: list[Problem], out: TextIO, *, refused_done: str) -> int:
    """The problem report: one CSV row per problem. `refused_done` says what happened to a refused record
    ("nothing was imported" without --partial, "record not imported" with it). Returns the rows written."""
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for p in problems:
        problem, done = p.split()
        if p.level == ERROR:
            problem, done = p.message, p.done or refused_done
        writer.writerow(
            [p.level, p.file, p.line or "", p.record, p.field, problem, done or "imported as read"]
        )
    return len(problems)


class ImportFailed(Exception):
    """Raised inside the import transaction so that nothing is written; carries every problem found."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems
