"""Outcomes API under /api/v1/outcomes/: indicator catalog, reports, agreements, packages inbox, open data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from meetpoint import indicators as indicator_registry
from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.accounts.models import Organization
from meetpoint.outcomes import actions, exports, queries
from meetpoint.outcomes.reports import ReportError, build_report, report_codes

router = Router(tags=["outcomes"])
ADMIN = frozenset({"admin"})


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    provider: str
    counts_people: bool
    numerator: str | None = None
    denominator: str | None = None


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalog (public)")
def list_indicators(request: HttpRequest):
    return [
        IndicatorOut(
            code=i.code,
            name=str(i.name),
            definition=str(i.definition),
            unit=i.unit,
            provider=i.provider,
            counts_people=i.counts_people,
            numerator=i.numerator,
            denominator=i.denominator,
        )
        for i in sorted(indicator_registry.registry.values(), key=lambda i: i.code)
    ]


class TrendPoint(Schema):
    period: str
    value: int | float


class SiteValue(Schema):
    site_id: str
    site: str
    value: int | float


class ReportIndicator(Schema):
    code: str
    name: str
    unit: str
    provider: str
    counts_people: bool
    splits_by_site: bool = True
    value: int | float
    previous: int | float
    change_percent: float | None
    by_site: list[SiteValue]
    trend: list[TrendPoint]


class NamedRef(Schema):
    id: str
    name: str


class PeriodOut(Schema):
    start: date
    end: date


class ReportOut(Schema):
    organization: NamedRef
    site: NamedRef | None
    service: NamedRef | None = None
    not_split_by_service: list[str] = []
    not_split_by_site: list[str] = []
    start: date
    end: date
    days: int
    previous_period: PeriodOut
    summary: str
    trend_grain: str
    indicators: list[ReportIndicator]


@router.get("/report", response=ReportOut, auth=member_auth, summary="A report of your organization")
def report(
    request: HttpRequest,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    org: str | None = None,
    site: str | None = None,
    service: str | None = None,
    grain: Literal["week", "month"] | None = None,
    indicators: str | None = None,
):
    """`indicators`: codes separated by commas, or "all"; by default the standard report (key figures first)."""
    membership = request.auth
    organization = queries.report_organization(membership, org)
    location = queries.report_site(membership, site)
    program = queries.report_service(membership, service)
    try:
        built = build_report(
            organization,
            start,
            end,
            site=location,
            service=program,
            trend_grain=grain,
            codes=report_codes(indicators),
        )
    except ReportError as problem:
        raise HttpError(400, str(problem)) from problem
    exports.log_report_export(built, "json", via="api", request=request, membership=membership)
    return built.as_dict()


class AgreementIn(Schema):
    recipient: str = Field(..., description="The recipient organization's slug or id")
    indicators: list[str] = Field(..., min_length=1)
    valid_from: date
    valid_until: date | None = None
    time_grain: Literal["month", "quarter", "year"] = "month"
    place_grain: Literal["county", "zip3", "service_area"] = "county"
    threshold: int = Field(11, ge=2, le=1000)
    protect_supplies: bool = True
    purpose: str = Field("", max_length=500)


class AgreementOut(Schema):
    id: str
    sharer: NamedRef
    recipient: NamedRef
    indicators: list[str]
    time_grain: str
    place_grain: str
    threshold: int
    protect_supplies: bool
    valid_from: date
    valid_until: date | None
    state: str
    in_force: bool


def _agreement_out(agreement) -> AgreementOut:
    return AgreementOut(
        id=str(agreement.pk),
        sharer=NamedRef(id=str(agreement.sharer.pk), name=agreement.sharer.name),
        recipient=NamedRef(id=str(agreement.recipient.pk), name=agreement.recipient.name),
        indicators=list(agreement.indicators),
        time_grain=agreement.time_grain,
        place_grain=agreement.place_grain,
        threshold=agreement.threshold,
        protect_supplies=agreement.protect_supplies,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        state=agreement.state,
        in_force=agreement.in_force(),
    )


def _raise(problem: actions.OutcomesError):
    raise HttpError(problem.status, str(problem)) from problem


@router.get(
    "/agreements", response=list[AgreementOut], auth=member_auth, summary="Your organization's agreements"
)
def list_agreements(request: HttpRequest):
    return [_agreement_out(a) for a in queries.agreements_for(request.auth)]


@router.post("/agreements", response={201: AgreementOut}, auth=member_auth, summary="Propose an agreement")
def propose(request: HttpRequest, payload: AgreementIn):
    membership = request.auth
    require_role(membership, ADMIN)
    recipient = Organization.objects.filter(slug=payload.recipient).first()
    if recipient is None:
        try:
            recipient = Organization.objects.filter(pk=payload.recipient).first()
        except Exception:  # not a UUID
            recipient = None
    if recipient is None:
        raise HttpError(400, f"recipient: no organization {payload.recipient!r}.")
    data = actions.AgreementInput(recipient=recipient, **payload.dict(exclude={"recipient"}))
    try:
        return 201, _agreement_out(actions.propose_agreement(membership, data))
    except actions.OutcomesError as problem:
        _raise(problem)


@router.get("/agreements/{agreement_id}", response=AgreementOut, auth=member_auth)
def get_agreement(request: HttpRequest, agreement_id: str):
    return _agreement_out(queries.agreement_for(request.auth, agreement_id))


@router.post("/agreements/{agreement_id}/{verb}", response=AgreementOut, auth=member_auth)
def act_on_agreement(request: HttpRequest, agreement_id: str, verb: Literal["accept", "end"]):
    # Another organization's agreement is a 404 for every role, before the role is checked.
    agreement = queries.agreement_for(request.auth, agreement_id)
    require_role(request.auth, ADMIN)
    action = actions.accept_agreement if verb == "accept" else actions.end_agreement
    try:
        return _agreement_out(action(request.auth, agreement))
    except actions.OutcomesError as problem:
        _raise(problem)


class PackageSummary(Schema):
    id: str
    sharer: NamedRef
    recipient: NamedRef
    period_label: str
    period_start: date
    period_end: date
    checksum: str = Field(..., description="SHA-256 of the canonical JSON of contents")
    standing: str = Field(
        "delivered", description="delivered, corrected (replaces an earlier package), superseded or withdrawn"
    )
    corrects: str | None = Field(None, description="id of the package this one corrects")
    corrected_by: str | None = Field(None, description="id of the package that corrects this one")
    reason: str = Field("", description="why it was corrected or withdrawn")


class PackageOut(PackageSummary):
    contents: dict[str, Any]


def _package_summary(package) -> dict:
    agreement = package.agreement
    return {
        "id": str(package.pk),
        "sharer": {"id": str(agreement.sharer_id), "name": agreement.sharer.name},
        "recipient": {"id": str(agreement.recipient_id), "name": agreement.recipient.name},
        "period_label": package.period_label,
        "period_start": package.period_start,
        "period_end": package.period_end,
        "checksum": package.checksum,
        "standing": package.standing,
        "corrects": str(package.corrects_id) if package.corrects_id else None,
        "corrected_by": str(package.corrected_by.pk) if package.superseded_at else None,
        "reason": package.withdrawal_reason or package.correction_reason,
    }


@router.get("/packages", response=list[PackageSummary], auth=member_auth, summary="Packages received (inbox)")
def list_packages(request: HttpRequest):
    return [
        _package_summary(p) for p in queries.inbox(request.auth).select_related("agreement__recipient")[:500]
    ]


@router.get("/packages/{package_id}", response=PackageOut, auth=member_auth)
def get_package(request: HttpRequest, package_id: str):
    package = queries.package_for(request.auth, package_id)
    exports.log_package_export(package, "json", via="api", request=request, membership=request.auth)
    return {**_package_summary(package), "contents": package.contents}


class ReasonIn(Schema):
    reason: str = Field(..., description="why the package is corrected or withdrawn (the recipient reads it)")


@router.post("/packages/{package_id}/{verb}", response=PackageOut, auth=member_auth)
def act_on_package(
    request: HttpRequest, package_id: str, verb: Literal["correct", "withdraw"], payload: ReasonIn
):
    """The sender's admin corrects a delivered package (a new one replaces it; both are kept) or withdraws it."""
    require_role(request.auth, ADMIN)
    package = queries.package_for(request.auth, package_id)
    action = actions.correct_package if verb == "correct" else actions.withdraw_package
    try:
        result = action(request.auth, package, payload.reason)
    except actions.OutcomesError as problem:
        _raise(problem)
    return {**_package_summary(result), "contents": result.contents}


class DatasetOut(Schema):
    organization: str
    slug: str
    title: str
    indicators: list[str]
    time_grain: str
    place_grain: str
    url: str
    releases: list[dict[str, Any]]


@router.get("/open-datasets", response=list[DatasetOut], summary="Open datasets (public)")
def list_open_datasets(request: HttpRequest):
    return [_dataset_out(d) for d in queries.open_datasets()]


@router.get("/open-datasets/{org_slug}/{slug}", response=DatasetOut, summary="One open dataset (public)")
def get_open_dataset(request: HttpRequest, org_slug: str, slug: str):
    try:
        return _dataset_out(queries.open_dataset(org_slug, slug), with_releases=True)
    except Http404 as missing:
        raise HttpError(404, "No such open dataset.") from missing


def _dataset_out(dataset, with_releases: bool = False) -> dict:
    return {
        "organization": dataset.organization.slug,
        "slug": dataset.slug,
        "title": dataset.title,
        "indicators": list(dataset.indicators),
        "time_grain": dataset.time_grain,
        "place_grain": dataset.place_grain,
        "url": f"/outcomes/open/{dataset.organization.slug}/{dataset.slug}/",
        "releases": (
            [
                {"checksum": r.checksum, **r.contents}
                for r in dataset.releases.filter(
                    superseded_at__isnull=True, withdrawn_at__isnull=True
                ).order_by("period_start")
            ]
            if with_releases
            else []
        ),
    }
