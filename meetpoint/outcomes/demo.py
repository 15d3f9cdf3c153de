"""Demo outcomes: three partners share with the coalition under agreements in force, and the exchange has run
for every closed month, so the coalition's inbox and dashboard have data. One partner publishes open data."""

from datetime import date

from django.utils import timezone

from meetpoint import indicators as indicator_registry
from meetpoint.outcomes import actions
from meetpoint.outcomes.models import OpenDataset, SharingAgreement

COALITION = "three-rivers-coalition"
HARM_REDUCTION_CODES = [
    "outreach_encounters",
    "outreach_unique_participants",
    "naloxone_kits_distributed",
    "syringes_distributed",
    "syringes_collected",
    "syringe_exchange_ratio",
    "test_strips_distributed",
    "reversals_reported",
    "overdoses_reported_fatal",
    "overdoses_reported_nonfatal",
]
HOSPITAL_CODES = [
    "people_screened",
    "referrals_sent",
    "referrals_accepted",
    "referrals_completed",
    "referral_loop_closure_rate",
    "overdoses_reported_nonfatal",
]
PARTNERS = {
    "riverside-harm-reduction": ("ssp", HARM_REDUCTION_CODES, "zip3"),
    "three-rivers-mobile-health": ("mobile", HARM_REDUCTION_CODES, "zip3"),
    "st-lukes-hospital": ("ed", HOSPITAL_CODES, "county"),
}


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def load(region) -> None:
    coalition = region.organizations.get(COALITION)
    if coalition is None:
        return
    coalition_admin = region.memberships.get("demo-coalition-admin")
    start = _months_back(region.today, 6)  # the outreach demo covers the last 180 days
    for slug, (short, wanted, place_grain) in PARTNERS.items():
        organization = region.organizations.get(slug)
        admin = region.memberships.get(f"demo-{short}-admin")
        codes = [code for code in wanted if code in indicator_registry.registry]
        if organization is None or admin is None or coalition_admin is None or not codes:
            continue
        if SharingAgreement.objects.filter(sharer=organization, recipient=coalition).exists():
            continue
        agreement = actions.propose_agreement(
            admin,
            actions.AgreementInput(
                recipient=coalition,
                indicators=codes,
                valid_from=start,
                time_grain="month",
                place_grain=place_grain,
                purpose="Combined monthly figures for the coalition's planning and grant reports.",
            ),
        )
        actions.accept_agreement(coalition_admin, agreement)
    riverside = region.organizations.get("riverside-harm-reduction")
    riverside_admin = region.memberships.get("demo-ssp-admin")
    open_codes = [
        c for c in ("naloxone_kits_distributed", "syringes_distributed") if c in indicator_registry.registry
    ]
    if (
        riverside
        and riverside_admin
        and open_codes
        and not OpenDataset.objects.filter(organization=riverside).exists()
    ):
        quarter_start = _months_back(region.today, 6)
        quarter_start = date(quarter_start.year, (quarter_start.month - 1) // 3 * 3 + 1, 1)
        actions.create_open_dataset(
            riverside_admin,
            actions.DatasetInput(
                title="Naloxone and syringes distributed",
                description="Quarterly supplies distributed by Riverside Harm Reduction, county-wide.",
                indicators=open_codes,
                published_from=quarter_start,
                time_grain="quarter",
                place_grain="county",
            ),
        )
    actions.run_exchanges(region.today if region.today else timezone.localdate())
