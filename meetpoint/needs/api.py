"""Community needs API: imported areas beside reach, and the ranked "where to go next" list (members)."""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts.api_auth import member_auth
from meetpoint.needs import queries

router = Router(tags=["needs"])


class CellOut(Schema):
    shown: str
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


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    default_start, default_end = queries.default_period()
    start, end = start or default_start, end or default_end
    if end < start:
        raise HttpError(400, "end must be on or after start.")
    return start, end


@router.get("/areas", response=list[AreaOut], auth=member_auth)
def areas(request: HttpRequest, start: date | None = None, end: date | None = None):
    rows, _table = queries.area_rows(*_period(start, end))
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


@router.get("/ranking", response=list[RankedOut], auth=member_auth)
def ranking(
    request: HttpRequest, purpose: str = "mobile", start: date | None = None, end: date | None = None
):
    """Areas ranked for the next mobile-unit stops (purpose=mobile) or trainings (purpose=training)."""
    if purpose not in queries.PURPOSES:
        raise HttpError(400, "purpose must be 'mobile' or 'training'.")
    ranked, _table = queries.ranked_areas(*_period(start, end), purpose)
    result = []
    for item in ranked:
        parts = {name: {k: float(v) for k, v in part.items()} for name, part in item.parts.items()}
        if "overdoses" in parts and queries.is_small(item.facts.overdoses):
            parts["overdoses"].pop("value", None)  # the rate would reveal a count of 1-10
        result.append(
            RankedOut(
                rank=item.rank,
                code=item.facts.code,
                name=item.facts.name,
                score=item.score,
                parts=parts,
                reasons=queries.explain(item, purpose),
            )
        )
    return result
