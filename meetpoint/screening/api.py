"""Screening: validated instruments as data files, the one scoring engine, and screenings of a participant.
Owns what a result means and which directory services it calls for.

The JSON API (/api/v1/screening/): score without storing (public), describe instruments (public), record and
read the organization's screenings (members), export a screening as FHIR R4 QuestionnaireResponse."""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import StrictInt

from meetpoint.accounts import audit
from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.bounds import MAX_PAGE
from meetpoint.screening import actions, queries
from meetpoint.screening.catalog import UnknownInstrument, all_instruments, get_instrument
from meetpoint.screening.fhir import questionnaire_response
from meetpoint.screening.scoring import AnswerError, score_with
from meetpoint.screening.services import Near, default_near, help_for

router = Router(tags=["screening"])
EDITORS = frozenset({"admin", "staff"})

ANSWERS_HELP = (
    "By item id ({'q1': 0, ...}) or as a list in the publisher's item order (null for a skipped item). A value "
    "is the 0-based position of the chosen option, true/false for yes/no items, a whole number for count items, "
    "or a list of positions for select-all items."
)


class ScreeningErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class ScoreIn(Schema):
    instrument: str = Field(
        ..., description="e.g. audit-c, taps, phq-9, ahc-hrsn (GET /instruments lists them)"
    )
    answers: dict[str, Any] | list[Any] = Field(..., description=ANSWERS_HELP)
    sex: str | None = Field(
        None, description="'female' or 'male', where published cut-offs or questions differ"
    )
    age: StrictInt | None = Field(
        None, description="Age in years (checked against the instrument's age group)"
    )


class FlagOut(Schema):
    code: str
    message: str
    urgent: bool


class RecommendationOut(Schema):
    text: str
    taxonomy_codes: list[str]
    urgent: bool
    reason: str


class DomainOut(Schema):
    title: str
    label: str
    positive: bool
    risk_level: str
    score: int | None


class ScoreOut(Schema):
    instrument: str
    version: str
    title: str
    total: int | None
    max_total: int | None
    positive: bool
    risk_level: str
    risk_label: str
    flags: list[FlagOut]
    domains: dict[str, DomainOut]
    recommendations: list[RecommendationOut]
    taxonomy_codes: list[str]
    answers: dict[str, Any]
    skipped: list[str]
    sex: str | None
    age: int | None


class InstrumentSummaryOut(Schema):
    name: str
    version: str
    title: str
    description: str
    age_group: dict
    requires: list[str]
    text_included: bool
    item_count: int


class OptionOut(Schema):
    text: str
    points: int | None = None
    exclusive: bool = False


class InstrumentItemOut(Schema):
    id: str
    type: str = Field(..., description="choice, yes_no, count or select_all")
    text: str | None = Field(None, description="absent where the publisher's text may not be shipped")
    text_by_sex: dict[str, str] | None = None
    label: str | None = None
    section: str | None = None
    options: list[OptionOut] | None = Field(
        None, description="in the publisher's order; answer with the position"
    )
    points: dict[str, int] | None = Field(None, description="yes/no points")
    reverse_scored: bool = False
    min: int | None = None
    max: int | None = None
    loinc: str | None = None
    ask_if: dict | None = Field(None, description="skip rule: the item is asked only when this holds")
    skip_policy: str | None = None
    skip_note: str | None = None


class RiskLevelOut(Schema):
    id: str
    label: str
    positive: bool
    action: str
    taxonomy_codes: list[str]
    urgent: bool = False


class InstrumentOut(Schema):
    name: str
    version: str
    title: str
    description: str
    age_group: dict
    requires: list[str]
    loinc: dict[str, str]
    citation: str
    source_url: str
    terms_of_use: str
    text_included: bool
    text_supplied_by: str | None = None
    unconfirmed: list[str]
    sections: list[dict]
    items: list[InstrumentItemOut]
    scoring: dict = Field(..., description="method (sum, checklist, domains) and its level rules")
    risk_levels: list[RiskLevelOut]
    flags: list[dict]
    always_recommend: list[dict]


class ScreeningIn(Schema):
    instrument: str
    answers: dict[str, Any] | list[Any] = Field(..., description=ANSWERS_HELP)
    participant_code: str = Field(..., description="The person's anonymous code; stored only as a keyed hash")
    sex: str | None = None
    age: StrictInt | None = None
    location_id: uuid.UUID | None = Field(
        None, description="One of your organization's sites or mobile units"
    )
    language: str = Field("", description="The person's preferred language (ISO 639, e.g. 'es')")


class ScreeningOut(Schema):
    id: uuid.UUID
    organization_id: uuid.UUID
    participant_id: uuid.UUID | None
    instrument: str
    instrument_version: str
    created: datetime
    total: int | None
    positive: bool
    risk_level: str
    language: str
    location_id: uuid.UUID | None
    result: ScoreOut


class ScreeningPageOut(Schema):
    total_items: int
    page_number: int
    size: int
    contents: list[ScreeningOut]


class CountOut(Schema):
    instrument: str
    risk_level: str
    label: str
    positive: bool
    count: int


class MatchingServiceOut(Schema):
    service_id: uuid.UUID
    name: str
    organization: str
    open_now: bool | None
    opens_later_today: str | None = Field(None, description="HH:MM when closed now but opening later today")
    distance_km: float | None
    accepts_referrals: bool
    refer_url: str


class HelpOut(Schema):
    recommendation: RecommendationOut
    services: list[MatchingServiceOut]
    error: str = ""


def _bad_answers(error: AnswerError) -> tuple[int, dict]:
    return 400, {"detail": error.message, "errors": [{"field": error.field, "message": error.message}]}


@router.post(
    "/score", response={200: ScoreOut, 400: ScreeningErrorOut}, summary="Score answers without storing them"
)
def score(request: HttpRequest, payload: ScoreIn):
    try:
        instrument = get_instrument(payload.instrument)
    except UnknownInstrument as unknown:
        return 400, {"detail": str(unknown), "errors": [{"field": "instrument", "message": str(unknown)}]}
    body = {"answers": payload.answers}
    if payload.sex is not None:
        body["sex"] = payload.sex
    if payload.age is not None:
        body["age"] = payload.age
    try:
        return 200, score_with(instrument, body)
    except AnswerError as error:
        return _bad_answers(error)


@router.get("/instruments", response=list[InstrumentSummaryOut], summary="The instruments Meetpoint scores")
def instruments(request: HttpRequest):
    return [
        {
            "name": instrument.name,
            "version": instrument.version,
            "title": instrument.title,
            "description": instrument.data["description"],
            "age_group": instrument.data["age_group"],
            "requires": instrument.requires,
            "text_included": bool(
                instrument.data["text_included"] or instrument.data.get("text_supplied_by")
            ),
            "item_count": len(instrument.items),
        }
        for instrument in all_instruments()
    ]


@router.get(
    "/instruments/{name}",
    response={200: InstrumentOut, 404: ScreeningErrorOut},
    summary="One instrument's data file",
)
def instrument(request: HttpRequest, name: str):
    try:
        return 200, get_instrument(name).describe()
    except UnknownInstrument as unknown:
        return 404, {"detail": str(unknown)}


def _screening_out(screening) -> dict:
    return {
        "id": screening.pk,
        "organization_id": screening.organization_id,
        "participant_id": screening.participant_id,
        "instrument": screening.instrument,
        "instrument_version": screening.instrument_version,
        "created": screening.created,
        "total": screening.total,
        "positive": screening.positive,
        "risk_level": screening.risk_level,
        "language": screening.language,
        "location_id": screening.location_id,
        "result": screening.result,
    }


def _forbidden(error: PermissionDenied):
    raise HttpError(403, str(error) or "Your role may not do this.")


@router.post(
    "/screenings",
    auth=member_auth,
    response={201: ScreeningOut, 400: ScreeningErrorOut},
    summary="Record a completed screening at your organization",
)
def record(request: HttpRequest, payload: ScreeningIn):
    require_role(request.auth, EDITORS)
    try:
        screening = actions.record_screening(
            request.auth,
            instrument=payload.instrument,
            answers=payload.answers,
            participant_code=payload.participant_code,
            sex=payload.sex,
            age=payload.age,
            location_id=payload.location_id,
            language=payload.language,
        )
    except actions.ScreeningError as error:
        first = next(iter(error.errors.values()))
        problems = [{"field": field, "message": message} for field, message in error.errors.items()]
        return 400, {"detail": first, "errors": problems}
    return 201, _screening_out(screening)


@router.get(
    "/screenings", auth=member_auth, response=ScreeningPageOut, summary="Your organization's screenings"
)
def list_screenings(
    request: HttpRequest,
    instrument: str | None = None,
    risk_level: str | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    size: int = Query(20, ge=1, le=100),
):
    try:
        screenings = queries.screenings_for(request.auth, instrument=instrument, risk_level=risk_level)
    except PermissionDenied as error:
        _forbidden(error)
    total = screenings.count()
    rows = [_screening_out(s) for s in screenings[(page - 1) * size : page * size]]
    audit.record_list(
        "screening.list",
        request=request,
        membership=request.auth,
        count=len(rows),
        filters={"instrument": instrument, "risk_level": risk_level, "page": page, "size": size},
    )
    return {"total_items": total, "page_number": page, "size": size, "contents": rows}


@router.get(
    "/screenings/counts",
    auth=member_auth,
    response=list[CountOut],
    summary="Counts of your organization's screenings by instrument and risk level (any role)",
)
def counts(request: HttpRequest):
    return queries.counts_by_instrument_and_level(request.auth)


def _own_screening(request: HttpRequest, screening_id: uuid.UUID):
    try:
        return queries.screening_for(request.auth, screening_id)
    except PermissionDenied as error:
        _forbidden(error)


@router.get("/screenings/{screening_id}", auth=member_auth, response=ScreeningOut, summary="One screening")
def screening_detail(request: HttpRequest, screening_id: uuid.UUID):
    screening = _own_screening(request, screening_id)
    audit.record("screening.view", request=request, membership=request.auth, obj=screening)
    return _screening_out(screening)


@router.get(
    "/screenings/{screening_id}/fhir",
    auth=member_auth,
    response=dict,
    summary="A screening as a FHIR R4 QuestionnaireResponse (with its Questionnaire contained)",
)
def screening_fhir(request: HttpRequest, screening_id: uuid.UUID):
    screening = _own_screening(request, screening_id)
    audit.record(
        "screening.export", request=request, membership=request.auth, obj=screening, detail={"format": "fhir"}
    )
    return questionnaire_response(screening)


@router.get(
    "/screenings/{screening_id}/services",
    auth=member_auth,
    response=list[HelpOut],
    summary="Directory services that the screening's result calls for, near the screening site",
)
def screening_services(
    request: HttpRequest,
    screening_id: uuid.UUID,
    lat: float | None = None,
    lon: float | None = None,
    radius_km: float | None = Query(None, gt=0),
    language: str | None = None,
    open_now: bool = False,
):
    screening = _own_screening(request, screening_id)
    audit.record(
        "screening.view", request=request, membership=request.auth, obj=screening, detail={"for": "services"}
    )
    near: Near = default_near(screening, request.auth)
    if (lat is None) != (lon is None):
        raise HttpError(400, "Give both lat and lon.")
    if lat is not None:
        near.latitude, near.longitude = lat, lon
    if radius_km is not None:
        near.radius_km = radius_km
    if language is not None:
        near.language = language
    near.open_now = open_now
    groups = help_for(screening.result, near, request.auth)
    return [
        {
            "recommendation": group.recommendation,
            "error": group.error,
            "services": [
                {
                    "service_id": hit.service.pk,
                    "name": hit.service.name,
                    "organization": hit.service.organization.name,
                    "open_now": hit.open_now,
                    "opens_later_today": hit.opens_later_today.strftime("%H:%M")
                    if hit.opens_later_today
                    else None,
                    "distance_km": hit.distance_km,
                    "accepts_referrals": hit.service.accepts_referrals,
                    "refer_url": f"/referrals/new/?service={hit.service.pk}&screening={screening.pk}",
                }
                for hit in group.hits
            ],
        }
        for group in groups
    ]
