"""Education API: the calendar (public events for everyone, all partners' events for members), events,
attendance, survey results, take-back events, and invitations to co-host or partner."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts.api_auth import member_auth, optional_membership, require_role
from meetpoint.accounts.roles import EDITING_ROLES
from meetpoint.bounds import MAX_COUNT
from meetpoint.education import actions, invitations, queries
from meetpoint.education.models import Audience, Event, EventKind, Invitation, TakeBackEvent
from meetpoint.forms_flow import InvalidInput, NotAllowed

router = Router(tags=["education"])
EDITORS = frozenset(EDITING_ROLES)


class CalendarItemOut(Schema):
    kind: str
    id: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    host: str
    place: str
    is_public: bool
    category: str
    co_hosts: list[str] = Field(
        ..., description="Co-hosts (take-back partners) that accepted the invitation."
    )


class EventOut(Schema):
    id: UUID
    title: str
    kind: str
    audience: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    area_code: str
    host: str
    co_hosts: list[str] = Field(..., description="Only organizations that accepted the host's invitation.")
    is_public: bool
    attendance_count: int | None
    naloxone_kits: int
    registration_count: int | None = Field(None, description="Members only; the list itself is host-only.")
    surveys: list[str]


class EventIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: EventKind
    audience: Audience
    starts_at: datetime
    ends_at: datetime | None = None
    location_id: UUID | None = None
    venue: str = Field("", max_length=255)
    area_code: str = Field("", max_length=11)
    description: str = ""
    co_host_ids: list[UUID] = Field(
        [], description="Organizations invited to co-host; shown once they accept."
    )
    surveys: list[str] = []
    is_public: bool = False


class AttendanceIn(Schema):
    attendance_count: int = Field(..., ge=0, le=MAX_COUNT)
    naloxone_kits: int | None = Field(None, ge=0, le=MAX_COUNT)


class RegistrationOut(Schema):
    id: int
    name: str
    contact: str
    affiliation: str
    attended: bool


class ChangeOut(Schema):
    mean_pre: float
    mean_post: float
    mean_change: float
    ci_low: float
    ci_high: float
    t: float
    p_value: float


class ScaleResultOut(Schema):
    survey: str
    scale: str
    pairs: int
    suppressed: bool
    change: ChangeOut | None


class SurveyIn(Schema):
    phase: str = Field(..., pattern="^(pre|post)$")
    answers: dict[str, dict[str, str | int]] = Field(..., description="survey code -> item id -> answer")
    pairing_token: str = Field(
        "", max_length=20, description="Required after the event: the code given before."
    )


class SurveyOut(Schema):
    pairing_token: str


class TakeBackIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    date: date
    location_id: UUID | None = None
    venue: str = Field("", max_length=255)
    area_code: str = Field("", max_length=11)
    partner_ids: list[UUID] = Field(
        [], description="Organizations invited to partner; shown once they accept."
    )
    pounds_collected: float | None = None
    people_dropped_off: int | None = Field(None, ge=0)
    sharps_pounds: float | None = None
    permanent_box_id: UUID | None = None
    notes: str = ""
    is_public: bool = True


class TakeBackOut(Schema):
    id: UUID
    title: str
    date: date
    place: str
    organization: str
    partners: list[str] = Field(..., description="Only organizations that accepted the invitation.")
    pounds_collected: float | None
    people_dropped_off: int | None
    sharps_pounds: float | None


class EducationProblem(Schema):
    detail: str
    errors: list[dict] = []


class InvitationIn(Schema):
    event_id: UUID | None = Field(None, description="The event to co-host (or give take_back_id).")
    take_back_id: UUID | None = Field(
        None, description="The take-back event to partner in (or give event_id)."
    )
    organization_id: UUID


class InvitationOut(Schema):
    id: UUID
    status: Invitation.Status
    direction: Literal["received", "sent"]
    kind: Literal["event", "take_back"]
    subject_id: UUID = Field(..., description="The event's or take-back event's id.")
    title: str
    organizer: str
    organization: str = Field(..., description="The invited organization.")
    invited_at: datetime
    answered_at: datetime | None


def _event_out(event: Event, membership) -> EventOut:
    return EventOut(
        id=event.pk,
        title=event.title,
        kind=event.kind,
        audience=event.audience,
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=queries.place_label(event.location, event.venue, membership),
        area_code=event.area_code,
        host=event.host.name,
        co_hosts=[org.name for org in event.co_hosts],
        is_public=event.is_public,
        attendance_count=event.attendance_count,
        naloxone_kits=event.naloxone_kits,
        registration_count=event.registrations.count() if membership else None,
        surveys=event.surveys,
    )


def _take_back_out(take_back: TakeBackEvent, membership) -> TakeBackOut:
    def number(value):
        return float(value) if value is not None else None

    return TakeBackOut(
        id=take_back.pk,
        title=take_back.title,
        date=take_back.date,
        place=queries.place_label(take_back.location, take_back.venue, membership),
        organization=take_back.organization.name,
        partners=[org.name for org in take_back.partners],
        pounds_collected=number(take_back.pounds_collected),
        people_dropped_off=take_back.people_dropped_off,
        sharps_pounds=number(take_back.sharps_pounds),
    )


@contextmanager
def _refusals_answered() -> Iterator[None]:
    """An action's refusal becomes the API's answer: bad input its status (400, 409…), a forbidden step 403."""
    try:
        yield
    except InvalidInput as problem:
        raise HttpError(problem.status, f"{problem.field}: {problem.message}") from None
    except NotAllowed as refusal:
        raise HttpError(403, str(refusal)) from None


def _invitation_out(invitation: Invitation, membership) -> InvitationOut:
    subject = invitation.subject
    return InvitationOut(
        id=invitation.pk,
        status=invitation.status,
        direction="received" if invitation.organization_id == membership.organization_id else "sent",
        kind="event" if invitation.event_id else "take_back",
        subject_id=subject.pk,
        title=subject.title,
        organizer=invitation.inviter.name,
        organization=invitation.organization.name,
        invited_at=invitation.invited_at,
        answered_at=invitation.answered_at,
    )


@router.get("/calendar", response=list[CalendarItemOut], auth=None)
def calendar(request: HttpRequest, start: date, end: date):
    """Events and take-back days from start to end (inclusive, at most 400 days): public ones for everyone,
    all partners' for members."""
    if end < start or (end - start).days > 400:
        raise HttpError(400, "end must be on or after start, at most 400 days later.")
    membership = optional_membership(request)
    return [item.__dict__ for item in queries.calendar_items(membership, start, end)]


@router.get("/events/{event_id}", response=EventOut, auth=None)
def get_event(request: HttpRequest, event_id: str):
    membership = optional_membership(request)
    return _event_out(queries.event_for(membership, event_id), membership)


@router.post(
    "/events", response={201: EventOut, 400: EducationProblem, 403: EducationProblem}, auth=member_auth
)
def create_event(request: HttpRequest, payload: EventIn):
    membership = request.auth
    require_role(membership, EDITORS)
    with _refusals_answered():
        event = actions.create_event(membership, request=request, **payload.dict())
    return 201, _event_out(event, membership)


@router.post("/events/{event_id}/attendance", response=EventOut, auth=member_auth)
def record_attendance(request: HttpRequest, event_id: str, payload: AttendanceIn):
    """The host's admin or staff record attendance and naloxone kits handed out."""
    membership = request.auth
    require_role(membership, EDITORS)
    event = queries.hosted_event(membership, event_id)
    with _refusals_answered():
        actions.record_attendance(membership, event, **payload.dict())
    return _event_out(event, membership)


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut], auth=member_auth)
def registrations(request: HttpRequest, event_id: str):
    """The registration list: the host's admin and staff only (others: 403; they see the count on the event)."""
    membership = request.auth
    event = queries.event_for(membership, event_id)
    listed = queries.registrations_for(membership, event)
    if listed is None:
        raise HttpError(403, "Only the host's admin and staff see the registration list.")
    return listed


@router.get("/events/{event_id}/results", response=list[ScaleResultOut], auth=member_auth)
def event_results(request: HttpRequest, event_id: str):
    """Paired pre/post change per survey scale; suppressed below the minimum number of pairs."""
    event = queries.event_for(request.auth, event_id)
    return [
        ScaleResultOut(
            survey=r.survey,
            scale=r.scale,
            pairs=r.pairs,
            suppressed=r.suppressed,
            change=None
            if r.change is None
            else ChangeOut(
                mean_pre=r.change.mean_pre,
                mean_post=r.change.mean_post,
                mean_change=r.change.mean_change,
                ci_low=r.change.ci_low,
                ci_high=r.change.ci_high,
                t=r.change.t if r.change.t != float("inf") else 1e308,
                p_value=r.change.p_value,
            ),
        )
        for r in queries.survey_results([event])
    ]


@router.post(
    "/events/{event_id}/survey",
    response={201: SurveyOut, 400: EducationProblem, 404: EducationProblem, 409: EducationProblem},
    auth=None,
)
def answer_survey(request: HttpRequest, event_id: str, payload: SurveyIn):
    """Anonymous answers to every survey of the event (no sign-in, as on the public survey page). Before the
    event, returns a new pairing code; after it, the code from before is required (400 without a match)."""
    event = queries.public_survey_event(event_id)
    with _refusals_answered():
        token = actions.submit_answer_sheet(
            event, phase=payload.phase, answers=payload.answers, pairing_token=payload.pairing_token
        )
    return 201, SurveyOut(pairing_token=token)


@router.get("/take-back", response=list[TakeBackOut], auth=None)
def take_backs(request: HttpRequest):
    membership = optional_membership(request)
    return [_take_back_out(t, membership) for t in queries.take_backs_visible(membership)[:500]]


@router.post(
    "/take-back", response={201: TakeBackOut, 400: EducationProblem, 403: EducationProblem}, auth=member_auth
)
def create_take_back(request: HttpRequest, payload: TakeBackIn):
    """Record a take-back event; a negative weight is a 400. The partners named are invited."""
    membership = request.auth
    require_role(membership, EDITORS)
    with _refusals_answered():
        take_back = actions.create_take_back(membership, request=request, **payload.dict())
    return 201, _take_back_out(take_back, membership)


@router.get("/invitations", response=list[InvitationOut], auth=member_auth)
def list_invitations(request: HttpRequest, status: Invitation.Status | None = None):
    """Invitations the acting organization received or sent (admin and staff), newest first; `status=pending`
    for those waiting for an answer."""
    membership = request.auth
    require_role(membership, EDITORS)
    listed = queries.invitations_of(membership)
    if status:
        listed = listed.filter(status=status)
    return [_invitation_out(invitation, membership) for invitation in listed[:500]]


@router.post(
    "/invitations",
    response={201: InvitationOut, 400: EducationProblem, 403: EducationProblem, 409: EducationProblem},
    auth=member_auth,
)
def send_invitation(request: HttpRequest, payload: InvitationIn):
    """The organizer's admin or staff invite one more organization to co-host an event or partner in a
    take-back event. Your own organization, an unknown one or one with no admin is a 400; one already invited
    (or already taking part) a 409; another organization's event a 404."""
    membership = request.auth
    require_role(membership, EDITORS)
    if (payload.event_id is None) == (payload.take_back_id is None):
        raise HttpError(400, "Give either event_id or take_back_id.")
    if payload.event_id is not None:
        subject = queries.hosted_event(membership, payload.event_id)
    else:
        subject = queries.own_take_back(membership, payload.take_back_id)
    with _refusals_answered():
        invitation = invitations.invite(membership, subject, payload.organization_id, request=request)
    return 201, _invitation_out(invitation, membership)


STEPS = {"accept": invitations.accept, "decline": invitations.decline, "withdraw": invitations.withdraw}


@router.post(
    "/invitations/{invitation_id}/{verb}",
    response={200: InvitationOut, 403: EducationProblem, 409: EducationProblem},
    auth=member_auth,
)
def invitation_step(request: HttpRequest, invitation_id: str, verb: Literal["accept", "decline", "withdraw"]):
    """accept or decline: the invited organization's admin (decline also steps back after accepting);
    withdraw: the organizer's admin or staff. Another organization's invitation is a 404, a step the role or
    side may not take a 403, an invitation already answered or withdrawn a 409."""
    membership = request.auth
    require_role(membership, EDITORS)
    invitation = queries.invitation_for(membership, invitation_id)
    with _refusals_answered():
        invitation = STEPS[verb](membership, invitation, request=request)
    return _invitation_out(invitation, membership)
