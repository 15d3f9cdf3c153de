"""Outreach indicators for the outcomes registry. Every indicator groups by day, week, month, site,
organization and area.

Group values: day "YYYY-MM-DD"; week: the Monday "YYYY-MM-DD"; month "YYYY-MM"; site and organization: the id
as text ("" for street outreach without a site); area: the ZIP3 of the participant when known, else the ZIP3 of
the site's first address ("" when neither is known). Overdose reports have no participant: their area is the
site's ZIP3.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from meetpoint.directory.models import Address
from meetpoint.indicators import Indicator, Scope, register
from meetpoint.outreach.models import DailyEncounterTotal, DailySupplyTotal, EncounterSupply
from meetpoint.outreach.summary import encounters_in, overdoses_in

TESTS = {"hiv": "HIV", "hcv": "HCV", "sti": "STI"}


def _site_zip3(location_ids) -> dict:
    zips: dict = {}
    for location_id, postal in Address.objects.filter(location_id__in=location_ids).values_list(
        "location_id", "postal_code"
    ):
        zips.setdefault(location_id, (postal or "")[:3])
    return zips


def _rows(queryset, group_by: tuple, prefix: str, extra: tuple, with_participant: bool):
    """values_list of the group fields (+ extra fields), dates truncated in the local time zone."""
    zone = timezone.get_current_timezone()
    when = f"{prefix}occurred_at"
    truncs = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}
    annotations = {f"g_{name}": truncs[name](when, tzinfo=zone) for name in group_by if name in truncs}
    fields = []
    for name in group_by:
        if name in truncs:
            fields.append(f"g_{name}")
        elif name == "site":
            fields.append(f"{prefix}location_id")
        elif name == "organization":
            fields.append(f"{prefix}organization_id")
    if "area" in group_by:
        if not with_participant:
            annotations["g_no_zip"] = Value("")
        fields += [f"{prefix}location_id", f"{prefix}participant__zip3" if with_participant else "g_no_zip"]
    return queryset.annotate(**annotations).values_list(*fields, *extra), fields


def _key(row, group_by: tuple, zips: dict) -> tuple:
    values = list(row)
    key = []
    index = 0
    for name in group_by:
        if name == "area":
            continue
        value = values[index]
        index += 1
        if name in ("day", "week") and value is not None:
            value = value.isoformat()[:10]
        elif name == "month" and value is not None:
            value = value.isoformat()[:7]
        elif name in ("site", "organization"):
            value = str(value) if value is not None else ""
        key.append(value)
    if "area" in group_by:
        location_id, participant_zip = values[index], values[index + 1]
        key.insert(group_by.index("area"), participant_zip or zips.get(location_id, ""))
    return tuple(key)


def _group(queryset, group_by, *, value=None, distinct=None, prefix: str = "", with_participant: bool = True):
    """{group key: sum of `value` (or count of rows, or count of distinct `distinct`)}.

    The database aggregates (GROUP BY the truncated dates, site, organization, and for the area the site and the
    participant's ZIP3); Python only folds those few groups into areas. Distinct people are counted from the
    distinct (group, person) pairs, so a person seen in two groups that fold into one area counts once.
    """
    group_by = tuple(group_by)
    zips = {}
    if "area" in group_by:
        location_ids = set(queryset.order_by().values_list(f"{prefix}location_id", flat=True).distinct())
        zips = _site_zip3(location_ids)
    if distinct:
        rows, fields = _rows(queryset.order_by(), group_by, prefix, (distinct,), with_participant)
        people: dict = defaultdict(set)
        for row in rows.distinct().iterator(chunk_size=5000):
            if row[-1] is not None:
                people[_key(row[: len(fields)], group_by, zips)].add(row[-1])
        return {key: float(len(found)) for key, found in people.items()}
    measure = Sum(value) if value else Count("pk")
    if not group_by:
        total = queryset.order_by().aggregate(g_measure=measure)["g_measure"]
        return {(): float(total or 0)} if total else {}
    rows, fields = _rows(queryset.order_by(), group_by, prefix, (), with_participant)
    totals: dict = defaultdict(float)
    for row in rows.annotate(g_measure=measure).order_by():
        totals[_key(row[: len(fields)], group_by, zips)] += float(row[-1] or 0)
    return dict(totals)


def _rolled_key(day, location_id, organization_id, group_by: tuple) -> tuple:
    key = []
    for name in group_by:
        if name == "day":
            key.append(day.isoformat())
        elif name == "week":
            key.append((day - timedelta(days=day.weekday())).isoformat())
        elif name == "month":
            key.append(day.isoformat()[:7])
        elif name == "site":
            key.append(str(location_id) if location_id is not None else "")
        else:
            key.append(str(organization_id))
    return tuple(key)


def _rolled(model, scope: Scope, group_by: tuple, measure: str, **filters) -> dict:
    """The same numbers as _group() over the raw rows, from the daily roll-ups (outreach/rollups.py): the
    database sums per day, site and organization; Python folds days into weeks and months. Zero groups are
    left out."""
    rows = model.objects.filter(
        organization_id__in=list(scope.organization_ids), day__gte=scope.start, day__lte=scope.end, **filters
    )
    if scope.site_ids:
        rows = rows.filter(location_id__in=list(scope.site_ids))
    fields = []
    if {"day", "week", "month"} & set(group_by):
        fields.append("day")
    if "site" in group_by:
        fields.append("location_id")
    if "organization" in group_by:
        fields.append("organization_id")
    totals: dict = defaultdict(float)
    if not fields:
        total = rows.order_by().aggregate(g_measure=Sum(measure))["g_measure"]
        return {(): float(total)} if total else {}
    for row in rows.order_by().values(*fields).annotate(g_measure=Sum(measure)):
        if row["g_measure"]:
            key = _rolled_key(row.get("day"), row.get("location_id"), row.get("organization_id"), group_by)
            totals[key] += float(row["g_measure"])
    return dict(totals)


def _from_rollups(group_by) -> bool:
    """The roll-ups know no participant, so a grouping by area (the participant's ZIP3) reads the raw rows.
    settings.MEETPOINT_OUTREACH_ROLLUPS = False reads the raw rows always (the benchmark compares the two)."""
    return "area" not in group_by and getattr(settings, "MEETPOINT_OUTREACH_ROLLUPS", True)


def _encounters(scope: Scope):
    return encounters_in(scope.organization_ids, scope.start, scope.end, scope.site_ids)


def _lines(scope: Scope, **filters):
    return EncounterSupply.objects.filter(encounter__in=_encounters(scope), **filters)


def _line_group(scope, group_by, **filters):
    if _from_rollups(group_by):
        return _rolled(DailySupplyTotal, scope, group_by, "quantity", **filters)
    return _group(_lines(scope, **filters), group_by, value="quantity", prefix="encounter__")


def _encounter_sum(scope, group_by, measure: str, field: str | None = None):
    """Encounters counted (field None) or a field summed, from the roll-ups when the grouping allows."""
    if _from_rollups(group_by):
        return _rolled(DailyEncounterTotal, scope, group_by, measure)
    return _group(_encounters(scope), group_by, value=field)


def count_encounters(scope, group_by):
    return _encounter_sum(scope, group_by, "encounters")


def unique_participants(scope, group_by):
    return _group(_encounters(scope).filter(participant__isnull=False), group_by, distinct="participant_id")


def naloxone_kits(scope, group_by):
    return _line_group(scope, group_by, supply_item__category="naloxone")


def syringes_distributed(scope, group_by):
    return _line_group(scope, group_by, supply_item__category="syringe")


def syringes_collected(scope, group_by):
    return _encounter_sum(scope, group_by, "syringes_collected", "syringes_collected")


def test_strips(scope, group_by):
    return _line_group(scope, group_by, supply_item__category="test_strip")


def reversals_reported(scope, group_by):
    return _encounter_sum(scope, group_by, "reversals_reported", "reversals_reported")


def referrals_made(scope, group_by):
    return _encounter_sum(scope, group_by, "referrals_made", "referrals_made")


def _overdoses(fatal: bool):
    def compute(scope, group_by):
        reports = overdoses_in(scope.organization_ids, scope.start, scope.end, scope.site_ids).filter(
            fatal=fatal
        )
        # Overdose reports name no participant: their area is the site's ZIP3 only.
        return _group(reports, group_by, with_participant=False)

    return compute


def _tests(kind: str, which: str):
    def compute(scope, group_by):
        if which == "tests":
            found = Q(**{f"{kind}_test__in": ("negative", "positive", "invalid")})
        elif which == "positive":
            found = Q(**{f"{kind}_test": "positive"})
        else:
            found = Q(**{f"{kind}_linked": True})
        if which != "linked" and _from_rollups(group_by):
            measure = f"{kind}_tests" if which == "tests" else f"{kind}_positives"
            return _rolled(DailyEncounterTotal, scope, group_by, measure)
        encounters = _encounters(scope).filter(found)
        if which == "linked":
            # People linked to care: each participant once; anonymous walk-ups count by encounter.
            named = _group(encounters.filter(participant__isnull=False), group_by, distinct="participant_id")
            anonymous = _group(encounters.filter(participant__isnull=True), group_by)
            return {key: named.get(key, 0) + anonymous.get(key, 0) for key in set(named) | set(anonymous)}
        return _group(encounters, group_by)

    return compute


def _register() -> None:
    common = {"provider": "outreach"}
    register(
        Indicator(
            "outreach_encounters",
            "Outreach encounters",
            "Contacts recorded by outreach staff, at sites, mobile unit stops, on the street, in emergency departments and at events (non-unique).",
            "encounters",
            compute=count_encounters,
            **common,
        )
    )
    register(
        Indicator(
            "outreach_unique_participants",
            "Unique outreach participants",
            "Distinct participants (by participant code) with at least one encounter; anonymous walk-ups are not counted.",
            "people",
            compute=unique_participants,
            counts_people=True,
            additive=False,
            **common,
        )
    )
    register(
        Indicator(
            "naloxone_kits_distributed",
            "Naloxone kits distributed",
            "Naloxone kits of every product (nasal 4 mg, 8 mg, 3 mg, intramuscular) handed out at encounters.",
            "kits",
            compute=naloxone_kits,
            **common,
        )
    )
    register(
        Indicator(
            "syringes_distributed",
            "Sterile syringes distributed",
            "Sterile syringes of every size handed out at encounters.",
            "syringes",
            compute=syringes_distributed,
            **common,
        )
    )
    register(
        Indicator(
            "syringes_collected",
            "Used syringes collected",
            "Used syringes returned, counted or estimated from container volume or weight.",
            "syringes",
            compute=syringes_collected,
            **common,
        )
    )
    register(
        Indicator(
            "syringe_exchange_ratio",
            "Syringe exchange ratio",
            "Used syringes collected per sterile syringe distributed (1.0 is one-for-one).",
            "ratio",
            numerator="syringes_collected",
            denominator="syringes_distributed",
            **common,
        )
    )
    register(
        Indicator(
            "test_strips_distributed",
            "Drug checking test strips distributed",
            "Fentanyl and xylazine test strips handed out.",
            "strips",
            compute=test_strips,
            **common,
        )
    )
    register(
        Indicator(
            "reversals_reported",
            "Naloxone reversals reported",
            "Overdose reversals with naloxone that participants report at encounters.",
            "reversals",
            compute=reversals_reported,
            counts_people=True,
            **common,
        )
    )
    register(
        Indicator(
            "outreach_referrals_made",
            "Referrals made at outreach",
            "Referrals staff made at encounters.",
            "referrals",
            compute=referrals_made,
            counts_people=True,
            **common,
        )
    )
    register(
        Indicator(
            "overdoses_reported_fatal",
            "Fatal overdoses reported",
            "Overdose reports marked fatal (coarse place, no identity).",
            "people",
            compute=_overdoses(True),
            counts_people=True,
            **common,
        )
    )
    register(
        Indicator(
            "overdoses_reported_nonfatal",
            "Non-fatal overdoses reported",
            "Overdose reports not marked fatal (coarse place, no identity).",
            "people",
            compute=_overdoses(False),
            counts_people=True,
            **common,
        )
    )
    for kind, label in TESTS.items():
        register(
            Indicator(
                f"{kind}_tests",
                f"{label} tests",
                f"{label} tests done at encounters with a result (negative, positive or invalid).",
                "tests",
                compute=_tests(kind, "tests"),
                counts_people=True,
                **common,
            )
        )
        register(
            Indicator(
                f"{kind}_positives",
                f"{label} positive tests",
                f"{label} tests at encounters with a positive or reactive result.",
                "tests",
                compute=_tests(kind, "positive"),
                counts_people=True,
                **common,
            )
        )
        register(
            Indicator(
                f"{kind}_linked_to_care",
                f"People linked to {label} care",
                f"Participants with a positive {label} test recorded as linked to care (each participant once; anonymous walk-ups by encounter).",
                "people",
                compute=_tests(kind, "linked"),
                counts_people=True,
                additive=False,
                **common,
            )
        )


_register()
