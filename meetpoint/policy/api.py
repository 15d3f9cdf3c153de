"""Policy tracker API: every partner member reads; the owning organization's admin and staff write."""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from meetpoint.accounts.api_auth import member_auth, require_role
from meetpoint.accounts.roles import EDITING_ROLES
from meetpoint.policy import actions, queries
from meetpoint.policy.models import ActionKind, Policy, PolicyKind, Position, Status, Topic

router = Router(tags=["policy"])
EDITORS = frozenset(EDITING_ROLES)


class StatusEventOut(Schema):
    status: str
    date: date
    note: str


class ActionOut(Schema):
    kind: str
    date: date
    description: str
    organization: str | None


class LinkOut(Schema):
    title: str
    url: str


class PolicyOut(Schema):
    id: UUID
    title: str
    identifier: str
    kind: str
    topic: str
    jurisdiction: str
    summary: str
    position: str
    status: str
    status_date: date | None
    organization: str
    signed_on: list[str]
    timeline: list[StatusEventOut]
    actions: list[ActionOut]
    links: list[LinkOut]


class PolicyIn(Schema):
    title: str = Field(..., min_length=1, max_length=255)
    identifier: str = Field("", max_length=60)
    kind: PolicyKind
    topic: Topic
    jurisdiction: str = Field(..., min_length=1, max_length=120)
    summary: str = ""
    position: Position = Position.MONITOR
    status: Status | None = None
    status_date: date | None = None
    note: str = ""


class StatusIn(Schema):
    status: Status
    date: date
    note: str = ""


class ActionIn(Schema):
    kind: ActionKind
    date: date
    description: str = Field(..., min_length=1)


class PolicyProblem(Schema):
    detail: str


def _out(policy: Policy) -> PolicyOut:
    return PolicyOut(
        id=policy.pk,
        title=policy.title,
        identifier=policy.identifier,
        kind=policy.kind,
        topic=policy.topic,
        jurisdiction=policy.jurisdiction,
        summary=policy.summary,
        position=policy.position,
        status=policy.status,
        status_date=policy.status_date,
        organization=policy.organization.name,
        signed_on=[org.name for org in policy.signed_on.all()],
        timeline=[
            StatusEventOut(status=e.status, date=e.date, note=e.note) for e in policy.status_events.all()
        ],
        actions=[
            ActionOut(
                kind=a.kind,
                date=a.date,
                description=a.description,
                organization=a.organization.name if a.organization else None,
            )
            for a in policy.actions.select_related("organization")
        ],
        links=[LinkOut(title=link.title, url=link.url) for link in policy.links.all()],
    )


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except actions.InvalidInput as problem:
        raise HttpError(problem.status, f"{problem.field}: {problem.message}") from None
    except actions.NotAllowed as refusal:
        raise HttpError(403, str(refusal)) from None


@router.get("/policies", response=list[PolicyOut], auth=member_auth)
def list_policies(request: HttpRequest, topic: Topic | None = None, status: Status | None = None):
    policies = queries.policies_visible(request.auth)
    if topic:
        policies = policies.filter(topic=topic)
    if status:
        policies = policies.filter(status=status)
    return [_out(policy) for policy in policies]


@router.get("/policies/{policy_id}", response=PolicyOut, auth=member_auth)
def get_policy(request: HttpRequest, policy_id: str):
    return _out(queries.policy_for(request.auth, policy_id))


@router.post("/policies", response={201: PolicyOut, 400: PolicyProblem, 403: PolicyProblem}, auth=member_auth)
def create_policy(request: HttpRequest, payload: PolicyIn):
    require_role(request.auth, EDITORS)
    data = payload.dict()
    data["status"] = data["status"] or ""
    return 201, _out(_call(actions.create_policy, request.auth, **data))


@router.post("/policies/{policy_id}/status", response={201: PolicyOut, 400: PolicyProblem}, auth=member_auth)
def record_status(request: HttpRequest, policy_id: str, payload: StatusIn):
    """A status change; going backwards without a note is a 400."""
    require_role(request.auth, EDITORS)
    policy = queries.owned_policy(request.auth, policy_id)
    _call(actions.record_status, request.auth, policy, **payload.dict())
    return 201, _out(policy)


@router.post("/policies/{policy_id}/actions", response={201: PolicyOut, 400: PolicyProblem}, auth=member_auth)
def add_action(request: HttpRequest, policy_id: str, payload: ActionIn):
    require_role(request.auth, EDITORS)
    policy = queries.owned_policy(request.auth, policy_id)
    _call(actions.add_action, request.auth, policy, **payload.dict())
    return 201, _out(policy)
