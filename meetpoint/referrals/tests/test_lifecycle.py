"""The plain state machine: the table, its FHIR mapping, and random sequences of actions by random actors."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetpoint.referrals import actions, lifecycle
from meetpoint.referrals.models import Referral, ReferralTransition


def test_every_state_maps_to_an_hl7_task_status():
    hl7 = {
        "draft",
        "requested",
        "accepted",
        "rejected",
        "in-progress",
        "on-hold",
        "completed",
        "failed",
        "cancelled",
        "entered-in-error",
    }
    assert set(lifecycle.TASK_STATUS) == set(lifecycle.STATES)
    assert set(lifecycle.TASK_STATUS.values()) == hl7
    assert lifecycle.TASK_STATUS["sent"] == "requested"
    assert lifecycle.TASK_STATUS["declined"] == "rejected"
    assert lifecycle.TASK_STATUS["not_completed"] == "failed"


def test_receiver_accepts_and_sender_cancels():
    assert lifecycle.allowed_targets("sent", lifecycle.RECEIVER) == ["accepted", "declined"]
    assert set(lifecycle.allowed_targets("sent", lifecycle.SENDER)) == {"cancelled", "entered_in_error"}
    assert lifecycle.may_transition("in_progress", "on_hold", lifecycle.RECEIVER)
    assert lifecycle.may_transition("on_hold", "in_progress", lifecycle.RECEIVER)
    assert not lifecycle.may_transition("sent", "accepted", lifecycle.SENDER)


def test_closed_states_only_lead_to_entered_in_error():
    for state in lifecycle.CLOSED_STATES:
        assert set(lifecycle.allowed_targets(state)) <= {"entered_in_error"}
    assert lifecycle.allowed_targets("entered_in_error") == []


ACTORS = [
    "sender_staff",
    "sender_admin",
    "receiver_staff",
    "receiver_admin",
    "sender_analyst",
    "receiver_viewer",
    "outsider_staff",
]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTORS), st.sampled_from(lifecycle.STATES)), min_size=1, max_size=12
    )
)
def test_random_actions_keep_the_referral_legal_and_its_history_complete(
    world, receiver, make_referral, steps
):
    members = {
        "sender_staff": world.home.staff,
        "sender_admin": world.home.admin,
        "receiver_staff": receiver.staff,
        "receiver_admin": receiver.admin,
        "sender_analyst": world.home.analyst,
        "receiver_viewer": receiver.viewer,
        "outsider_staff": world.outsider.staff,
    }
    referral = make_referral(category="social_needs", send=False)
    expected = ["draft"]
    for actor, to in steps:
        membership = members[actor]
        state = expected[-1]
        side = None
        if actor.startswith("outsider") or (actor.startswith("receiver") and state == "draft"):
            legal_status = 404
        elif actor.endswith(("analyst", "viewer")):
            legal_status = 403
        else:
            side = lifecycle.SENDER if actor.startswith("sender") else lifecycle.RECEIVER
            legal_status = 200 if lifecycle.may_transition(state, to, side) else 409
        try:
            actions.transition_referral(
                membership, referral.pk, to, reason_code="no_show" if to == "not_completed" else ""
            )
            status = 200
        except actions.ReferralError as error:
            status = error.status
            if status == 409:
                assert set(error.allowed) == set(lifecycle.allowed_targets(state, side))
        assert status == legal_status, (actor, state, to)
        if status == 200:
            expected.append(to)
        current = Referral.objects.get(pk=referral.pk)
        assert current.state == expected[-1]
        assert current.state in lifecycle.STATES
        assert current.version == len(expected)
    history = list(ReferralTransition.objects.filter(referral=referral).order_by("version"))
    assert [step.to_state for step in history] == expected
    assert [step.from_state for step in history] == [""] + expected[:-1]
    assert all(step.actor_id and step.organization_id for step in history)
