"""Reports of one organization (or one of its sites or mobile units) over a date range, from the indicator
registry: the summary sentence, trend series, breakdowns by site and by item, and the previous period.

An organization's own report is not suppressed: these are its own numbers. Anything that crosses an
organization boundary goes through releases.py instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from meetpoint import indicators as indicator_registry
from meetpoint.directory.models import Location
from meetpoint.outcomes.places import uuids


class ReportError(ValueError):
    """Bad report input: says what is wrong."""


# A provider tags an indicator "by_service" when its compute() honours Scope.service_ids (it can tell which
# program, a directory Service, a record belongs to). A program's report shows only those; the others would be
# the whole organization's numbers under a program's name, so they are listed as hidden instead.
BY_SERVICE = "by_service"


# The founding brief's figures, in the order a program reports them: they open the summary sentence and the
# tables. Each says itself in the singular and the plural, in the reader's language.
KEY_FIGURES = {
    "naloxone_kits_distributed": ngettext_lazy(
        "%(shown)s naloxone kit distributed", "%(shown)s naloxone kits distributed", "count"
    ),
    "naloxone_doses_distributed": ngettext_lazy(
        "%(shown)s naloxone dose distributed", "%(shown)s naloxone doses distributed", "count"
    ),
    "syringes_distributed": ngettext_lazy(
        "%(shown)s sterile syringe distributed", "%(shown)s sterile syringes distributed", "count"
    ),
    "syringes_collected": ngettext_lazy(
        "%(shown)s used syringe collected", "%(shown)s used syringes collected", "count"
    ),
    "test_strips_distributed": ngettext_lazy(
        "%(shown)s drug checking test strip distributed",
        "%(shown)s drug checking test strips distributed",
        "count",
    ),
    "outreach_encounters": ngettext_lazy(
        "%(shown)s outreach encounter", "%(shown)s outreach encounters", "count"
    ),
    "outreach_unique_participants": ngettext_lazy(
        "%(shown)s person reached", "%(shown)s people reached", "count"
    ),
    "referrals_completed": ngettext_lazy(
        "%(shown)s referral completed", "%(shown)s referrals completed", "count"
    ),
}

# What a report shows unless it is asked for more (`codes`, or every registered indicator with "all"): the key
# figures, then the program's other outcomes. Only these are computed, so a report reads a few roll-ups; the
# screening instruments' levels and the stock ledger are there on request.
STANDARD = (
    *KEY_FIGURES,
    "syringe_exchange_ratio",
    "reversals_reported",
    "overdoses_reported_nonfatal",
    "overdoses_reported_fatal",
    "outreach_referrals_made",
    "hiv_tests",
    "hiv_positives",
    "hiv_linked_to_care",
    "hcv_tests",
    "hcv_positives",
    "hcv_linked_to_care",
    "sti_tests",
    "sti_positives",
    "sti_linked_to_care",
    "referrals_sent",
    "referrals_accepted",
    "referral_loop_closure_rate",
    "people_screened",
    "trainings_held",
    "people_trained",
    "naloxone_kits_at_events",
    "take_back_pounds",
)


def report_order(codes) -> list[str]:
    """Key figures first in their order, then the standard ones in theirs, then any other by code."""
    rank = {code: i for i, code in enumerate(STANDARD)}
    return sorted(dict.fromkeys(codes), key=lambda code: (rank.get(code, len(rank)), code))


def report_codes(asked: str | None) -> list[str] | None:
    """The `indicators` query parameter: None (the standard report), "all", or codes separated by commas (each
    must be registered, else a ReportError naming the unknown ones)."""
    if not asked:
        return None
    if asked.strip() == "all":
        return ["all"]
    codes = [code.strip() for code in asked.split(",") if code.strip()]
    unknown = [code for code in codes if code not in indicator_registry.registry]
    if unknown:
        raise ReportError(_("Unknown indicator(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


def whole(value):
    """A count as an int (roll-ups sum in floating point: 13.0 is 13); anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def honours_sites(indicator) -> bool:
    if indicator.numerator:
        registry = indicator_registry.registry
        return all(
            code in registry and honours_sites(registry[code])
            for code in (indicator.numerator, indicator.denominator)
        )
    return indicator.by_site


def honours_services(indicator) -> bool:
    if indicator.numerator:
        registry = indicator_registry.registry
        return all(
            code in registry and honours_services(registry[code])
            for code in (indicator.numerator, indicator.denominator)
        )
    return BY_SERVICE in indicator.tags


def max_report_days() -> int:
    return int(getattr(settings, "MEETPOINT_REPORT_MAX_DAYS", 366))


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    provider: str
    counts_people: bool
    value: float
    previous: float
    by_site: dict[str, float] = field(default_factory=dict)
    trend: list[tuple[str, float]] = field(default_factory=list)
    splits_by_site: bool = True  # False: the indicator cannot tell sites apart (no breakdown by site)

    @property
    def change(self) -> float | None:
        if not self.previous:
            return None
        return round((self.value - self.previous) / self.previous * 100, 1)


@dataclass
class Report:
    organization: object
    site: object | None
    start: date
    end: date
    trend_grain: str
    rows: list[IndicatorRow]
    sites: dict[str, str]  # site id -> name
    service: object | None = None  # a program's report (directory Service)
    hidden: list[str] = field(default_factory=list)  # names of indicators that cannot be split by program
    not_by_site: list[str] = field(default_factory=list)  # names of indicators that cannot be split by site

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def active_rows(self) -> list[IndicatorRow]:
        """Indicators with activity in this period or the previous one."""
        return [row for row in self.rows if row.value or row.previous]

    @property
    def idle_rows(self) -> list[IndicatorRow]:
        return [row for row in self.rows if not (row.value or row.previous)]

    def chart_rows(self, limit: int = 12) -> list[IndicatorRow]:
        """The indicators worth a trend chart: counts with activity in this period, largest first."""
        counted = [row for row in self.rows if row.value and row.unit != "ratio"]
        return counted[:limit]

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def previous_end(self) -> date:
        return self.start - timedelta(days=1)

    @property
    def subject(self) -> str:
        parts = [self.organization.name]
        if self.service is not None:
            parts.append(self.service.name)
        if self.site is not None:
            parts.append(self.site.name)
        return " — ".join(parts)

    @property
    def key_rows(self) -> list[IndicatorRow]:
        """The key figures with activity, in the order a program reports them."""
        return [row for row in self.rows if row.code in KEY_FIGURES and row.value]

    @property
    def summary(self) -> str:
        """Reads like the founding brief: 'In 180 days of service, Riverside Harm Reduction recorded 1,412
        naloxone kits distributed and 40,978 sterile syringes distributed.' Only the key figures, in order."""
        parts = [
            KEY_FIGURES[row.code] % {"count": row.value, "shown": format_value(row.value)}
            for row in self.key_rows
        ]
        where = self.organization.name
        if self.service is not None:
            where = _("%(organization)s (%(program)s)") % {
                "organization": where,
                "program": self.service.name,
            }
        if self.site is not None:
            where = _("%(organization)s at %(site)s") % {"organization": where, "site": self.site.name}
        opening = ngettext("In %(days)s day of service", "In %(days)s days of service", self.days) % {
            "days": format_value(self.days)
        }
        if not parts:
            others = [row for row in self.rows if row.value and row.unit != "ratio"]
            if not others:
                return _("%(opening)s, %(who)s recorded no activity.") % {"opening": opening, "who": where}
            parts = [f"{row.name}: {format_value(row.value)}" for row in others[:4]]
            return _("%(opening)s, %(who)s recorded: %(items)s.") % {
                "opening": opening,
                "who": where,
                "items": "; ".join(parts),
            }
        listed = (
            parts[0]
            if len(parts) == 1
            else _("%(items)s and %(last)s")
            % {
                "items": ", ".join(parts[:-1]),
                "last": parts[-1],
            }
        )
        return _("%(opening)s, %(who)s recorded %(items)s.") % {
            "opening": opening,
            "who": where,
            "items": listed,
        }

    def as_dict(self) -> dict:
        return {
            "organization": {"id": str(self.organization.pk), "name": self.organization.name},
            "site": {"id": str(self.site.pk), "name": self.site.name} if self.site else None,
            "service": {"id": str(self.service.pk), "name": self.service.name} if self.service else None,
            "not_split_by_service": self.hidden,
            "not_split_by_site": self.not_by_site,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "previous_period": {
                "start": self.previous_start.isoformat(),
                "end": self.previous_end.isoformat(),
            },
            "summary": self.summary,
            "trend_grain": self.trend_grain,
            "indicators": [
                {
                    "code": row.code,
                    "name": row.name,
                    "unit": row.unit,
                    "provider": row.provider,
                    "counts_people": row.counts_people,
                    "splits_by_site": row.splits_by_site,
                    "value": row.value,
                    "previous": row.previous,
                    "change_percent": row.change,
                    "by_site": [
                        {"site_id": site, "site": self.sites.get(site, site), "value": value}
                        for site, value in row.by_site.items()
                    ],
                    "trend": [{"period": label, "value": value} for label, value in row.trend],
                }
                for row in self.rows
            ],
        }


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def format_value(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(value, 2), decimal_pos=2, force_grouping=True)


def validate_range(start: date, end: date) -> None:
    if end < start:
        raise ReportError(f"The end date {end.isoformat()} is before the start date {start.isoformat()}.")
    days = (end - start).days + 1
    if days > max_report_days():
        raise ReportError(f"The range has {days} days; reports cover at most {max_report_days()} days.")


def bucket(value, grain: str) -> str:
    """A trend bucket label from whatever an indicator returns for 'week' or 'month' (date, datetime or an
    ISO string): weeks are labelled by their Monday, months as YYYY-MM."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value if len(value) > 7 else value + "-01")
        except ValueError:
            return value
    if isinstance(value, date):
        if grain == "month":
            return f"{value:%Y-%m}"
        return (value - timedelta(days=value.weekday())).isoformat()
    return str(value)


def buckets_between(start: date, end: date, grain: str) -> list[str]:
    labels, day = [], start
    while day <= end:
        label = bucket(day, grain)
        if label not in labels:
            labels.append(label)
        day += timedelta(days=1 if grain == "month" else 7 - day.weekday())
    return labels


def is_additive(indicator) -> bool:
    """Counts of events, supplies and visits add up over weeks and sites; counts of distinct people do not (a
    person seen in two weeks is one person in the period: the provider says so with `additive=False`), and
    neither do ratios."""
    return indicator.additive and not indicator.numerator


def build_report(
    organization,
    start: date,
    end: date,
    *,
    site=None,
    service=None,
    codes: list[str] | None = None,
    trend_grain: str | None = None,
) -> Report:
    """`service`: a program's report — only indicators that honour Scope.service_ids (tag "by_service");
    the names of the others are listed in Report.hidden rather than shown unfiltered."""
    validate_range(start, end)
    registry = indicator_registry.registry
    if codes == ["all"] or codes == "all":
        codes = list(registry)
    chosen = [registry[c] for c in report_order(codes or STANDARD) if c in registry]
    hidden, not_by_site = [], []
    if site is not None:
        not_by_site = [str(indicator.name) for indicator in chosen if not honours_sites(indicator)]
        chosen = [indicator for indicator in chosen if honours_sites(indicator)]
    if service is not None:
        hidden = [str(indicator.name) for indicator in chosen if not honours_services(indicator)]
        chosen = [indicator for indicator in chosen if honours_services(indicator)]
    service_ids = (service.pk,) if service is not None else None
    days = (end - start).days + 1
    grain = trend_grain or ("week" if days <= 92 else "month")
    if grain not in ("week", "month"):
        raise ReportError("The trend grain must be 'week' or 'month'.")
    site_ids = (site.pk,) if site is not None else None
    scope = indicator_registry.Scope((organization.pk,), start, end, site_ids, service_ids)
    previous = indicator_registry.Scope(
        (organization.pk,), start - timedelta(days=days), start - timedelta(days=1), site_ids, service_ids
    )
    labels = buckets_between(start, end, grain)
    rows, seen_sites = [], set()
    for indicator in chosen:
        before = indicator.value(previous, ()).get((), 0)
        trend = dict.fromkeys(labels, 0)
        by_site: dict[str, float] = {}
        if is_additive(indicator):
            # One query gives the trend, the sites and (their sum) the total of a count that adds up.
            value = 0
            for (when, where), amount in indicator.value(scope, (grain, "site")).items():
                label = bucket(when, grain)
                trend[label] = trend.get(label, 0) + amount
                by_site[str(where)] = by_site.get(str(where), 0) + amount
                seen_sites.add(where)
                value += amount
        else:
            value = indicator.value(scope, ()).get((), 0)
            for key, amount in indicator.value(scope, (grain,)).items():
                label = bucket(key[0], grain)
                trend[label] = trend.get(label, 0) + amount
            for key, amount in indicator.value(scope, ("site",)).items() if honours_sites(indicator) else ():
                by_site[str(key[0])] = amount
                seen_sites.add(key[0])
        splits = honours_sites(indicator)
        rows.append(
            IndicatorRow(
                code=indicator.code,
                name=str(indicator.name),
                unit=indicator.unit,
                provider=indicator.provider,
                counts_people=indicator.counts_people,
                value=whole(value),
                previous=whole(before),
                by_site={site: whole(v) for site, v in sorted(by_site.items())} if splits else {},
                trend=[(label, whole(v)) for label, v in sorted(trend.items())],
                splits_by_site=splits,
            )
        )
    names = {
        str(location.pk): location.name or str(location.pk)
        for location in Location.objects.filter(pk__in=uuids(seen_sites))
    }
    return Report(
        organization,
        site,
        start,
        end,
        grain,
        rows,
        names,
        service=service,
        hidden=hidden,
        not_by_site=not_by_site,
    )
