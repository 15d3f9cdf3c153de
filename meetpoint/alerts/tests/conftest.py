import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from meetpoint.outcomes import actions as outcomes_actions
from meetpoint.outreach.models import OverdoseReport

CELL = "40.44,-80.00"  # a grid cell inside the area square "cell:40.4,-80.0"
AREA = "cell:40.4,-80.0"
OTHER_CELL = "40.81,-79.52"


def add_reports(organization, counts_by_day: dict, cell: str = CELL) -> None:
    """`counts_by_day[day]` overdose reports of `organization` in the grid cell, at noon local time."""
    rows = []
    for day, count in counts_by_day.items():
        when = timezone.make_aware(datetime.combine(day, time(12, 0)))
        for _ in range(count):
            rows.append(
                OverdoseReport(
                    client_uuid=uuid.uuid4(),
                    organization=organization,
                    occurred_at=when,
                    place_kind="grid_cell",
                    grid_cell=cell,
                )
            )
    OverdoseReport.objects.bulk_create(rows)


def background(end, days: int = 40) -> dict:
    """A quiet area: one overdose every third day, ending the day before `end`."""
    return {end - timedelta(days=n): (1 if n % 3 == 0 else 0) for n in range(1, days + 1)}


def share_overdoses(sharer_admin, recipient_admin, place_grain: str = "zip3"):
    agreement = outcomes_actions.propose_agreement(
        sharer_admin,
        outcomes_actions.AgreementInput(
            recipient=recipient_admin.organization,
            indicators=["overdoses_reported_nonfatal", "overdoses_reported_fatal"],
            valid_from=timezone.localdate() - timedelta(days=400),
            place_grain=place_grain,
        ),
    )
    return outcomes_actions.accept_agreement(recipient_admin, agreement)


@pytest.fixture
def today():
    return timezone.localdate()
