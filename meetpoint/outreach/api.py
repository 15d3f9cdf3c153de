"""Outreach JSON API: the offline sync (per-record answers, exactly once), single records, overdose reports
and the unit's summary. Mounted at /api/v1/outreach/."""

from datetime import date, datetime
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ValidationError

from meetpoint.accounts import audit
from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.maintenance.unavailable import RETRY_AFTER_SECONDS
from meetpoint.outreach import actions, queries
from meetpoint.outreach.records import EncounterIn, OverdoseIn
from meetpoint.outreach.summary import summarize

router = Router(tags=["outreach"])
MAX_BATCH = 500


class SyncIn(Schema):
    encounters: list[Any] = Field(
        description=f"Up to {MAX_BATCH} encounters, each shaped as EncounterIn (see POST /encounters). "
        "Each is checked on its own: a bad record does not stop the good ones."
    )


class SyncResult(Schema):
    index: int
    client_uuid: str | None
    status: str = Field(
        description="stored, already_stored, rejected, or not_stored (the database became unavailable: resend it)"
    )
    reason: str = ""


class SyncOut(Schema):
    stored: int
    already_stored: int
    rejected: int
    not_stored: int = Field(0, description="Records to resend: the database became unavailable before them.")
    results: list[SyncResult]


class RecordOut(Schema):
    client_uuid: str
    status: str
    occurred_at: datetime


class SummaryOut(Schema):
    organization: str
    start: date
    end: date
    site: str | None
    encounters: int
    unique_participants: int
    anonymous_encounters: int
    syringes_distributed: int
    syringes_collected: int
    syringes_collected_estimated: int
    syringe_exchange_ratio: float | None
    naloxone_kits: int
    naloxone_doses: int
    naloxone_first_kits: int
    naloxone_refills: int
    fentanyl_test_strips: int
    xylazine_test_strips: int
    wound_care_kits: int
    wound_care_services: int
    overdose_education: int
    vaccinations: int
    secondary_distribution_encounters: int
    secondary_distribution_people: int
    referrals_made: int
    reversals_reported: int
    tests: int
    positives: int
    linked_to_care: int
    hiv_tests: int
    hiv_positive: int
    hiv_linked_to_care: int
    hcv_tests: int
    hcv_positive: int
    hcv_linked_to_care: int
    sti_tests: int
    sti_positive: int
    sti_linked_to_care: int
    overdose_reports: int
    overdose_fatal: int
    items: dict[str, int]
    naloxone_by_product: dict[str, dict[str, int]]


class SummaryQuery(Schema):
    org: str | None = Field(None, description="Slug or id of your organization (default: the acting one).")
    from_: date = Field(alias="from", description="First day, inclusive (YYYY-MM-DD).")
    to: date = Field(description="Last day, inclusive (YYYY-MM-DD).")
    site: str | None = Field(None, description="Id or exact name of one of the organization's locations.")


class OverdoseOut(Schema):
    client_uuid: str
    occurred_at: datetime
    place_kind: str
    place: str
    fatal: bool
    naloxone_doses_bystander: int
    naloxone_doses_ems: int
    naloxone_doses_staff: int
    called_911: str
    substances: list[str]
    reported_by: str


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem.get('loc', ())) or 'record'}: {problem.get('msg', 'invalid')}"
        for problem in error.errors()
    )


NOT_STORED = "The database became unavailable before this record was stored; resend it (it is stored once)."


def sync_batch(membership, records: list) -> dict:
    """Each record in its own savepoint: stored, already_stored or rejected with the reason."""
    results = []
    catalog = actions.supply_catalog()
    for index, raw in enumerate(records):
        client_uuid = (
            str(raw.get("client_uuid")) if isinstance(raw, dict) and raw.get("client_uuid") else None
        )
        try:
            record = EncounterIn.model_validate(raw)
            _, created = actions.record_encounter(membership, record, catalog=catalog)
        except ValidationError as error:
            results.append(
                {"index": index, "client_uuid": client_uuid, "status": "rejected", "reason": _problems(error)}
            )
            continue
        except actions.OutreachError as error:
            results.append(
                {"index": index, "client_uuid": client_uuid, "status": "rejected", "reason": str(error)}
            )
            continue
        except DatabaseError:
            # The records before this one are stored (each in its own transaction); this one and the rest are
            # not, or not for sure: the answer says so, record by record, and resending is safe.
            for later, rest in enumerate(records[index:], start=index):
                results.append(
                    {
                        "index": later,
                        "client_uuid": (
                            str(rest.get("client_uuid"))
                            if isinstance(rest, dict) and rest.get("client_uuid")
                            else None
                        ),
                        "status": "not_stored",
                        "reason": NOT_STORED,
                    }
                )
            break
        status = "stored" if created else "already_stored"
        results.append(
            {"index": index, "client_uuid": str(record.client_uuid), "status": status, "reason": ""}
        )
    counts = {
        status: sum(1 for result in results if result["status"] == status)
        for status in ("stored", "already_stored", "rejected", "not_stored")
    }
    return {**counts, "results": results}


@router.post("/sync", auth=member_auth, response=SyncOut)
def sync(request: HttpRequest, payload: SyncIn):
    """Store a batch of encounters recorded offline. Safe to resend: each client_uuid is stored exactly once."""
    require_role(request.auth, actions.RECORDING_ROLES)
    if len(payload.encounters) > MAX_BATCH:
        raise HttpError(400, f"A batch holds at most {MAX_BATCH} encounters; send the rest in another batch.")
    answer = sync_batch(request.auth, payload.encounters)
    if answer["not_stored"]:
        response = JsonResponse(
            {
                "detail": f"The database became unavailable: {answer['stored']} record(s) were stored, "
                f"{answer['not_stored']} were not. Resend the batch (stored records are not stored twice).",
                **answer,
            },
            status=503,
        )
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return answer


@router.post("/encounters", auth=member_auth, response={200: RecordOut, 201: RecordOut})
def create_encounter(request: HttpRequest, payload: EncounterIn):
    """Record one encounter (201), or answer 200 when this client_uuid is already stored."""
    require_role(request.auth, actions.RECORDING_ROLES)
    try:
        encounter, created = actions.record_encounter(request.auth, payload)
    except actions.OutreachError as error:
        raise HttpError(400, str(error)) from error
    status = "stored" if created else "already_stored"
    body = {"client_uuid": str(encounter.client_uuid), "status": status, "occurred_at": encounter.occurred_at}
    return (201 if created else 200), body


@router.get("/summary", auth=member_auth, response=SummaryOut)
def summary(request: HttpRequest, params: Query[SummaryQuery]):
    """The unit's own numbers; every member of the organization may see them (aggregates only)."""
    organization = queries.organization_for_summary(request.auth, params.org)
    if params.to < params.from_:
        raise HttpError(400, "'to' is before 'from'.")
    site = queries.site_for(request.auth, params.site) if params.site else None
    numbers = summarize([organization.pk], params.from_, params.to, [site.pk] if site else None)
    period = {
        "from": params.from_.isoformat(),
        "to": params.to.isoformat(),
        "site": str(site.pk) if site else "",
    }
    audit.record(
        "outreach.summary.export", request=request, membership=request.auth, detail={**period, "via": "api"}
    )
    return {
        "organization": organization.slug,
        "start": params.from_,
        "end": params.to,
        "site": str(site.pk) if site else None,
        **numbers,
    }


def _overdose_out(report) -> dict:
    return {
        "client_uuid": str(report.client_uuid),
        "occurred_at": report.occurred_at,
        "place_kind": report.place_kind,
        "place": report.place_label(),
        "fatal": report.fatal,
        "naloxone_doses_bystander": report.naloxone_doses_bystander,
        "naloxone_doses_ems": report.naloxone_doses_ems,
        "naloxone_doses_staff": report.naloxone_doses_staff,
        "called_911": report.called_911,
        "substances": report.substances,
        "reported_by": report.reported_by,
    }


@router.post("/overdoses", auth=member_auth, response={200: OverdoseOut, 201: OverdoseOut})
def create_overdose(request: HttpRequest, payload: OverdoseIn):
    """Report an overdose: coarse place only (a point is snapped to its grid cell), no identity."""
    require_role(request.auth, actions.RECORDING_ROLES)
    try:
        report, created = actions.record_overdose(request.auth, payload)
    except actions.OutreachError as error:
        raise HttpError(400, str(error)) from error
    return (201 if created else 200), _overdose_out(report)


@router.get("/overdoses", auth=member_auth, response=list[OverdoseOut])
def list_overdoses(request: HttpRequest, limit: int = 100):
    """The organization's overdose reports, newest first (they hold no identity, so every role may read them)."""
    limit = max(1, min(limit, 1000))
    reports = [_overdose_out(report) for report in queries.overdose_reports(request.auth)[:limit]]
    audit.record_list(
        "outreach.overdose.list",
        request=request,
        membership=request.auth,
        count=len(reports),
        filters={"limit": limit},
    )
    return reports
