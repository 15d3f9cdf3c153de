"""Whose overdose reports an organization's spike detection may count: its own, and those of partners that share
an overdose indicator with it under an agreement in force. The same rule decides who sees the alert."""

from dataclasses import dataclass
from datetime import date

from meetpoint.outcomes.queries import agreements_sharing
from meetpoint.outreach.models import OverdoseReport

OVERDOSE_INDICATORS = ("overdoses_reported_fatal", "overdoses_reported_nonfatal")
AREA_LEVEL_GRAINS = ("zip3", "service_area")  # agreements that allow figures finer than the whole county


@dataclass(frozen=True)
class Pool:
    audience_id: object  # the organization that sees the alerts
    source_ids: frozenset  # organizations whose reports count
    area_level_ids: frozenset  # sources whose agreement allows the epidemiology level (area-level figures)


def pools(day: date, organization_ids=None) -> list[Pool]:
    """Every organization with reports of its own or shared with it (or only those of `organization_ids`,
    as audiences or as sources)."""
    own = set(OverdoseReport.objects.order_by().values_list("organization_id", flat=True).distinct())
    sources: dict = {org: {org} for org in own}
    detailed: dict = {org: {org} for org in own}
    for agreement in agreements_sharing(OVERDOSE_INDICATORS, day):
        sources.setdefault(agreement.recipient_id, set()).add(agreement.sharer_id)
        detailed.setdefault(agreement.recipient_id, set())
        if agreement.place_grain in AREA_LEVEL_GRAINS:
            detailed[agreement.recipient_id].add(agreement.sharer_id)
    found = []
    for audience, members in sources.items():
        if (
            organization_ids is not None
            and audience not in organization_ids
            and not (members & organization_ids)
        ):
            continue
        found.append(Pool(audience, frozenset(members), frozenset(detailed[audience] & members)))
    return found


def pool_of(organization_id, day: date) -> Pool:
    for pool in pools(day, {organization_id}):
        if pool.audience_id == organization_id:
            return pool
    return Pool(organization_id, frozenset(), frozenset())
