"""What an import found wrong, each with the file, the record id and the field, so a person can fix it."""

from dataclasses import dataclass, field

ERROR = "error"  # the import fails and writes nothing
WARNING = "warning"  # imported without that value or link (with --strict, an error too)


@dataclass(frozen=True)
class Problem:
    level: str
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f" [id {self.record}]"
        if self.field:
            where += f" {self.field}"
        return f"{self.level}: {where}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, record: str, field_name: str, message: str) -> None:
        # One error per file, record and field: the schema check and the loader may both see the same value.
        key = (file, str(record or ""), field_name)
        if field_name and any(
            p.level == ERROR and (p.file, p.record, p.field) == key for p in self.items[-50:]
        ):
            return
        self.items.append(Problem(ERROR, file, str(record or ""), field_name, message))

    def warning(self, file: str, record: str, field_name: str, message: str) -> None:
        self.items.append(Problem(WARNING, file, str(record or ""), field_name, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]


class ImportFailed(Exception):
    """Raised inside the import transaction so that nothing is written; carries every problem found."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems
