"""An alert at each level of detail, as the one place that decides what each audience reads.

- public: kind, area, the time window, what to carry; a count only from K up and only when the audience's own
  reports alone raised it (a partner's shared figures are agreed for the partner, not for everyone).
- outreach: the public level plus the alert's status, level and history, for every member of its audience.
- epidemiology: counts, expected count, method, threshold, statistic, p-value and the last 14 days, for analysts
  whose agreements allow area-level figures (queries.epidemiology_allowed).
"""

from meetpoint.alerts import advice, areas
from meetpoint.alerts.models import AlertKind
from meetpoint.alerts.queries import epidemiology_allowed, small_number_threshold


def public(alert) -> dict:
    own_only = alert.kind == AlertKind.BAD_BATCH or {str(s) for s in alert.sources} <= {
        str(alert.organization_id)
    }
    count = alert.count if own_only and alert.count >= small_number_threshold() else None
    return {
        "id": str(alert.id),
        "kind": alert.kind,
        "kind_label": str(alert.get_kind_display()),
        "area": alert.area,
        "area_label": areas.label(alert.area),
        "substance": alert.substance,
        "expected_substance": alert.expected_substance,
        "first_day": alert.first_day.isoformat(),
        "last_day": alert.last_signal_day.isoformat(),
        "open": alert.is_open,
        "advice": advice.for_alert(alert),
        "count": count,
    }


def outreach(alert) -> dict:
    return {
        **public(alert),
        "status": alert.status,
        "level": alert.level,
        "level_label": str(alert.get_level_display()),
        "opened_at": alert.opened_at.isoformat(),
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
        "close_reason": alert.close_reason,
        "published": alert.public,
    }


def epidemiology(alert) -> dict:
    return {
        **outreach(alert),
        "count": alert.count,
        "expected": alert.expected,
        "method": alert.method,
        "threshold": alert.threshold,
        "statistic": alert.statistic,
        "p_value": alert.p_value,
        "diagnostics": alert.diagnostics,
    }


def for_member(membership, alert) -> dict:
    """The outreach level, or the epidemiology level where the member may see it (with `"level_of_detail"`)."""
    if epidemiology_allowed(membership, alert):
        return {**epidemiology(alert), "level_of_detail": "epidemiology"}
    return {**outreach(alert), "level_of_detail": "outreach"}
