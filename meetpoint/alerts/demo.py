"""Demo alerts: a cluster of overdoses near Riverside Harm Reduction's site in the last days raises a spike alert
for the SSP, the health department and the coalition (whose agreements share overdose figures), and nobody else;
a drug-checking sample with xylazine raises a bad-batch alert on the public page."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from meetpoint.alerts import actions
from meetpoint.alerts.detection import detect
from meetpoint.outcomes import actions as outcomes_actions
from meetpoint.outcomes.models import SharingAgreement
from meetpoint.outreach.models import OverdoseReport

NAMESPACE = uuid.UUID("6f1d4c1e-2a51-4d1e-9a53-8d7a7b0c2a10")
CLUSTER = (2, 4, 6)  # overdoses three, two and one day ago
SHARERS = (("riverside-harm-reduction", "ssp"), ("three-rivers-mobile-health", "mobile"))


def _share_with_health_department(region) -> None:
    health = region.organizations.get("three-rivers-health")
    health_admin = region.memberships.get("demo-health-admin")
    if health is None or health_admin is None:
        return
    for slug, short in SHARERS:
        organization, admin = region.organizations.get(slug), region.memberships.get(f"demo-{short}-admin")
        if organization is None or admin is None:
            continue
        if SharingAgreement.objects.filter(sharer=organization, recipient=health).exists():
            continue
        agreement = outcomes_actions.propose_agreement(
            admin,
            outcomes_actions.AgreementInput(
                recipient=health,
                indicators=["overdoses_reported_fatal", "overdoses_reported_nonfatal"],
                valid_from=region.today - timedelta(days=200),
                place_grain="zip3",
                purpose="Overdose surveillance: shared spike alerts with the health department.",
            ),
        )
        outcomes_actions.accept_agreement(health_admin, agreement)


def _cluster(region, ssp, site, staff) -> None:
    reports = []
    for days_ago, count in zip((3, 2, 1), CLUSTER, strict=True):
        day = region.today - timedelta(days=days_ago)
        for number in range(count):
            occurred = timezone.make_aware(datetime.combine(day, time(14 + number, 10 * number)))
            reports.append(
                OverdoseReport(
                    client_uuid=uuid.uuid5(NAMESPACE, f"cluster:{day}:{number}"),
                    organization=ssp,
                    occurred_at=occurred,
                    place_kind="stop",
                    location=site,
                    stop_name=site.name,
                    naloxone_doses_bystander=2,
                    called_911="yes",
                    substances=["fentanyl", "xylazine"],
                    reported_by="participant",
                    recorded_by=staff.user if staff else None,
                )
            )
    OverdoseReport.objects.bulk_create(reports, ignore_conflicts=True)


def load(region) -> None:
    ssp = region.organizations.get("riverside-harm-reduction")
    site = region.extra.get("ssp_site")
    staff = region.memberships.get("demo-ssp-staff")
    if ssp is None or site is None or site.latitude is None:
        return
    _share_with_health_department(region)
    _cluster(region, ssp, site, staff)
    # The daily runs of the last two weeks, as cron would have made them.
    for days_ago in range(14, -1, -1):
        detect(region.today - timedelta(days=days_ago))
    if staff is not None:
        actions.record_sample(
            staff,
            actions.SampleIn(
                collected_on=region.today - timedelta(days=1),
                method="ftir",
                found=["fentanyl", "xylazine"],
                not_found=["nitazenes"],
                expected_substance="heroin",
                site=site.name,
            ),
        )
    for short in ("ssp", "health"):
        admin = region.memberships.get(f"demo-{short}-admin")
        if admin is not None:
            actions.subscribe(
                admin,
                actions.SubscriptionIn(
                    kinds=["spike", "bad_batch"], email=f"alerts@{admin.organization.slug}.example.org"
                ),
            )
