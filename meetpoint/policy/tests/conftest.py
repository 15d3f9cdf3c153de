from datetime import date

import pytest

from meetpoint.policy import actions


@pytest.fixture
def bill(world):
    """A Good Samaritan bill the coalition supports, passed by the legislature."""
    policy = actions.create_policy(
        world.coalition.staff,
        title="Overdose Good Samaritan expansion",
        identifier="HB 1234",
        kind="bill",
        topic="good_samaritan",
        jurisdiction="State of Pennsylvania",
        position="support",
        status="introduced",
        status_date=date(2026, 1, 12),
    )
    actions.record_status(world.coalition.staff, policy, status="in_committee", date=date(2026, 2, 3))
    actions.record_status(world.coalition.staff, policy, status="passed", date=date(2026, 4, 20))
    return policy
