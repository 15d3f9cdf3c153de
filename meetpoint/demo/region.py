"""The demo region: a fictional county ("Three Rivers County") that each app fills with its part.

Everything is deterministic: the same seed gives the same region, so browser tests can rely on it.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

DEMO_PASSWORD = "meetpoint-demo"  # noqa: S105 — printed by `make demo`; demo data only
# The region's centre (a fictional county placed in Pennsylvania's coordinates).
CENTER_LAT, CENTER_LON = 40.4406, -79.9959


@dataclass
class Region:
    """What earlier loaders made, for later loaders to build on (apps depend downward only)."""

    seed: int = 2024
    today: date = field(default_factory=lambda: timezone.localdate())
    rng: random.Random = field(init=False)
    organizations: dict = field(default_factory=dict)  # slug -> Organization
    memberships: dict = field(default_factory=dict)  # username -> Membership
    logins: list = field(default_factory=list)  # (username, organization name, role) printed at the end
    extra: dict = field(default_factory=dict)  # anything an app wants to hand to a later one

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
