"""Creating, sending and moving referrals through actions.py: validation, history, conflicts, consent, expiry,
notifications and email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from meetpoint.directory.models import Service
from meetpoint.referrals import actions
from meetpoint.referrals.models import Notification, Referral, ReferralTransition

pytestmark = pytest.mark.django_db


def _data(service, **overrides):
    data = {
        "service_id": service.pk,
        "reason_category": "social_needs",
        "reason": "Needs food.",
        "contact_method": "via_sender",
    }
    data.update(overrides)
    return data


def test_referral_to_a_missing_closed_or_non_referring_service_is_refused_with_the_reason(world, service):
    with pytest.raises(actions.ReferralError) as missing:
        actions.create_referral(
            world.home.staff, _data(service, service_id="00000000-0000-0000-0000-000000000000")
        )
    assert missing.value.status == 400 and "no service" in missing.value.errors["service"]
    service.status = Service.Status.INACTIVE
    service.save()
    with pytest.raises(actions.ReferralError) as closed:
        actions.create_referral(world.home.staff, _data(service))
    assert "not active" in closed.value.errors["service"]
    service.status = Service.Status.ACTIVE
    service.accepts_referrals = False
    service.save()
    with pytest.raises(actions.ReferralError) as refusing:
        actions.create_referral(world.home.staff, _data(service))
    assert "does not accept referrals" in refusing.value.errors["service"]
    assert not Referral.objects.exists()


def test_bad_fields_are_each_named_and_nothing_is_written(world, service):
    with pytest.raises(actions.ReferralError) as error:
        actions.create_referral(
            world.home.staff,
            _data(service, reason="", urgency="whenever", contact_method="email", contact_detail="nope"),
        )
    assert set(error.value.errors) == {"reason", "urgency", "contact_detail"}
    assert not Referral.objects.exists()


def test_a_screening_of_another_organization_is_refused(world, service, taps_screening):
    with pytest.raises(actions.ReferralError) as error:
        actions.create_referral(world.outsider.staff, _data(service, screening_id=taps_screening.pk))
    assert "screening" in error.value.errors


def test_sending_records_history_and_notifies_the_receiver_by_app_and_email(
    world, receiver, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(category="social_needs")
    assert referral.state == "sent" and referral.version == 2
    steps = list(referral.transitions.values_list("from_state", "to_state", "actor__username"))
    assert steps == [("", "draft", "riverbend-staff"), ("draft", "sent", "riverbend-staff")]
    note = Notification.objects.get(organization=receiver.organization)
    assert note.kind == "new_referral" and note.text == "A new referral is waiting."
    assert len(mail.outbox) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "northside-test-admin@northside.example",
        "northside-test-staff@northside.example",
    ]
    body = mail.outbox[0].body
    assert f"/referrals/{referral.pk}/" in body
    assert "Needs" not in body and "buprenorphine" not in body and "555-0134" not in body


def test_illegal_transition_is_a_409_listing_the_allowed_ones(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    with pytest.raises(actions.ReferralError) as error:
        actions.transition_referral(receiver.staff, referral.pk, "completed")
    assert error.value.status == 409
    assert error.value.allowed == ["accepted", "declined"]
    with pytest.raises(actions.ReferralError) as sender_error:
        actions.transition_referral(world.home.staff, referral.pk, "accepted")
    assert sender_error.value.status == 409 and "accepted" not in sender_error.value.allowed
    assert Referral.objects.get(pk=referral.pk).state == "sent"


def test_a_stale_version_loses_with_a_conflict(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    actions.transition_referral(receiver.staff, referral.pk, "accepted", expected_version=2)
    with pytest.raises(actions.ReferralError) as error:
        actions.transition_referral(receiver.admin, referral.pk, "in_progress", expected_version=2)
    assert error.value.status == 409 and "changed by someone else" in error.value.message
    assert ReferralTransition.objects.filter(referral=referral).count() == 3


def test_conditional_update_refuses_a_second_writer_that_read_the_same_version(
    world, receiver, make_referral
):
    referral = make_referral(category="social_needs")
    stale = Referral.objects.get(pk=referral.pk)  # read by a second member before the first one acts
    actions.transition_referral(receiver.staff, referral.pk, "accepted")
    with pytest.raises(actions.ReferralError) as error:
        actions._apply_transition(stale, receiver.admin, "declined", "receiver", now=timezone.now())
    assert error.value.status == 409 and "it is now accepted" in error.value.message
    assert Referral.objects.get(pk=referral.pk).state == "accepted"


def test_not_completed_needs_a_reason(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    actions.transition_referral(receiver.staff, referral.pk, "accepted")
    with pytest.raises(actions.ReferralError) as error:
        actions.transition_referral(receiver.staff, referral.pk, "not_completed")
    assert error.value.status == 400
    done = actions.transition_referral(
        receiver.staff, referral.pk, "not_completed", reason_code="unable_to_reach"
    )
    assert done.state == "not_completed" and done.status_reason_code == "unable_to_reach" and done.closed_at


def test_the_sender_learns_when_the_loop_closes(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    for state in ("accepted", "in_progress", "on_hold", "in_progress", "completed"):
        actions.transition_referral(receiver.staff, referral.pk, state)
    notices = Notification.objects.filter(organization=world.home.organization)
    assert "A referral is now: Completed." in [notice.text for notice in notices]


def test_a_notice_is_read_in_the_readers_language_not_the_actors(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    with translation.override("en"):
        actions.transition_referral(receiver.staff, referral.pk, "accepted")
    notice = Notification.objects.get(organization=world.home.organization, kind="state_changed")
    with translation.override("es"):
        assert notice.text == "Una derivación está ahora: Aceptada."
    with translation.override("en"):
        assert notice.text == "A referral is now: Accepted."


def test_analysts_and_viewers_may_not_refer(world, service):
    for membership in (world.home.analyst, world.home.viewer):
        with pytest.raises(actions.ReferralError) as error:
            actions.create_referral(membership, _data(service))
        assert error.value.status == 403


def test_overdue_referrals_are_flagged_on_both_sides_once_and_old_ones_expire(
    world, receiver, make_referral, settings
):
    settings.MEETPOINT_REFERRAL_OVERDUE_HOURS = 72
    settings.MEETPOINT_REFERRAL_EXPIRE_HOURS = 24 * 14
    recent = make_referral(category="social_needs")
    late = make_referral(category="social_needs")
    old = make_referral(category="social_needs")
    now = timezone.now()
    Referral.objects.filter(pk=late.pk).update(sent_at=now - timedelta(hours=80))
    Referral.objects.filter(pk=old.pk).update(sent_at=now - timedelta(days=15))
    call_command("expire_referrals")
    call_command("expire_referrals")
    assert Referral.objects.get(pk=recent.pk).overdue_flagged_at is None
    assert Referral.objects.get(pk=late.pk).state == "sent"
    overdue = Notification.objects.filter(referral=late, kind="overdue")
    assert sorted(overdue.values_list("organization__slug", flat=True)) == ["northside-test", "riverbend"]
    expired = Referral.objects.get(pk=old.pk)
    assert expired.state == "expired"
    assert expired.transitions.last().side == "system"
    assert Notification.objects.filter(referral=old, kind="expired").count() == 2
