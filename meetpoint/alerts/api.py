"""Alerts API: the member's alerts at their level of detail and what can be done about one, drug-checking
samples, subscriptions; the public alerts without sign-in."""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from meetpoint.accounts.api_auth import member_auth
from meetpoint.alerts import actions, levels, queries

router = Router(tags=["alerts"])


class NoteIn(Schema):
    note: str = Field(..., max_length=1000)


class CloseIn(Schema):
    reason: str = Field("", max_length=200)


class SampleIn(Schema):
    collected_on: date
    method: Literal["test_strip", "ftir", "lab"]
    found: list[str] = Field(default_factory=list, max_length=30)
    not_found: list[str] = Field(default_factory=list, max_length=30)
    expected_substance: str = Field("", max_length=40)
    code: str = Field("", max_length=24)
    latitude: float | None = None
    longitude: float | None = None
    block_group: str = Field("", max_length=12)
    site: str = Field("", max_length=120)


class ConfirmationIn(Schema):
    method: Literal["test_strip", "ftir", "lab"]
    found: list[str] = Field(default_factory=list, max_length=30)
    not_found: list[str] = Field(default_factory=list, max_length=30)
    tested_on: date | None = None


class SampleOut(Schema):
    id: UUID
    code: str
    collected_on: date
    area: str
    method: str
    found: list[str]
    not_found: list[str]
    expected_substance: str
    confirmed: bool


class SubscriptionIn(Schema):
    kinds: list[Literal["spike", "bad_batch"]] = Field(..., min_length=1, max_length=5)
    area: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    webhook_url: str = Field("", max_length=500)


class SubscriptionOut(Schema):
    id: UUID
    kinds: list[str]
    area: str
    email: str
    webhook_url: str
    webhook_secret: str
    failing: bool


def _subscription(subscription) -> dict:
    return {
        "id": subscription.id,
        "kinds": subscription.kinds,
        "area": subscription.area,
        "email": subscription.email,
        "webhook_url": subscription.webhook_url,
        "webhook_secret": subscription.webhook_secret,
        "failing": subscription.failing_since is not None,
    }


@router.get("/public", auth=None, response=list[dict])
def public_alerts(request: HttpRequest):
    """Published alerts at the public level: area, time window, what to carry; no count below K."""
    return [levels.public(alert) for alert in queries.public_alerts()[:100]]


@router.get("/alerts", auth=member_auth, response=list[dict])
def list_alerts(request: HttpRequest, status: str = ""):
    found = queries.visible_alerts(request.membership).order_by("-opened_at")
    if status:
        found = found.filter(status=status)
    return [levels.for_member(request.membership, alert) for alert in found[:200]]


@router.get("/alerts/{alert_id}", auth=member_auth, response=dict)
def get_alert(request: HttpRequest, alert_id: str):
    alert = queries.alert_for(request.membership, alert_id)
    shown = levels.for_member(request.membership, alert)
    shown["history"] = [
        {
            "at": e.at.isoformat(),
            "action": e.action,
            "note": e.note,
            "organization": e.organization.name if e.organization else None,
        }
        for e in alert.events.select_related("organization")
    ]
    return shown


@router.post("/alerts/{alert_id}/acknowledge", auth=member_auth, response=dict)
def acknowledge_alert(request: HttpRequest, alert_id: str):
    alert = actions.acknowledge(request.membership, queries.alert_for(request.membership, alert_id))
    return levels.for_member(request.membership, alert)


@router.post("/alerts/{alert_id}/notes", auth=member_auth, response=dict)
def annotate_alert(request: HttpRequest, alert_id: str, payload: NoteIn):
    alert = actions.annotate(
        request.membership, queries.alert_for(request.membership, alert_id), payload.note
    )
    return levels.for_member(request.membership, alert)


@router.post("/alerts/{alert_id}/close", auth=member_auth, response=dict)
def close_alert(request: HttpRequest, alert_id: str, payload: CloseIn):
    alert = actions.close(request.membership, queries.alert_for(request.membership, alert_id), payload.reason)
    return levels.for_member(request.membership, alert)


@router.get("/samples", auth=member_auth, response=list[SampleOut])
def list_samples(request: HttpRequest):
    return list(queries.samples_of(request.membership)[:200])


@router.post("/samples", auth=member_auth, response={201: SampleOut})
def record_sample(request: HttpRequest, payload: SampleIn):
    return 201, actions.record_sample(request.membership, actions.SampleIn(**payload.dict()))


@router.post("/samples/{sample_id}/results", auth=member_auth, response=SampleOut)
def confirm_sample(request: HttpRequest, sample_id: str, payload: ConfirmationIn):
    sample = queries.sample_for(request.membership, sample_id)
    return actions.confirm_sample(request.membership, sample, actions.ConfirmationIn(**payload.dict()))


@router.get("/subscriptions", auth=member_auth, response=list[SubscriptionOut])
def list_subscriptions(request: HttpRequest):
    if request.membership.role != "admin":
        return []
    return [_subscription(s) for s in queries.subscriptions_of(request.membership)]


@router.post("/subscriptions", auth=member_auth, response={201: SubscriptionOut})
def create_subscription(request: HttpRequest, payload: SubscriptionIn):
    return 201, _subscription(actions.subscribe(request.membership, actions.SubscriptionIn(**payload.dict())))


@router.delete("/subscriptions/{subscription_id}", auth=member_auth, response={204: None})
def delete_subscription(request: HttpRequest, subscription_id: str):
    subscription = queries.subscription_for(request.membership, subscription_id)
    actions.unsubscribe(request.membership, subscription)
    return 204, None
