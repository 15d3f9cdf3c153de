"""Test indicators: registered by the tests themselves over an in-memory list of records, so the outcomes app
is tested without any other app's models, and the tests still hold once the real indicators are registered
(their codes differ; the reports simply list more indicators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from meetpoint import indicators as indicator_registry
from meetpoint.indicators import Indicator, Scope


@dataclass(frozen=True)
class Record:
    organization_id: object
    day: date
    item: str  # "naloxone" | "syringes" | "visit"
    quantity: int = 1
    person: str = ""
    site: str | None = None
    area: str | None = None


def group_value(record: Record, name: str):
    if name == "day":
        return record.day
    if name == "week":
        return record.day - timedelta(days=record.day.weekday())
    if name == "month":
        return record.day.replace(day=1)
    if name == "site":
        return record.site
    if name == "organization":
        return record.organization_id
    if name == "area":
        return record.area
    raise ValueError(name)


class Records(list):
    """The records the test indicators count; tests append to it."""

    def selected(self, scope: Scope, item: str):
        for record in self:
            if record.item != item or record.organization_id not in scope.organization_ids:
                continue
            if not (scope.start <= record.day <= scope.end):
                continue
            if scope.site_ids is not None and record.site not in {str(s) for s in scope.site_ids}:
                continue
            yield record

    def quantity(self, item: str):
        def compute(scope: Scope, group_by: tuple) -> dict:
            out: dict = {}
            for record in self.selected(scope, item):
                key = tuple(group_value(record, g) for g in group_by)
                out[key] = out.get(key, 0) + record.quantity
            if not group_by:
                out.setdefault((), 0)
            return out

        return compute

    def people(self, item: str):
        def compute(scope: Scope, group_by: tuple) -> dict:
            seen: dict = {}
            for record in self.selected(scope, item):
                key = tuple(group_value(record, g) for g in group_by)
                seen.setdefault(key, set()).add(record.person)
            out = {key: len(people) for key, people in seen.items()}
            if not group_by:
                out.setdefault((), 0)
            return out

        return compute


TEST_CODES = ("test_naloxone_kits", "test_syringes", "test_people_served", "test_syringes_per_person")


@pytest.fixture
def records(monkeypatch):
    """The test indicators, standing in for the real ones: they open the standard report (kits and syringes as
    its first key figures), so reports over them read as a program's would."""
    from meetpoint.outcomes import reports

    monkeypatch.setattr(reports, "STANDARD", (*TEST_CODES, *reports.STANDARD))
    monkeypatch.setattr(
        reports,
        "KEY_FIGURES",
        {
            "test_naloxone_kits": reports.KEY_FIGURES["naloxone_kits_distributed"],
            "test_syringes": reports.KEY_FIGURES["syringes_distributed"],
            **reports.KEY_FIGURES,
        },
    )
    found = Records()
    registered = [
        Indicator(
            code="test_naloxone_kits",
            name="Naloxone kits distributed (test)",
            definition="Kits handed out (test fixture).",
            unit="kits",
            provider="tests",
            compute=found.quantity("naloxone"),
        ),
        Indicator(
            code="test_syringes",
            name="Syringes distributed (test)",
            definition="Syringes handed out (test fixture).",
            unit="syringes",
            provider="tests",
            compute=found.quantity("syringes"),
        ),
        Indicator(
            code="test_people_served",
            name="People served (test)",
            definition="Distinct participants with a visit (test fixture).",
            unit="people",
            provider="tests",
            compute=found.people("visit"),
            counts_people=True,
            additive=False,
        ),
        Indicator(
            code="test_syringes_per_person",
            name="Syringes per person (test)",
            definition="Syringes distributed per person served (test fixture).",
            unit="ratio",
            provider="tests",
            numerator="test_syringes",
            denominator="test_people_served",
        ),
    ]
    for indicator in registered:
        indicator_registry.registry.pop(indicator.code, None)
        indicator_registry.register(indicator)
    yield found
    for indicator in registered:
        indicator_registry.registry.pop(indicator.code, None)


def add_activity(
    records: Records,
    organization,
    month_start: date,
    *,
    people: int,
    kits: int,
    syringes: int,
    area: str = "152",
    site: str | None = None,
    day_offset: int = 3,
    person_prefix: str = "p",
) -> None:
    """Records of one month: `people` distinct visits, and the given kits and syringes."""
    day = month_start + timedelta(days=day_offset)
    for n in range(people):
        records.append(
            Record(organization.pk, day, "visit", 1, f"{organization.slug}-{person_prefix}{n}", site, area)
        )
    if kits:
        records.append(Record(organization.pk, day, "naloxone", kits, "", site, area))
    if syringes:
        records.append(Record(organization.pk, day, "syringes", syringes, "", site, area))
