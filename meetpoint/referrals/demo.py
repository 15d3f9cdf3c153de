"""Demo referrals: the emergency department (st-lukes-hospital) and the mobile unit refer people to the syringe
services program, the treatment provider and the food bank over the last 180 days, in every state, with consents,
so inboxes, outboxes and loop metrics show something. Everything goes through actions.py with backdated times."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from meetpoint.accounts.models import Membership
from meetpoint.directory.models import Service
from meetpoint.referrals import actions, lifecycle
from meetpoint.referrals.consent_rules import SUBSTANCE_INSTRUMENTS
from meetpoint.screening.models import Screening

# (sender slug, receiver slug, preferred taxonomy codes, reason category, count)
PAIRS = [
    (
        "st-lukes-hospital",
        "riverside-harm-reduction",
        ("syringe-services", "naloxone", "harm-reduction"),
        "substance_use",
        30,
    ),
    ("st-lukes-hospital", "northside-recovery", ("moud", "treatment"), "substance_use", 24),
    ("st-lukes-hospital", "harvest-food-bank", ("food", "social-services"), "social_needs", 20),
    ("three-rivers-mobile-health", "northside-recovery", ("moud", "treatment"), "substance_use", 12),
    ("riverside-harm-reduction", "harvest-food-bank", ("food", "social-services"), "social_needs", 8),
]
REASONS = {
    "substance_use": [
        "Asked for syringe services and naloxone after an overdose visit.",
        "Wants to start buprenorphine; seen in the emergency department today.",
        "Interested in fentanyl test strips and wound care.",
    ],
    "social_needs": [
        "Screened positive for food insecurity.",
        "Runs out of food before the end of the month.",
    ],
}


def _staff(region, organization):
    for _username, membership in region.memberships.items():
        if membership.organization_id == organization.pk and membership.role == "staff":
            return membership
    return Membership.objects.filter(organization=organization, role__in=("staff", "admin")).first()


def _service(organization, codes):
    services = Service.objects.filter(
        organization=organization, status=Service.Status.ACTIVE, accepts_referrals=True
    )
    for code in codes:
        match = services.filter(taxonomy_terms__code=code).first()
        if match:
            return match
    return services.order_by("name").first()


def _consent(region, sent_day, receiver_name):
    return {
        "patient_reference": f"Demo participant {region.rng.randint(1000, 9999)}",
        "information": "The referral reason, the screening result and how to reach the person.",
        "purpose": f"To refer the person to {receiver_name} and coordinate their care.",
        "expires_on": (sent_day + timedelta(days=region.rng.choice([90, 365]))).isoformat(),
        "signature_method": region.rng.choice(["written", "electronic", "verbal"]),
        "signed_on": sent_day.isoformat(),
        "witnessed_by": "Intake nurse",
        "right_to_revoke_given": True,
    }


def load(region) -> None:
    rng = region.rng
    tz = timezone.get_current_timezone()
    for sender_slug, receiver_slug, codes, category, count in PAIRS:
        sender = region.organizations.get(sender_slug)
        receiver = region.organizations.get(receiver_slug)
        if sender is None or receiver is None:
            continue
        service = _service(receiver, codes)
        sender_staff, receiver_staff = _staff(region, sender), _staff(region, receiver)
        if service is None or sender_staff is None or receiver_staff is None:
            continue
        instruments = SUBSTANCE_INSTRUMENTS if category == "substance_use" else {"ahc-hrsn"}
        screenings = list(
            Screening.objects.filter(organization=sender, instrument__in=instruments).order_by("created")[
                :count
            ]
        )
        for n in range(count):
            waiting = n >= count - 2  # the last two of each pair still wait for an answer (one often overdue)
            days_ago = rng.randint(0, 5) if waiting else rng.randint(0, 179)
            sent_day = region.today - timedelta(days=days_ago)
            sent_at = timezone.make_aware(
                datetime.combine(sent_day, time(rng.randint(7, 20), rng.randint(0, 59))), tz
            )
            data = {
                "service_id": service.pk,
                "reason_category": category,
                "reason": rng.choice(REASONS[category]),
                "urgency": rng.choice(["routine", "routine", "urgent", "emergent"]),
                "contact_method": rng.choice(["phone", "text", "via_sender", "in_person"]),
                "contact_detail": f"555-01{rng.randint(10, 99)}",
            }
            if screenings and n < len(screenings) and rng.random() < 0.5:
                data["screening_id"] = screenings[n].pk
            consent = _consent(region, sent_day, receiver.name) if category == "substance_use" else None
            referral = actions.create_referral(sender_staff, data, send=True, consent=consent, now=sent_at)
            if not waiting:
                _play_out(region, referral, sender_staff, receiver_staff, sent_at, days_ago)
    actions.flag_overdue_referrals()
    actions.expire_referrals()


def _play_out(region, referral, sender_staff, receiver_staff, sent_at, days_ago) -> None:
    """Moves a demo referral along a plausible path, never into the future."""
    rng = region.rng
    now = timezone.now()
    roll = rng.random()
    if days_ago < 3 and roll < 0.5:
        return  # recent and still waiting
    if roll < 0.05:
        actions.transition_referral(
            sender_staff,
            referral.pk,
            lifecycle.CANCELLED,
            note="Person found another program.",
            now=min(now, sent_at + timedelta(hours=6)),
        )
        return
    if roll < 0.12 and days_ago >= 3:
        return  # never answered: flagged overdue, and expired by the command when old enough
    step = sent_at + timedelta(hours=rng.uniform(1, 60))
    if step >= now:
        return
    if roll < 0.18:
        actions.transition_referral(
            receiver_staff, referral.pk, lifecycle.DECLINED, note="Outside our service area.", now=step
        )
        return
    actions.transition_referral(receiver_staff, referral.pk, lifecycle.ACCEPTED, now=step)
    step += timedelta(hours=rng.uniform(2, 72))
    if step >= now:
        return
    actions.transition_referral(receiver_staff, referral.pk, lifecycle.IN_PROGRESS, now=step)
    step += timedelta(hours=rng.uniform(4, 240))
    if step >= now:
        return
    if rng.random() < 0.2:
        reason = rng.choice(list(lifecycle.NOT_COMPLETED_REASONS))
        actions.transition_referral(
            receiver_staff,
            referral.pk,
            lifecycle.NOT_COMPLETED,
            reason_code=reason,
            note="Tried three times.",
            now=step,
        )
    else:
        actions.transition_referral(
            receiver_staff, referral.pk, lifecycle.COMPLETED, note="Seen and enrolled.", now=step
        )
