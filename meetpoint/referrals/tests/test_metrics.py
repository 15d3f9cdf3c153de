"""Loop metrics, the registered indicators and the referral_metrics command against hand-computed numbers."""

import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetpoint.indicators import Scope, registry
from meetpoint.referrals import actions, metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, receiver, service):
    """Four referrals sent on 2026-03-02 at 09:00 from home to the receiver:
    A accepted after 2 h, completed after 10 h; B accepted after 4 h, completed after 30 h;
    C accepted after 12 h, then not completed; D declined. And E sent on 2026-04-15, never answered."""
    tz = timezone.get_current_timezone()
    sent = timezone.make_aware(datetime(2026, 3, 2, 9, 0), tz)
    plan = [(2, 10, "completed"), (4, 30, "completed"), (12, 20, "not_completed"), (None, None, "declined")]
    for accept_h, close_h, end in plan:
        referral = _send(world, receiver, sent)
        if end == "declined":
            actions.transition_referral(
                receiver.staff, referral.pk, "declined", now=sent + timedelta(hours=1)
            )
            continue
        actions.transition_referral(
            receiver.staff, referral.pk, "accepted", now=sent + timedelta(hours=accept_h)
        )
        actions.transition_referral(
            receiver.staff,
            referral.pk,
            end,
            reason_code="no_show" if end == "not_completed" else "",
            now=sent + timedelta(hours=close_h),
        )
    _send(world, receiver, timezone.make_aware(datetime(2026, 4, 15, 9, 0), tz))


def _data(receiver):
    from meetpoint.directory.models import Service

    service = Service.objects.get(organization=receiver.organization)
    return {"service_id": service.pk, "reason_category": "social_needs", "reason": "Food."}


def _send(world, receiver, when):
    return actions.create_referral(world.home.staff, _data(receiver), now=when)


def test_loop_metrics_match_hand_computed_numbers(world, receiver, history):
    result = metrics.organization_metrics(
        world.home.organization.pk, datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date()
    )
    out = result["outgoing"]
    assert (out.sent, out.accepted, out.completed) == (4, 3, 2)
    assert out.median_hours_to_acceptance == 4.0  # median of 2, 4, 12
    assert out.median_hours_to_completion == 20.0  # median of 10, 30
    assert out.loop_closure_rate == 0.5  # 2 completed of 4 sent
    assert result["incoming"].sent == 0
    (pair,) = result["partners"]
    assert (
        pair.direction == "outgoing" and pair.partner_name == "Northside Recovery" and pair.metrics.sent == 4
    )
    seen_by_receiver = metrics.organization_metrics(
        receiver.organization.pk, datetime(2026, 3, 1).date(), datetime(2026, 4, 30).date()
    )
    assert seen_by_receiver["incoming"].sent == 5 and seen_by_receiver["incoming"].loop_closure_rate == 0.4


def test_indicators_count_sent_accepted_completed_and_the_rate(world, history):
    scope = Scope(
        organization_ids=(world.home.organization.pk,),
        start=datetime(2026, 3, 1).date(),
        end=datetime(2026, 4, 30).date(),
    )
    assert registry["referrals_sent"].value(scope) == {(): 5}
    assert registry["referrals_accepted"].value(scope) == {(): 3}
    assert registry["referrals_completed"].value(scope) == {(): 2}
    assert registry["referral_loop_closure_rate"].value(scope) == {(): 0.4}
    by_month = registry["referrals_sent"].value(scope, ("month",))
    assert by_month == {(datetime(2026, 3, 1).date(),): 4, (datetime(2026, 4, 1).date(),): 1}


def test_referral_metrics_command_prints_the_table_and_json(world, history, capsys):
    call_command(
        "referral_metrics", "--org", "riverbend", "--from", "2026-03-01", "--to", "2026-03-31", "--json"
    )
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["label"] == "all sent" and rows[0]["sent"] == 4 and rows[0]["loop_closure_rate"] == 0.5
    call_command("referral_metrics", "--org", "riverbend", "--from", "2026-03-01", "--to", "2026-03-31")
    assert "-> Northside Recovery" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("referral_metrics", "--org", "nowhere")
    with pytest.raises(CommandError):
        call_command("referral_metrics", "--org", "riverbend", "--from", "March")
