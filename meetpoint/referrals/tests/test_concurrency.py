"""Two staff accept the same referral at the same moment, on PostgreSQL with separate connections: exactly one
wins, the other gets a 409, and exactly one acceptance is recorded."""

import threading

import pytest
from django.db import connection, connections

from meetpoint.referrals import actions
from meetpoint.referrals.models import Referral, ReferralTransition


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_exactly_one_wins(world, receiver, make_referral):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections); SQLite serializes all writers anyway")
    referral = make_referral(category="social_needs")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def accept(membership):
        try:
            barrier.wait()
            actions.transition_referral(membership, referral.pk, "accepted", note=membership.user.username)
            outcomes.append(200)
        except actions.ReferralError as error:
            outcomes.append(error.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(m,)) for m in (receiver.staff, receiver.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200, 409]
    assert Referral.objects.get(pk=referral.pk).state == "accepted"
    assert ReferralTransition.objects.filter(referral=referral, to_state="accepted").count() == 1
    assert Referral.objects.get(pk=referral.pk).version == 3
