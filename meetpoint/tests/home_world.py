"""A rich "home" world for the authorization matrix: one object of every kind owned by the shared test world's
home organization, made through each app's own actions, plus marker strings that must never reach an unrelated
organization (participant-level data) or the anonymous public (a confidential site's exact place)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.test import override_settings
from django.utils import timezone

from meetpoint.accounts.roles import PartnerType
from meetpoint.alerts import actions as alert_actions
from meetpoint.alerts import areas as alert_areas
from meetpoint.alerts import detection as alert_detection
from meetpoint.alerts.models import Alert
from meetpoint.directory import actions as directory
from meetpoint.directory.models import ServiceAtLocation, Taxonomy, TaxonomyTerm
from meetpoint.directory.taxonomy import load_taxonomy
from meetpoint.education import actions as education
from meetpoint.education import invitations as education_invitations
from meetpoint.inventory import actions as inventory
from meetpoint.inventory.catalog import load_catalog
from meetpoint.inventory.models import StockLot, StockMovement, SupplyItem
from meetpoint.outcomes import actions as outcomes
from meetpoint.outcomes.periods import period_containing
from meetpoint.outreach import actions as outreach
from meetpoint.outreach.records import EncounterIn, OverdoseIn
from meetpoint.participants import actions as participants
from meetpoint.participants.models import PossibleDuplicate
from meetpoint.policy import actions as policy
from meetpoint.referrals import actions as referrals
from meetpoint.screening import actions as screening
from meetpoint.testworld import World, make_side, make_world

CENTRE = (40.4406, -79.9959)
# The confidential site's exact place: the home organization (and partners it names) see it, nobody else — the
# anonymous public and unrelated members alike (6 decimals on purpose, so its rounded public form cannot contain
# these digits).
SECRET_LATITUDE = 40.473517
SECRET_LONGITUDE = -79.988653
SECRET_STREET = "4417 Hidden Door Alley"
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class HomeWorld:
    """The shared test world plus the home organization's objects by kind, and what must not leak."""

    world: World
    objects: dict[str, object] = field(default_factory=dict)
    # Strings that only the home organization's staff/admin may ever see (participant-level, org-private).
    secrets: dict[str, str] = field(default_factory=dict)
    # Strings only the home organization (and partners it names) may see (the exact confidential place).
    partner_only: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)  # "<side>.<role>" -> bearer headers
    clients: dict[int, object] = field(default_factory=dict)  # membership pk -> signed-in test client

    def __getitem__(self, kind: str):
        return self.objects[kind]


def _encounter(site, code: str, **overrides) -> EncounterIn:
    record = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "site": str(site.pk),
        "participant_code": code,
        "supplies": [
            {"item": "syringe-1ml-28g", "quantity": 20},
            {"item": "naloxone-nasal-4mg", "quantity": 2},
        ],
        "syringes_collected": 15,
        "naloxone_kit_status": "first",
    }
    record.update(overrides)
    return EncounterIn.model_validate(record)


def build_home_world() -> HomeWorld:
    with override_settings(PASSWORD_HASHERS=FAST_HASHING):
        return _build()


def _build() -> HomeWorld:
    world = make_world()
    hw = HomeWorld(world)
    home, coalition = world.home, world.coalition
    org = home.organization
    load_taxonomy()
    load_catalog(SupplyItem)
    o = hw.objects

    # Directory: a public site, a confidential site, a mobile unit with a stop, a service at both sites.
    o["location"] = directory.save_location(
        org,
        directory.LocationInput(
            name="Riverbend Main Street",
            latitude=CENTRE[0],
            longitude=CENTRE[1],
            address_1="100 Market St",
            city="Three Rivers",
            state_province="PA",
            postal_code="15201",
        ),
    )
    o["confidential_location"] = directory.save_location(
        org,
        directory.LocationInput(
            name="Riverbend Quiet Room",
            latitude=SECRET_LATITUDE,
            longitude=SECRET_LONGITUDE,
            address_1=SECRET_STREET,
            city="Three Rivers",
            state_province="PA",
            postal_code="15201",
            is_confidential=True,
            public_area="Near Elm Park",
        ),
    )
    o["mobile_unit"] = directory.save_location(
        org,
        directory.LocationInput(
            name="Riverbend Van", is_mobile=True, latitude=CENTRE[0], longitude=CENTRE[1]
        ),
    )
    o["schedule"] = directory.add_schedule(
        directory.ScheduleInput(opens_at=time(9), closes_at=time(17), weekday=2), location=o["location"]
    )
    o["service"] = directory.save_service(
        org,
        directory.ServiceInput(
            name="Riverbend syringe services",
            taxonomy_codes=("syringe-services", "naloxone"),
            location_ids=(str(o["location"].pk), str(o["confidential_location"].pk)),
            is_free=True,
        ),
    )
    o["service_at_location"] = ServiceAtLocation.objects.filter(service=o["service"]).first()
    o["taxonomy"] = Taxonomy.objects.first()
    o["taxonomy_term"] = TaxonomyTerm.objects.get(code="naloxone")
    hw.partner_only["confidential latitude"] = f"{SECRET_LATITUDE}"
    hw.partner_only["confidential longitude"] = f"{SECRET_LONGITUDE}"
    hw.partner_only["confidential street"] = SECRET_STREET

    # A receiving treatment provider (unrelated to the outsider) for referrals.
    receiver = make_side("Northside Recovery", "northside-authz", PartnerType.TREATMENT)
    hw.objects["receiver_side"] = receiver
    treatment = directory.save_service(
        receiver.organization,
        directory.ServiceInput(name="Same-day buprenorphine", taxonomy_codes=("moud",), location_ids=()),
    )

    # Screening of a participant (participant-level).
    o["screening"] = screening.record_screening(
        home.staff, instrument="phq-9", answers=[1, 1, 0, 0, 0, 0, 0, 0, 1], participant_code="HX0785"
    )
    o["participant"] = o["screening"].participant
    hw.secrets["participant code hash"] = o["participant"].code_hash
    hw.secrets["screening id"] = str(o["screening"].pk)

    # Referral with consent, from home to the receiver.
    today = timezone.localdate()
    o["referral"] = referrals.create_referral(
        home.staff,
        {
            "service_id": treatment.pk,
            "reason_category": "substance_use",
            "reason": "Zephyrine wants to start buprenorphine today.",
            "contact_method": "phone",
            "contact_detail": "412-555-0187",
            "screening_id": str(o["screening"].pk),
        },
        send=True,
        consent={
            "patient_reference": "Participant Quillonby",
            "information": "Referral reason and screening result.",
            "purpose": "To start treatment.",
            "expires_on": (today + timedelta(days=90)).isoformat(),
            "signature_method": "verbal",
            "signed_on": today.isoformat(),
            "witnessed_by": "Nurse Ortiz",
            "right_to_revoke_given": True,
        },
    )
    hw.secrets["referral id"] = str(o["referral"].pk)
    hw.secrets["referral reason"] = "Zephyrine"
    hw.secrets["referral contact"] = "412-555-0187"
    hw.secrets["consent patient"] = "Quillonby"

    # Inventory: naloxone received into a lot; an encounter at the mobile unit (no stock there) drives stock
    # negative, which leaves a movement waiting for reconciliation.
    o["receipt"] = inventory.record_receipt(
        home.staff,
        location=o["location"],
        item="naloxone-nasal-4mg",
        quantity=40,
        lot_number="LOTSECRET77",
        expires_on=today + timedelta(days=400),
        source="County health department",
    )
    o["lot"] = StockLot.objects.get(lot_number="LOTSECRET77")
    hw.secrets["stock lot number"] = "LOTSECRET77"
    inventory.set_threshold(home.staff, item="naloxone-nasal-4mg", minimum=5, location=o["location"])

    # Outreach: encounters (participant-level), an overdose report, and a possible duplicate participant.
    o["encounter"], _ = outreach.record_encounter(home.staff, _encounter(o["location"], "HX0785"))
    hw.secrets["encounter id"] = str(o["encounter"].client_uuid)
    outreach.record_encounter(home.staff, _encounter(o["mobile_unit"], "HX0786"))
    o["unreconciled"] = StockMovement.objects.filter(
        organization=org, needs_reconciliation=True, reconciled_at__isnull=True
    ).first()
    o["overdose"], _ = outreach.record_overdose(
        home.staff,
        OverdoseIn.model_validate(
            {
                "client_uuid": str(uuid.uuid4()),
                "occurred_at": (timezone.now() - timedelta(days=1)).isoformat(),
                "place_kind": "stop",
                "site": str(o["location"].pk),
                "naloxone_doses_staff": 2,
                "substances": ["fentanyl"],
            }
        ),
    )
    hw.secrets["overdose report id"] = str(o["overdose"].client_uuid)
    participants.find_or_create_participant(org, "HX0787")
    o["duplicate"] = PossibleDuplicate.objects.filter(organization=org).first()

    # Education: a partners-only training with a registration, and a take-back event.
    o["event"] = education.create_event(
        home.staff,
        title="Riverbend naloxone training",
        kind="overdose_response",
        audience="law_enforcement",
        starts_at=timezone.now() + timedelta(days=3),
        venue="Station 4",
        area_code="42003",
        surveys=["overdose-knowledge"],
    )
    # An invitation the home organization sent: the coalition is asked to co-host the training.
    o["invitation"] = education_invitations.invite(home.staff, o["event"], coalition.organization.pk)
    o["public_event"] = education.create_event(
        home.staff,
        title="Riverbend community forum",
        kind="community_forum",
        audience="general_public",
        starts_at=timezone.now() + timedelta(days=4),
        venue="Public library",
        is_public=True,
        registration_open=True,
    )
    o["registration"] = education.add_registration(
        home.staff, o["event"], name="Ottoline Vasquez-Brimble", contact="ottoline@example.org"
    )
    education.register_self(o["public_event"], name="Barnaby Quexley", contact="412-555-0142")
    hw.secrets["public event registrant"] = "Quexley"
    hw.secrets["registrant name"] = "Ottoline"
    hw.secrets["registrant contact"] = "ottoline@example.org"
    o["take_back"] = education.create_take_back(
        home.staff, title="Riverbend take-back day", date=today - timedelta(days=10), pounds_collected="12.5"
    )

    # Policy tracked by the home organization.
    o["policy"] = policy.create_policy(
        home.staff,
        title="Riverbend Good Samaritan ordinance",
        kind="bill",
        topic="good_samaritan",
        jurisdiction="City of Three Rivers",
        status="introduced",
        status_date=today - timedelta(days=30),
    )

    # Outcomes: an agreement sharing with the coalition (accepted, with a delivered package), an open dataset.
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    last_month = period_containing("month", last_month_end)
    o["agreement"] = outcomes.propose_agreement(
        home.admin,
        outcomes.AgreementInput(
            recipient=coalition.organization,
            indicators=["naloxone_kits_distributed", "outreach_encounters"],
            valid_from=date(today.year - 1, 1, 1),
            purpose="Coalition dashboard",
        ),
    )
    outcomes.accept_agreement(coalition.admin, o["agreement"])
    o["package"] = outcomes.deliver_package(o["agreement"], last_month, today=today)
    hw.secrets["agreement id"] = str(o["agreement"].pk)
    hw.secrets["package id"] = str(o["package"].pk)
    o["open_dataset"] = outcomes.create_open_dataset(
        home.admin,
        outcomes.DatasetInput(
            title="Riverbend naloxone open data",
            indicators=["naloxone_kits_distributed"],
            published_from=date(today.year - 1, 1, 1),
        ),
    )

    # Alerts: the home organization's own spike (four overdoses in one area within minutes), a drug-checking
    # sample with xylazine (its bad-batch alert is every partner's) and a subscription with a signed webhook.
    spike_cell = "40.71,-79.31"
    for minutes in range(5, 9):
        occurred = timezone.now() - timedelta(minutes=minutes)
        outreach.record_overdose(
            home.staff,
            OverdoseIn.model_validate(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "occurred_at": occurred.isoformat(),
                    "place_kind": "grid_cell",
                    "grid_cell": spike_cell,
                }
            ),
        )
    alert_detection.detect(timezone.localdate(occurred))
    o["alert"] = Alert.objects.get(organization=org, kind="spike", area=alert_areas.of_grid_cell(spike_cell))
    hw.secrets["alert id"] = str(o["alert"].pk)
    o["sample"] = alert_actions.record_sample(
        home.staff,
        alert_actions.SampleIn(
            collected_on=today,
            method="ftir",
            found=["fentanyl", "xylazine"],
            code="KIT-4417-Q",
            latitude=CENTRE[0],
            longitude=CENTRE[1],
        ),
    )
    hw.secrets["sample code"] = "KIT-4417-Q"
    o["subscription"] = alert_actions.subscribe(
        home.admin,
        alert_actions.SubscriptionIn(
            kinds=["spike", "bad_batch"], webhook_url="https://hooks.riverbend.example.org/a"
        ),
    )
    hw.secrets["webhook secret"] = o["subscription"].webhook_secret

    for side_name in ("home", "outsider", "coalition"):
        side = getattr(world, side_name)
        for role, membership in side.members.items():
            hw.tokens[f"{side_name}.{role}"] = world.token(membership)
            hw.clients[membership.pk] = world.client(membership)
    # A member invitation the home organization's admin sent, still waiting for an answer.
    from meetpoint.accounts import actions as accounts

    o["member_invitation"] = accounts.invite_member(
        home.admin.user, home.admin, org, "new.colleague@example.org", "staff", "en"
    )[0]
    return hw
