"""What the education app counts, for the indicator registry: trainings held, people trained, naloxone kits
handed out at events (its own code, tagged "naloxone" so reports add it to outreach distribution), and pounds
collected at take-back events."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.utils import timezone

from meetpoint.indicators import Indicator, Scope, register


def group_key(group_by: tuple[str, ...], *, day: date, site, organization, area: str) -> tuple:
    """Group values: day (ISO date), week (ISO date of its Monday), month (YYYY-MM), site (Location id or
    None), organization (id), area (the recorded area code, '' when none)."""
    values = []
    for name in group_by:
        if name == "day":
            values.append(day.isoformat())
        elif name == "week":
            values.append((day - timedelta(days=day.weekday())).isoformat())
        elif name == "month":
            values.append(day.strftime("%Y-%m"))
        elif name == "site":
            values.append(str(site) if site else None)
        elif name == "organization":
            values.append(str(organization))
        elif name == "area":
            values.append(area or "")
        else:
            raise ValueError(f"Unknown group {name!r}.")
    return tuple(values)


def _events(scope: Scope, trainings_only: bool):
    from meetpoint.education.models import TRAINING_KINDS, Event

    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(scope.start, datetime.min.time()), zone)
    end = timezone.make_aware(datetime.combine(scope.end + timedelta(days=1), datetime.min.time()), zone)
    events = Event.objects.filter(host_id__in=scope.organization_ids, starts_at__gte=start, starts_at__lt=end)
    if trainings_only:
        events = events.filter(kind__in=TRAINING_KINDS)
    if scope.site_ids is not None:
        events = events.filter(location_id__in=scope.site_ids)
    return events.values(
        "starts_at", "location_id", "host_id", "area_code", "attendance_count", "naloxone_kits"
    )


def _sum_events(value_of, trainings_only: bool = True):
    def compute(scope: Scope, group_by: tuple[str, ...]) -> dict[tuple, float]:
        totals: dict[tuple, float] = defaultdict(float)
        for row in _events(scope, trainings_only):
            value = value_of(row)
            if value is None:
                continue
            key = group_key(
                group_by,
                day=timezone.localtime(row["starts_at"]).date(),
                site=row["location_id"],
                organization=row["host_id"],
                area=row["area_code"],
            )
            totals[key] += value
        return {key: value for key, value in totals.items() if value}

    return compute


def _take_back_pounds(scope: Scope, group_by: tuple[str, ...]) -> dict[tuple, float]:
    from meetpoint.education.models import TakeBackEvent

    rows = TakeBackEvent.objects.filter(
        organization_id__in=scope.organization_ids, date__gte=scope.start, date__lte=scope.end
    ).exclude(pounds_collected=None)
    if scope.site_ids is not None:
        rows = rows.filter(location_id__in=scope.site_ids)
    totals: dict[tuple, float] = defaultdict(float)
    for row in rows.values("date", "location_id", "organization_id", "area_code", "pounds_collected"):
        key = group_key(
            group_by,
            day=row["date"],
            site=row["location_id"],
            organization=row["organization_id"],
            area=row["area_code"],
        )
        totals[key] += float(row["pounds_collected"])
    return dict(totals)


register(
    Indicator(
        code="trainings_held",
        name="Trainings held",
        definition="Overdose-response trainings, stigma-reduction sessions and prevention curricula held "
        "(by the date they started), hosted by the organizations in scope.",
        unit="trainings",
        provider="education",
        compute=_sum_events(lambda row: 1),
        tags=("education",),
    )
)
register(
    Indicator(
        code="people_trained",
        name="People trained",
        definition="Attendance recorded at trainings held (a person at two trainings counts twice).",
        unit="people",
        provider="education",
        compute=_sum_events(lambda row: row["attendance_count"]),
        counts_people=True,
        tags=("education",),
    )
)
register(
    Indicator(
        code="naloxone_kits_at_events",
        name="Naloxone kits handed out at trainings",
        definition="Naloxone kits the host handed out at trainings and education events of every kind; add to outreach "
        "naloxone distribution for the total (the two never count the same kit).",
        unit="kits",
        provider="education",
        compute=_sum_events(lambda row: row["naloxone_kits"], trainings_only=False),
        tags=("education", "naloxone"),
    )
)
register(
    Indicator(
        code="take_back_pounds",
        name="Take-back pounds collected",
        definition="Pounds of unused medication collected at drug take-back events organized by the "
        "organizations in scope.",
        unit="pounds",
        provider="education",
        compute=_take_back_pounds,
        tags=("education", "take-back"),
    )
)
