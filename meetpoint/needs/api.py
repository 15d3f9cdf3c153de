"""Community needs API: imported areas beside reach, and the ranked "where to go next" list (members)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts.api_auth import member_auth
from meetpoint.errors import ActionError
from meetpoint.needs import queries

router = Router(tags=["needs"])


class CellOut(Schema):
    shown: str  # the count, "<11" for 1-10, "*" for a figure hidden because it would give one back
    count: float | None
    per_1000: float | None
    suppressed: bool


class AreaOut(Schema):
    code: str
    level: str
    name: str
    population: int | None
    measures: dict[str, float | None]
    reach: dict[str, CellOut]
    overdoses: CellOut


class RankedOut(Schema):
    rank: int
    code: str
    name: str
    score: float
    parts: dict[str, dict[str, float]]
    reasons: list[str]


class FieldProblemOut(Schema):
    field: str
    message: str


class PeriodRefusalOut(Schema):
    detail: str
    errors: list[FieldProblemOut] = []
    allowed: list[str] = []


def _period(request: HttpRequest, period: str | None):
    """The fixed, ended period asked for. A day range (start/end) or any other period is refused, with the
    periods that are allowed."""
    if request.GET.get("start") or request.GET.get("end"):
        raise ActionError(
            "period",
            "needs figures come by calendar month, quarter or year only, not by a range of days",
            extra={"allowed": ALLOWED},
        )
    try:
        return queries.requested_period(period)
    except ValueError as problem:
        raise ActionError("period", str(problem), extra={"allowed": ALLOWED}) from None


ALLOWED = ["YYYY-MM (a month)", "YYYY-Qn (a quarter)", "YYYY (a year)", "that has ended"]


# The forms of ALLOWED, stated in the schema (empty: the default period); whether the period has ended is
# checked by the view, which also answers any other form itself, with ALLOWED.
class PeriodQuery(Schema):
    period: str | None = Field(
        None,
        description="A calendar month (2026-09), quarter (2026-Q3) or year (2026) that has ended; "
        "default: the last quarter.",
        json_schema_extra={"pattern": "^([1-9][0-9]{3}(-(0[1-9]|1[0-2])|-[Qq][1-4])?)?$"},
    )


@router.get("/areas", response={200: list[AreaOut], 400: PeriodRefusalOut}, auth=member_auth)
def areas(request: HttpRequest, query: Query[PeriodQuery]):
    """The organization's areas beside reach, for one fixed period that has ended (default: the last
    quarter). Counts of 1-10 are "<11" and figures that would give one back "*", for every role."""
    rows, _found = queries.area_rows(_period(request, query.period), request.auth)
    return [
        AreaOut(
            code=row.area.code,
            level=row.area.level,
            name=row.area.name,
            population=row.area.population,
            measures=row.area.measures,
            reach=row.reach,
            overdoses=row.overdoses,
        )
        for row in rows
    ]


@router.get("/ranking", response={200: list[RankedOut], 400: PeriodRefusalOut}, auth=member_auth)
def ranking(request: HttpRequest, query: Query[PeriodQuery], purpose: str = "mobile"):
    """The organization's areas ranked for the next mobile-unit stops (purpose=mobile) or trainings
    (purpose=training), for one fixed period that has ended."""
    if purpose not in queries.PURPOSES:
        raise HttpError(400, "purpose must be 'mobile' or 'training'.")
    ranked, found = queries.ranked_areas(_period(request, query.period), request.auth, purpose)
    result = []
    for item in ranked:
        hidden = queries.hidden_parts(item, found, purpose)
        parts = {name: {k: float(v) for k, v in part.items()} for name, part in item.parts.items()}
        for name in hidden & set(parts):
            parts[name].pop("value", None)  # the rate would give a hidden count back
        result.append(
            RankedOut(
                rank=item.rank,
                code=item.facts.code,
                name=item.facts.name,
                score=item.score,
                parts=parts,
                reasons=queries.explain(item, purpose, hidden),
            )
        )
    return result
