"""Spike detection over stored reports: a known cluster replayed day by day raises one alert, on time, for the
organizations whose pooled reports include it and for nobody else; it escalates and then ends."""

from datetime import timedelta

import pytest

from meetpoint.accounts.models import AuditEvent
from meetpoint.alerts import areas
from meetpoint.alerts.detection import detect
from meetpoint.alerts.models import Alert, AlertStatus
from meetpoint.alerts.tests.conftest import AREA, add_reports, background, share_overdoses

pytestmark = pytest.mark.django_db

CLUSTER = [2, 4, 7]  # overdoses on the cluster's three days


def replay(first, last):
    day = first
    while day <= last:
        detect(day)
        day += timedelta(days=1)


@pytest.fixture
def cluster(world, today):
    """A quiet area for 40 days, then a cluster that started 6 days ago (3 days long)."""
    start = today - timedelta(days=6)
    add_reports(world.home.organization, background(start))
    add_reports(
        world.home.organization, {start + timedelta(days=n): count for n, count in enumerate(CLUSTER)}
    )
    return start


def test_a_replayed_cluster_raises_one_alert_with_its_delay(world, cluster, today):
    replay(cluster - timedelta(days=5), today)
    spikes = Alert.objects.filter(organization=world.home.organization, kind="spike", area=AREA)
    assert spikes.count() == 1  # throttled: one alert for the whole cluster
    alert = spikes.get()
    delay = (alert.first_day - cluster).days
    assert delay == 1  # 2 over a baseline of about 0.4 is no spike; 4 is: the cluster's second day
    assert alert.method == "ears_c2" and alert.threshold == 3.0
    assert alert.count == 7 and alert.expected is not None and alert.statistic > alert.threshold
    assert alert.level > 1  # escalated on the strongest day
    assert [e.action for e in alert.events.all()][:2] == ["opened", "escalated"]
    assert AuditEvent.objects.filter(action="alert.opened", object_id=str(alert.pk)).exists()


def test_the_region_alert_counts_every_area(world, cluster, today):
    replay(cluster, today)
    assert Alert.objects.filter(organization=world.home.organization, area=areas.REGION).exists()


def test_an_alert_ends_after_quiet_days(world, cluster, today):
    replay(cluster, today)
    alert = Alert.objects.get(organization=world.home.organization, area=AREA)
    # The last signal was 4 days ago: three quiet days have passed.
    assert alert.status == AlertStatus.CLOSED and "No signal" in alert.close_reason
    assert alert.last_signal_day == cluster + timedelta(days=2)


def test_partners_who_receive_the_reports_see_the_alert_and_others_do_not(world, cluster, today):
    share_overdoses(world.home.admin, world.coalition.admin)
    replay(cluster, cluster + timedelta(days=2))
    audiences = set(Alert.objects.filter(area=AREA).values_list("organization_id", flat=True))
    assert audiences == {world.home.organization.pk, world.coalition.organization.pk}
    shared = Alert.objects.get(area=AREA, organization=world.coalition.organization)
    assert shared.sources == [str(world.home.organization.pk)]


def test_an_agreement_without_overdose_figures_shares_no_alert(world, cluster, today):
    from meetpoint.outcomes import actions as outcomes_actions

    agreement = outcomes_actions.propose_agreement(
        world.home.admin,
        outcomes_actions.AgreementInput(
            recipient=world.coalition.organization,
            indicators=["naloxone_kits_distributed"],
            valid_from=today - timedelta(days=100),
        ),
    )
    outcomes_actions.accept_agreement(world.coalition.admin, agreement)
    replay(cluster, cluster + timedelta(days=2))
    assert not Alert.objects.filter(organization=world.coalition.organization).exists()
    assert not Alert.objects.filter(organization=world.outsider.organization).exists()


def test_a_new_report_runs_detection_for_its_area_after_commit(
    world, today, django_capture_on_commit_callbacks
):
    from uuid import uuid4

    from django.utils import timezone

    from meetpoint.outreach import actions as outreach_actions
    from meetpoint.outreach.records import OverdoseIn

    add_reports(world.home.organization, background(today))
    add_reports(world.home.organization, {today: 3})
    with django_capture_on_commit_callbacks(execute=True):
        outreach_actions.record_overdose(
            world.home.staff,
            OverdoseIn(
                client_uuid=uuid4(),
                occurred_at=timezone.now() - timedelta(minutes=5),
                place_kind="grid_cell",
                grid_cell="40.45,-80.00",
            ),
        )
    assert Alert.objects.filter(organization=world.home.organization, area=AREA, status="open").exists()


def test_the_command_replays_a_range_and_refuses_a_bad_day(world, cluster, today):
    from django.core.management import CommandError, call_command

    call_command("detect_spikes", "--since", (cluster - timedelta(days=2)).isoformat(), "--no-delivery")
    assert Alert.objects.filter(organization=world.home.organization, area=AREA).count() == 1
    with pytest.raises(CommandError):
        call_command("detect_spikes", "--day", "yesterday")
    with pytest.raises(CommandError):
        call_command("detect_spikes", "--method", "satscan")
