"""Detection on each new overdose report, after its transaction commits: only the pools that count the report's
organization and only its area and the region, so the request that recorded it waits for a few small queries at
most. Nothing is sent here (deliveries are queued), and a failure is logged, never shown to the person who
recorded the report. Bulk loads (imports, the demo) skip this: `meetpoint detect_spikes` covers them."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from meetpoint.outreach.models import OverdoseReport

log = logging.getLogger(__name__)


def _detect_for(report_id) -> None:
    from meetpoint.alerts import areas
    from meetpoint.alerts.detection import detect

    report = OverdoseReport.objects.filter(pk=report_id).select_related("location").first()
    if report is None:
        return
    day = timezone.localdate(report.occurred_at)
    if day < timezone.localdate() - timedelta(days=1):
        return  # a late report of an old day: the daily run sees it
    location = report.location
    area = areas.of_report(
        report.place_kind,
        report.grid_cell,
        report.block_group,
        location.latitude if location else None,
        location.longitude if location else None,
    )
    try:
        detect(day, organization_ids={report.organization_id}, only_areas={area, areas.REGION})
    except Exception:  # noqa: BLE001 -- the report is stored; detection must never fail its request
        log.exception("Spike detection after overdose report %s failed", report_id)


def _saved(sender, instance, created, **kwargs) -> None:
    if created:
        transaction.on_commit(lambda: _detect_for(instance.pk))


def connect() -> None:
    post_save.connect(_saved, sender=OverdoseReport, dispatch_uid="alerts.detect_on_report")
