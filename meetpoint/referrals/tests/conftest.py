"""Referral fixtures: the home organization of the test world sends, a treatment provider receives, and the
world's outsider stays outside every referral."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetpoint.accounts.roles import PartnerType
from meetpoint.directory.models import Service
from meetpoint.participants.models import Participant
from meetpoint.referrals import actions
from meetpoint.screening.models import Screening
from meetpoint.testworld import make_side


def consent_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "patient_reference": "Participant MA0785",
        "information": "Referral reason and TAPS screening result.",
        "purpose": "To start treatment with buprenorphine.",
        "expires_on": (today + timedelta(days=90)).isoformat(),
        "signature_method": "verbal",
        "signed_on": today.isoformat(),
        "witnessed_by": "Nurse Ortiz",
        "right_to_revoke_given": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def receiver(world):
    side = make_side("Northside Recovery", "northside-test", PartnerType.TREATMENT)
    for membership in (side.staff, side.admin):
        membership.user.email = f"{membership.user.username}@northside.example"
        membership.user.save()
    return side


@pytest.fixture
def service(receiver):
    return Service.objects.create(organization=receiver.organization, name="Same-day buprenorphine start")


@pytest.fixture
def participant(world):
    return Participant.objects.create(
        organization=world.home.organization, code_hash="a" * 64, age_band="25-34"
    )


@pytest.fixture
def taps_screening(world, participant):
    return Screening.objects.create(
        organization=world.home.organization,
        participant=participant,
        instrument="taps",
        instrument_version="1",
        answers={},
        result={},
        total=3,
        positive=True,
        risk_level="high",
    )


@pytest.fixture
def make_referral(world, service):
    """Sends a referral from the home organization to the service; substance use carries a valid consent."""

    def make(category: str = "substance_use", send: bool = True, consent: dict | None = None, **fields):
        data = {
            "service_id": service.pk,
            "reason_category": category,
            "reason": "Wants to start buprenorphine today.",
            "contact_method": "phone",
            "contact_detail": "555-0134",
        }
        data.update(fields)
        if consent is None and category == "substance_use" and send:
            consent = consent_data()
        return actions.create_referral(world.home.staff, data, send=send, consent=consent)

    return make
