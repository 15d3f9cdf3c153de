"""`meetpoint purge_expired`: contact details are cleared MEETPOINT_CONTACT_RETENTION_DAYS after a referral closed
or its consent ended, never before and never for open referrals with a consent in force; a dry run writes
nothing; each organization's audit log gets one event with counts, never the values; a second run purges nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from meetpoint.accounts.models import AuditEvent
from meetpoint.referrals import actions, lifecycle, retention
from meetpoint.referrals.models import Consent, Referral
from meetpoint.referrals.tests.conftest import consent_data

pytestmark = pytest.mark.django_db

PURGED = "contact_purged"


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def referral_closed(world, receiver, make_referral):
    """A referral sent long ago and moved to a final state `days` days ago."""

    def make(state: str, days: float, **fields):
        referral = make_referral(category="social_needs", **fields)
        if state in (lifecycle.CANCELLED, lifecycle.ENTERED_IN_ERROR):
            actions.transition_referral(world.home.staff, referral.pk, state, now=days_ago(days))
        elif state == lifecycle.DECLINED:
            actions.transition_referral(receiver.staff, referral.pk, state, now=days_ago(days))
        else:
            actions.transition_referral(
                receiver.staff, referral.pk, lifecycle.ACCEPTED, now=days_ago(days + 1)
            )
            actions.transition_referral(
                receiver.staff, referral.pk, state, reason_code="no_show", now=days_ago(days)
            )
        return referral

    return make


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def contact_of(referral) -> tuple:
    fresh = Referral.objects.get(pk=referral.pk)
    return fresh.contact_method, fresh.contact_detail, fresh.contact_purged_at


def test_final_states_past_retention_are_purged_and_the_rest_kept(referral_closed):
    due = [
        referral_closed(lifecycle.COMPLETED, 91),
        referral_closed(lifecycle.NOT_COMPLETED, 120),
        referral_closed(lifecycle.DECLINED, 95),
        referral_closed(lifecycle.CANCELLED, 91),
        referral_closed(lifecycle.ENTERED_IN_ERROR, 400),
    ]
    recent = referral_closed(lifecycle.COMPLETED, 89)
    yesterday = referral_closed(lifecycle.ENTERED_IN_ERROR, 1)

    output = purge()

    assert "Purged 5 referral contact detail(s) of 2 organization(s) (retention 90 days)." in output
    for referral in due:
        method, detail, purged_at = contact_of(referral)
        assert (method, detail) == ("", "") and purged_at is not None
    for referral in (recent, yesterday):
        method, detail, purged_at = contact_of(referral)
        assert method == "phone" and detail.reveal() == "555-0134" and purged_at is None


def test_expired_referrals_are_purged_after_retention(world, receiver, service):
    referral = actions.create_referral(
        world.home.staff,
        {
            "service_id": service.pk,
            "reason_category": "social_needs",
            "reason": "Needs food.",
            "contact_method": "text",
            "contact_detail": "555-0101",
        },
        now=days_ago(120),
    )
    assert actions.expire_referrals(now=days_ago(100)) == 1
    purge()
    assert contact_of(referral)[:2] == ("", "")


def test_an_open_referral_keeps_its_contact_however_old(world, receiver, make_referral):
    referral = make_referral(category="social_needs")
    Referral.objects.filter(pk=referral.pk).update(sent_at=days_ago(400), created=days_ago(400))
    actions.transition_referral(receiver.staff, referral.pk, lifecycle.ACCEPTED, now=days_ago(399))
    assert "Purged 0 " in purge()
    assert contact_of(referral)[1].reveal() == "555-0134"


def test_the_retention_period_is_a_setting(settings, referral_closed):
    referral = referral_closed(lifecycle.COMPLETED, 40)
    assert "Purged 0 " in purge()
    settings.MEETPOINT_CONTACT_RETENTION_DAYS = 30
    output = purge()
    assert "Purged 1 referral contact detail(s)" in output and "(retention 30 days)" in output
    assert contact_of(referral)[1] == ""


def test_a_revoked_or_expired_consent_starts_the_retention_unless_a_new_consent_is_in_force(
    world, make_referral
):
    revoked_long_ago = make_referral()
    actions.revoke_consent(world.home.staff, revoked_long_ago.pk, now=days_ago(91))
    revoked_lately = make_referral()
    actions.revoke_consent(world.home.staff, revoked_lately.pk, now=days_ago(10))
    expired_long_ago = make_referral()
    Consent.objects.filter(referral=expired_long_ago).update(
        expires_on=timezone.localdate() - timedelta(days=95)
    )
    consented_again = make_referral()
    actions.revoke_consent(world.home.staff, consented_again.pk, now=days_ago(200))
    actions.record_consent(world.home.staff, consented_again.pk, consent_data())

    output = purge("--dry-run")
    assert str(revoked_long_ago.pk) in output and str(expired_long_ago.pk) in output
    assert "consent ended" in output
    purge()

    assert contact_of(revoked_long_ago)[:2] == ("", "")
    assert contact_of(expired_long_ago)[:2] == ("", "")
    assert contact_of(revoked_lately)[1].reveal() == "555-0134"
    assert contact_of(consented_again)[1].reveal() == "555-0134"


def test_a_dry_run_lists_what_is_due_and_writes_nothing(referral_closed):
    due = referral_closed(lifecycle.COMPLETED, 100)
    kept = referral_closed(lifecycle.COMPLETED, 5)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_detail, contact_method FROM {Referral._meta.db_table}")  # noqa: S608
        before = sorted(cursor.fetchall())
    audit_before = AuditEvent.objects.count()

    output = purge("--dry-run")

    assert f"would purge referral {due.pk}: completed, closed" in output
    assert str(kept.pk) not in output and "555-0134" not in output
    assert "Dry run: 1 referral contact detail(s) of 2 organization(s) would be purged" in output
    assert "Nothing was changed." in output
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_detail, contact_method FROM {Referral._meta.db_table}")  # noqa: S608
        assert sorted(cursor.fetchall()) == before
    assert AuditEvent.objects.count() == audit_before
    assert Referral.objects.filter(contact_purged_at__isnull=False).count() == 0


def test_each_organization_gets_one_audit_event_with_counts_and_no_values(world, receiver, referral_closed):
    referral_closed(lifecycle.COMPLETED, 100)
    referral_closed(lifecycle.CANCELLED, 150, contact_method="email", contact_detail="sam@example.org")
    purge()
    events = {
        event.organization_id: event for event in AuditEvent.objects.filter(action="referral.contact_purged")
    }
    assert set(events) == {world.home.organization.pk, receiver.organization.pk}
    for event in events.values():
        assert event.detail == {
            "count": 2,
            "after_closing": 2,
            "after_consent_ended": 0,
            "retention_days": 90,
        }
        assert event.actor is None and event.object_type == "referrals.referral"
        assert "555" not in str(event.detail) and "sam@" not in str(event.detail)
    call_command("verify_audit", stdout=StringIO())  # the chain stays intact


def test_a_second_run_purges_nothing_and_logs_nothing(referral_closed):
    referral_closed(lifecycle.COMPLETED, 100)
    assert "Purged 1 " in purge()
    events = AuditEvent.objects.filter(action="referral.contact_purged").count()
    assert "Purged 0 referral contact detail(s) of 0 organization(s)" in purge()
    assert AuditEvent.objects.filter(action="referral.contact_purged").count() == events


def test_referrals_without_a_contact_detail_are_not_counted(referral_closed):
    referral_closed(lifecycle.COMPLETED, 100, contact_method="in_person", contact_detail="")
    assert retention.due_for_purge() == []
    assert "Purged 0 " in purge()
    assert Referral.objects.get().contact_method == "in_person"
