"""The referrals JSON API (/api/v1/referrals/): create, inbox/outbox, detail, transitions, consent, notifications,
loop metrics and FHIR export. Same actions and queries as the pages; same redaction."""

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts import audit
from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.accounts.roles import PARTICIPANT_LEVEL_ROLES
from meetpoint.bounds import MAX_ID, MAX_PAGE
from meetpoint.referrals import actions, lifecycle, metrics, queries
from meetpoint.referrals.fhir import FHIR_JSON, referral_bundle
from meetpoint.referrals.models import Consent
from meetpoint.referrals.queries import ReferralView

router = Router(tags=["referrals"])


class ReferralErrorOut(Schema):
    detail: str
    errors: list[dict] = []
    allowed: list[str] | None = None


class ConsentIn(Schema):
    patient_reference: str = ""
    patient_name: str = Field(
        "", description="Only if the person agrees to share their name for this referral."
    )
    information: str = Field("", description="Specific description of the information that may be disclosed.")
    purpose: str = ""
    expires_on: date | None = None
    expiry_event: str = ""
    signature_method: str = Field("", description="written, electronic or verbal")
    signed_on: date | None = None
    witnessed_by: str = Field("", description="Required for verbal consent.")
    right_to_revoke_given: bool = False


class ReferralIn(Schema):
    service_id: uuid.UUID
    reason_category: str = Field(
        ..., description="substance_use, mental_health, social_needs, medical, other"
    )
    reason: str
    urgency: str = "routine"
    contact_method: str = "via_sender"
    contact_detail: str = Field(
        "", description="Phone number or email address for phone, text or email (at most 255 characters)."
    )
    screening_id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    send: bool = True
    consent: ConsentIn | None = None


class TransitionIn(Schema):
    to: str
    note: str = ""
    reason: str = Field("", description="For not_completed: no_show, unable_to_reach, ineligible or other.")
    version: int | None = Field(None, description="The version you saw; a stale version is a 409.")


class RevokeIn(Schema):
    note: str = ""


class HistoryOut(Schema):
    at: datetime
    from_state: str
    to_state: str
    side: str
    organization: str
    actor: str
    note: str
    reason_code: str


class ConsentOut(Schema):
    id: uuid.UUID
    in_force: bool
    patient_reference: str
    discloser: str
    recipient: str
    information: str
    purpose: str
    expires_on: date | None
    expiry_event: str
    signature_method: str
    signed_on: date
    witnessed_by: str
    revoked_at: datetime | None


class ReferralOut(Schema):
    id: uuid.UUID
    state: str
    task_status: str
    version: int
    restricted: bool = Field(description="True when details are withheld (consent not in force).")
    sender: str
    sender_id: uuid.UUID
    receiver: str
    receiver_id: uuid.UUID
    service_id: uuid.UUID
    service: str
    urgency: str
    overdue: bool
    created: datetime
    sent_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    allowed_transitions: list[str]
    reason_category: str | None = None
    reason: str | None = None
    screening_id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    contact_method: str | None = None
    contact_detail: str | None = None
    contact_purged_at: datetime | None = Field(
        None, description="When the contact detail and method were removed under the retention rule."
    )
    contact_unreadable: bool = Field(
        False, description="True when a contact detail is stored but none of the site's keys decrypts it."
    )
    status_reason_code: str = ""
    status_reason: str | None = None
    consent_required: bool
    consent_in_force: bool
    consent: ConsentOut | None = None
    history: list[HistoryOut] = []


class ReferralPage(Schema):
    total_items: int
    page_number: int
    size: int
    contents: list[ReferralOut]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    referral_id: uuid.UUID
    created: datetime
    read: bool


class MarkReadIn(Schema):
    # Ids are database keys: bounded so an absurd number is a 400, not an integer overflow in the database.
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = []


class DateRangeIn(Schema):
    start: date | None = Field(None, alias="from", description="First day (YYYY-MM-DD); default 90 days ago.")
    end: date | None = Field(None, alias="to", description="Last day, inclusive; default today.")


class MetricsRow(Schema):
    sent: int
    accepted: int
    completed: int
    median_hours_to_acceptance: float | None
    median_hours_to_completion: float | None
    loop_closure_rate: float | None


class PartnerRow(MetricsRow):
    direction: str
    partner_id: uuid.UUID
    partner_name: str


class MetricsOut(Schema):
    organization_id: uuid.UUID
    start: date
    end: date
    definition: str
    outgoing: MetricsRow
    incoming: MetricsRow
    partners: list[PartnerRow]


def _consent_out(consent: Consent | None) -> dict | None:
    if consent is None:
        return None
    return {
        "id": consent.pk,
        "in_force": consent.in_force(),
        "patient_reference": consent.patient_reference,
        "discloser": consent.discloser,
        "recipient": consent.recipient,
        "information": consent.information,
        "purpose": consent.purpose,
        "expires_on": consent.expires_on,
        "expiry_event": consent.expiry_event,
        "signature_method": consent.signature_method,
        "signed_on": consent.signed_on,
        "witnessed_by": consent.witnessed_by,
        "revoked_at": consent.revoked_at,
    }


def referral_out(view: ReferralView, *, with_history: bool = True) -> dict:
    r = view.referral
    return {
        "id": r.pk,
        "state": r.state,
        "task_status": lifecycle.TASK_STATUS[r.state],
        "version": r.version,
        "restricted": view.restricted,
        "sender": r.sender.name,
        "sender_id": r.sender_id,
        "receiver": r.receiver.name,
        "receiver_id": r.receiver_id,
        "service_id": r.service_id,
        "service": r.service.name,
        "urgency": r.urgency,
        "overdue": view.overdue,
        "created": r.created,
        "sent_at": r.sent_at,
        "accepted_at": r.accepted_at,
        "closed_at": r.closed_at,
        "allowed_transitions": view.allowed,
        "reason_category": view.reason_category,
        "reason": view.reason,
        "screening_id": view.screening.pk if view.screening is not None else None,
        "participant_id": view.participant.pk if view.participant is not None else None,
        "contact_method": view.contact_method,
        "contact_detail": view.contact_detail,
        "contact_purged_at": view.contact_purged_at,
        "contact_unreadable": view.contact_unreadable,
        "status_reason_code": r.status_reason_code,
        "status_reason": view.status_reason,
        "consent_required": r.needs_consent,
        "consent_in_force": view.consent_in_force,
        "consent": _consent_out(view.consent) if not view.restricted else None,
        "history": [step.__dict__ for step in view.history] if with_history else [],
    }


def _staff(request: HttpRequest):
    membership = request.auth
    require_role(membership, PARTICIPANT_LEVEL_ROLES)
    return membership


def _fail(error: actions.ReferralError):
    if error.status in (400, 409):
        return error.status, error.payload()
    raise HttpError(error.status, error.message)


def _view_of(membership, referral_id) -> ReferralView:
    return queries.referral_view(queries.referral_for(membership, referral_id), membership)


@router.post("/", auth=member_auth, response={201: ReferralOut, 400: ReferralErrorOut, 409: ReferralErrorOut})
def create_referral(request: HttpRequest, payload: ReferralIn):
    """Creates a referral and (by default) sends it. A substance-use referral needs `consent` to be sent."""
    membership = _staff(request)
    data = payload.dict(exclude={"send", "consent"})
    consent = payload.consent.dict() if payload.consent is not None else None
    try:
        referral = actions.create_referral(membership, data, send=payload.send, consent=consent)
    except actions.ReferralError as error:
        return _fail(error)
    return 201, referral_out(_view_of(membership, referral.pk))


@router.get("/", auth=member_auth, response=ReferralPage)
def list_referrals(
    request: HttpRequest,
    box: Literal["inbox", "outbox"] = Query("inbox", description="inbox (received) or outbox (sent)"),
    state: str | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    size: int = Query(20, ge=1, le=100),
):
    membership = _staff(request)
    if box not in ("inbox", "outbox"):
        raise HttpError(400, "box: use inbox or outbox.")
    if state and state not in lifecycle.STATES:
        raise HttpError(400, f"state: unknown; states are {', '.join(lifecycle.STATES)}.")
    query = queries.referral_box(membership, box, state)
    total = query.count()
    chunk = query[(page - 1) * size : page * size]
    audit.record_list(
        "referral.list",
        request=request,
        membership=membership,
        count=len(chunk),
        filters={"box": box, "state": state, "page": page, "size": size},
    )
    return {
        "total_items": total,
        "page_number": page,
        "size": size,
        "contents": [
            referral_out(queries.referral_view(r, membership, with_history=False), with_history=False)
            for r in chunk
        ],
    }


@router.get("/metrics", auth=member_auth, response={200: MetricsOut, 400: ReferralErrorOut})
def loop_metrics(request: HttpRequest, dates: Query[DateRangeIn]):
    """Loop metrics of the acting organization (any role: counts only) for referrals sent from..to inclusive."""
    from meetpoint.referrals.views import parse_range

    params = {
        key: value.isoformat() if value else "" for key, value in (("from", dates.start), ("to", dates.end))
    }
    first, last, problems = parse_range(params)
    if problems:
        return 400, {"detail": " ".join(problems)}
    membership = request.auth
    result = metrics.organization_metrics(membership.organization_id, first, last)

    def row(m):
        return {**m.__dict__, "loop_closure_rate": m.loop_closure_rate}

    return {
        "organization_id": membership.organization_id,
        "start": first,
        "end": last,
        "definition": "Cohort of referrals sent from..to (local dates); loop_closure_rate = completed / sent.",
        "outgoing": row(result["outgoing"]),
        "incoming": row(result["incoming"]),
        "partners": [
            {
                **row(p.metrics),
                "direction": p.direction,
                "partner_id": p.partner_id,
                "partner_name": p.partner_name,
            }
            for p in result["partners"]
        ],
    }


@router.get("/notifications", auth=member_auth, response=list[NotificationOut])
def list_notifications(request: HttpRequest, unread: bool = False):
    membership = _staff(request)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "message": n.text,
            "referral_id": n.referral_id,
            "created": n.created,
            "read": n.read_at is not None,
        }
        for n in queries.notifications_for(membership, unread_only=unread)[:200]
    ]


@router.post("/notifications/read", auth=member_auth, response={200: dict})
def read_notifications(request: HttpRequest, payload: MarkReadIn):
    membership = _staff(request)
    return {"marked": actions.mark_notifications_read(membership, payload.ids or None)}


def _read_one(request: HttpRequest, referral_id: uuid.UUID, action: str, detail: dict | None = None):
    """One referral read by staff of a side of it (404 for anyone else), logged as `action`; the membership."""
    membership = request.auth
    _check_visible(membership, referral_id)
    _staff(request)
    audit.record(
        action,
        request=request,
        membership=membership,
        object_type="referrals.referral",
        object_id=str(referral_id),
        detail=detail,
    )
    return membership


@router.get("/{referral_id}", auth=member_auth, response=ReferralOut)
def referral_detail(request: HttpRequest, referral_id: uuid.UUID):
    membership = _read_one(request, referral_id, "referral.view")
    return referral_out(_view_of(membership, referral_id))


def _check_visible(membership, referral_id) -> None:
    """An outsider gets 404 before any role check, so a 403 never confirms that a referral exists."""
    if not queries.visible_referrals(membership).filter(pk=referral_id).exists():
        raise Http404("No such referral.")


@router.post(
    "/{referral_id}/transitions",
    auth=member_auth,
    response={200: ReferralOut, 400: ReferralErrorOut, 409: ReferralErrorOut},
)
def transition(request: HttpRequest, referral_id: uuid.UUID, payload: TransitionIn):
    """Moves the referral to `to`. Illegal here: 409 with `allowed`. Someone else first: 409."""
    membership = request.auth
    _check_visible(membership, referral_id)
    _staff(request)
    try:
        actions.transition_referral(
            membership,
            referral_id,
            payload.to,
            note=payload.note,
            reason_code=payload.reason,
            expected_version=payload.version,
        )
    except actions.ReferralError as error:
        return _fail(error)
    return 200, referral_out(_view_of(membership, referral_id))


@router.post(
    "/{referral_id}/consent",
    auth=member_auth,
    response={201: ConsentOut, 400: ReferralErrorOut, 409: ReferralErrorOut},
)
def create_consent(request: HttpRequest, referral_id: uuid.UUID, payload: ConsentIn, send: bool = False):
    """Records the person's 42 CFR Part 2 consent (sender only); `?send=true` also sends a draft."""
    membership = request.auth
    _check_visible(membership, referral_id)
    _staff(request)
    try:
        consent = actions.record_consent(membership, referral_id, payload.dict(), send=send)
    except actions.ReferralError as error:
        return _fail(error)
    return 201, _consent_out(consent)


@router.post("/{referral_id}/consent/revoke", auth=member_auth, response={200: dict, 409: ReferralErrorOut})
def revoke_consent(request: HttpRequest, referral_id: uuid.UUID, payload: RevokeIn):
    membership = request.auth
    _check_visible(membership, referral_id)
    _staff(request)
    try:
        count = actions.revoke_consent(membership, referral_id, note=payload.note)
    except actions.ReferralError as error:
        return _fail(error)
    return 200, {"revoked": count}


@router.get(
    "/{referral_id}/fhir",
    auth=member_auth,
    response=dict,
    openapi_extra={
        "responses": {
            "200": {
                "description": "A FHIR R4 Bundle",
                "content": {FHIR_JSON: {"schema": {"type": "object", "additionalProperties": True}}},
            }
        }
    },
)
def fhir_export(request: HttpRequest, referral_id: uuid.UUID):
    """FHIR R4 Bundle (ServiceRequest + Task + Organizations [+ Consent]) per the HL7 SDOH Clinical Care guide,
    as application/fhir+json."""
    membership = _read_one(request, referral_id, "referral.export", {"format": "fhir"})
    bundle = referral_bundle(_view_of(membership, referral_id))
    return HttpResponse(json.dumps(bundle), content_type=FHIR_JSON)


class DisclosureOut(Schema):
    referral: str
    at: datetime
    organization: str
    person: str
    what: str = Field(..., description="viewed or exported")
    format: str = ""


@router.get("/{referral_id}/disclosures", auth=member_auth, response=list[DisclosureOut])
def referral_disclosures(request: HttpRequest, referral_id: uuid.UUID):
    """The accounting of disclosures of one referral the organization sent: who outside it viewed or exported
    it, and when (admins of the sender only)."""
    from meetpoint.referrals.disclosures import disclosures

    rows = disclosures(request.auth, referral_id)
    audit.record(
        "referral.disclosures.read",
        request=request,
        membership=request.auth,
        detail={"referral": str(referral_id), "format": "api", "rows": len(rows)},
    )
    return [
        {
            "referral": row.referral_id,
            "at": row.at,
            "organization": row.organization,
            "person": row.person,
            "what": row.what,
            "format": row.detail.get("format", ""),
        }
        for row in rows
    ]
