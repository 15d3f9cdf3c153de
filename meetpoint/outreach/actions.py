"""Every write of outreach records: encounters (exactly once per client UUID) and overdose reports.

Pages, the sync API, the CSV import and tests share these functions: validate everything first, then write in
one transaction (a savepoint when called inside a batch), so a bad record never half-writes.
"""

import importlib.util
import uuid
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetpoint.accounts import audit
from meetpoint.directory.models import Location
from meetpoint.inventory.models import SupplyItem
from meetpoint.outreach import places, rollups
from meetpoint.outreach.models import (
    CollectedMethod,
    Encounter,
    EncounterSupply,
    NaloxoneKitStatus,
    OverdoseReport,
    RefillReason,
    Setting,
    TestResult,
    Vaccination,
)
from meetpoint.outreach.records import EncounterIn, OverdoseIn
from meetpoint.outreach.rules import ceiling
from meetpoint.participants import actions as participant_actions
from meetpoint.participants.demographics import DemographicsError, clean_demographics

RECORDING_ROLES = frozenset({"admin", "staff"})
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run a little ahead
OLDEST = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


class OutreachError(ValueError):
    """A record that cannot be stored; the message names each field that is wrong."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def syringes_per_litre() -> Decimal:
    return Decimal(str(getattr(settings, "MEETPOINT_SYRINGES_PER_LITRE", 100)))


def syringes_per_pound() -> Decimal:
    return Decimal(str(getattr(settings, "MEETPOINT_SYRINGES_PER_POUND", 281)))


def estimate_collected(method: str, measure) -> int:
    """Used syringes estimated from a container's volume (litres) or weight (pounds): counting by hand is unsafe."""
    factor = syringes_per_litre() if method == CollectedMethod.VOLUME else syringes_per_pound()
    return int((Decimal(str(measure)) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def resolve_site(organization, ref) -> Location:
    """One of the organization's directory locations, by id or exact name; OutreachError otherwise."""
    ref = str(ref or "").strip()
    try:
        found = Location.objects.filter(organization=organization, pk=uuid.UUID(ref)).first()
    except ValueError:
        found = Location.objects.filter(organization=organization, name=ref).first()
    if found is None:
        raise OutreachError(f"site: {ref!r} is not one of {organization.name}'s locations")
    return found


def check_when(value: datetime, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        raise OutreachError("occurred_at: is in the future")
    if value < OLDEST:
        raise OutreachError("occurred_at: is before 2000")
    return value


def check_count(name: str, value: int, maximum: int, problems: list[str]) -> None:
    if value < 0:
        problems.append(f"{name}: must not be negative (got {value})")
    elif value > maximum:
        problems.append(f"{name}: {value} is more than the ceiling of {maximum} per encounter")


def _choice(name: str, value: str, choices, problems: list[str]) -> str:
    allowed = [choice for choice in choices.values]
    if value not in allowed:
        problems.append(f"{name}: {value!r} is not one of {', '.join(v for v in allowed if v) or '(empty)'}")
    return value


def _check_place(organization, record, problems: list[str]) -> dict:
    place: dict = {"location": None, "stop_name": record.stop_name.strip()[:120], "area_cell": ""}
    if record.site:
        try:
            place["location"] = resolve_site(organization, record.site)
        except OutreachError as error:
            problems.extend(error.problems)
            return place
    default_setting = Setting.STREET
    if place["location"] is not None:
        default_setting = Setting.MOBILE_STOP if place["location"].is_mobile else Setting.FIXED_SITE
    place["setting"] = _choice("setting", record.setting or default_setting, Setting, problems)
    try:
        if record.latitude is not None and record.longitude is not None:
            place["area_cell"] = "grid:" + places.snap_to_grid(record.latitude, record.longitude)
        elif record.grid_cell:
            place["area_cell"] = "grid:" + places.check_grid_cell(record.grid_cell)
        elif record.block_group:
            place["area_cell"] = "bg:" + places.check_block_group(record.block_group)
    except places.PlaceError as error:
        problems.append(f"place: {error}")
    if place["setting"] == Setting.STREET and place["location"] is None and not place["area_cell"]:
        problems.append("place: street outreach needs a site, a block group or a grid cell")
    elif place["setting"] != Setting.STREET and place["location"] is None:
        problems.append("site: is required (one of your organization's locations)")
    return place


def supply_catalog() -> dict[str, SupplyItem]:
    return {item.code: item for item in SupplyItem.objects.filter(active=True)}


def validate_encounter(organization, record: EncounterIn, *, catalog: dict | None = None, now=None) -> dict:
    """Everything checked before anything is written; returns the prepared fields or raises OutreachError."""
    problems: list[str] = []
    catalog = catalog if catalog is not None else supply_catalog()
    try:
        occurred_at = check_when(record.occurred_at, now)
    except OutreachError as error:
        problems.extend(error.problems)
        occurred_at = None
    place = _check_place(organization, record, problems)
    code = ""
    try:
        code = participant_actions.code_from(
            organization, code=record.participant_code, answers=record.code_answers
        )
    except participant_actions.ParticipantError as error:
        problems.append(f"participant_code: {error}")
    demographics = {}
    given = {
        "age_band": record.age_band,
        "gender_identity": record.gender_identity,
        "race": record.race,
        "zip3": record.zip3,
    }
    if any(given.values()):
        try:
            demographics = clean_demographics(given)
        except DemographicsError as error:
            problems.append(f"demographics: {error}")
    lines = []
    seen = set()
    for index, line in enumerate(record.supplies):
        item = catalog.get(line.item)
        if item is None:
            problems.append(f"supplies[{index}].item: unknown supply item {line.item!r}")
            continue
        if item.code in seen:
            problems.append(f"supplies[{index}].item: {item.code!r} is listed twice")
            continue
        seen.add(item.code)
        check_count(
            f"supplies[{index}].quantity ({item.code})", line.quantity, item.max_per_encounter, problems
        )
        if line.quantity > 0:
            doses = line.quantity * item.doses_per_unit if item.category == "naloxone" else 0
            lines.append((item, line.quantity, doses))
    method = _choice("collected_method", record.collected_method, CollectedMethod, problems)
    collected = record.syringes_collected
    estimated = False
    measure = None
    if method in (CollectedMethod.VOLUME, CollectedMethod.WEIGHT):
        if record.collected_measure is None or record.collected_measure <= 0:
            problems.append("collected_measure: give the litres or pounds collected for an estimate")
        else:
            measure = Decimal(str(record.collected_measure)).quantize(Decimal("0.01"))
            collected = estimate_collected(method, measure)
            estimated = True
    elif collected and not method:
        method = CollectedMethod.COUNTED
    check_count("syringes_collected", collected, ceiling("syringes_collected"), problems)
    check_count(
        "secondary_for_people", record.secondary_for_people, ceiling("secondary_for_people"), problems
    )
    check_count("referrals_made", record.referrals_made, ceiling("referrals_made"), problems)
    check_count("reversals_reported", record.reversals_reported, ceiling("reversals_reported"), problems)
    status = _choice("naloxone_kit_status", record.naloxone_kit_status, NaloxoneKitStatus, problems)
    reason = _choice("refill_reason", record.refill_reason, RefillReason, problems)
    if status == NaloxoneKitStatus.REFILL and not reason:
        problems.append("refill_reason: say why a refill was needed (used, lost, expired, taken)")
    if reason and status != NaloxoneKitStatus.REFILL:
        problems.append("refill_reason: only for a refill")
    for test in ("hiv", "hcv", "sti"):
        result = _choice(f"{test}_test", getattr(record, f"{test}_test"), TestResult, problems)
        if getattr(record, f"{test}_linked") and result != TestResult.POSITIVE:
            problems.append(f"{test}_linked: linkage to care is recorded for a positive test")
    _choice("vaccination", record.vaccination, Vaccination, problems)
    if problems:
        raise OutreachError(problems)
    return {
        "occurred_at": occurred_at,
        "code": code,
        "demographics": demographics,
        "lines": lines,
        "fields": {
            "location": place["location"],
            "setting": place["setting"],
            "stop_name": place["stop_name"],
            "area_cell": place["area_cell"],
            "syringes_collected": collected,
            "collected_method": method,
            "collected_measure": measure,
            "collected_estimated": estimated,
            "secondary_for_people": record.secondary_for_people,
            "naloxone_kit_status": status,
            "refill_reason": reason,
            "wound_care": record.wound_care,
            "overdose_education": record.overdose_education,
            "vaccination": record.vaccination,
            "hiv_test": record.hiv_test,
            "hiv_linked": record.hiv_linked,
            "hcv_test": record.hcv_test,
            "hcv_linked": record.hcv_linked,
            "sti_test": record.sti_test,
            "sti_linked": record.sti_linked,
            "referrals_made": record.referrals_made,
            "reversals_reported": record.reversals_reported,
        },
    }


def inventory_distribution():
    """The inventory app's record_distribution(), once it exists (until then stock is not followed)."""
    if importlib.util.find_spec("meetpoint.inventory.actions") is None:
        return None
    module = importlib.import_module("meetpoint.inventory.actions")
    return getattr(module, "record_distribution", None)


def _follow_stock(encounter: Encounter, lines, user) -> None:
    """Take the distributed items out of the site's stock (inventory flags, never refuses, a shortfall)."""
    distribute = inventory_distribution()
    if distribute is None or encounter.location is None:
        return
    for item, quantity, _doses in lines:
        try:
            distribute(
                encounter.location,
                item,
                quantity,
                encounter_id=encounter.client_uuid,
                occurred_at=encounter.occurred_at,
                user=user,
            )
        except ValueError as error:  # inventory's InventoryError: bad input it refuses
            raise OutreachError(f"supplies ({item.code}): {error}") from error


def _existing(organization, client_uuid) -> Encounter | None:
    found = Encounter.objects.filter(client_uuid=client_uuid).first()
    if found is not None and found.organization_id != organization.pk:
        raise OutreachError("client_uuid: is already used by another record; make a new UUID")
    return found


def record_encounter(membership, record: EncounterIn, *, source: str = Encounter.Source.SYNC, catalog=None):
    """(encounter, created). The same client_uuid is stored once: a resend answers the stored encounter."""
    if membership.role not in RECORDING_ROLES:
        raise PermissionError(f"The {membership.role} role may not record encounters.")
    organization = membership.organization
    existing = _existing(organization, record.client_uuid)
    if existing is not None:
        return existing, False
    prepared = validate_encounter(organization, record, catalog=catalog)
    try:
        with transaction.atomic():
            participant, new_participant = None, False
            if prepared["code"]:
                participant, new_participant = participant_actions.find_or_create_participant(
                    organization, prepared["code"], prepared["demographics"]
                )
            encounter = Encounter.objects.create(
                client_uuid=record.client_uuid,
                organization=organization,
                participant=participant,
                occurred_at=prepared["occurred_at"],
                staff=membership.user,
                source=source,
                **prepared["fields"],
            )
            EncounterSupply.objects.bulk_create(
                EncounterSupply(encounter=encounter, supply_item=item, quantity=quantity, doses=doses)
                for item, quantity, doses in prepared["lines"]
            )
            _follow_stock(encounter, prepared["lines"], membership.user)
            rollups.add_encounter(encounter, prepared["lines"])
            audit.record(
                "outreach.encounter.recorded",
                membership=membership,
                obj=encounter,
                detail={
                    "source": source,
                    "site": encounter.location.name if encounter.location else "",
                    "supply_lines": len(prepared["lines"]),
                    "new_participant": new_participant,
                },
            )
    except IntegrityError:
        # Two copies of one record raced each other: the other copy won, so this one is already stored.
        existing = _existing(organization, record.client_uuid)
        if existing is None:
            raise
        return existing, False
    return encounter, True


def _move_encounters(source, target) -> None:
    Encounter.objects.filter(participant=source).update(participant=target)


participant_actions.MERGE_HOOKS.append(_move_encounters)


def record_overdose(membership, record: OverdoseIn):
    """(report, created): an overdose report with a coarse place only; the same client_uuid is stored once."""
    if membership.role not in RECORDING_ROLES:
        raise PermissionError(f"The {membership.role} role may not record overdose reports.")
    organization = membership.organization
    found = OverdoseReport.objects.filter(client_uuid=record.client_uuid).first()
    if found is not None:
        if found.organization_id != organization.pk:
            raise OutreachError("client_uuid: is already used by another record; make a new UUID")
        return found, False
    problems: list[str] = []
    try:
        occurred_at = check_when(record.occurred_at)
    except OutreachError as error:
        problems.extend(error.problems)
        occurred_at = None
    fields: dict = {"location": None, "stop_name": "", "block_group": "", "grid_cell": ""}
    kind = _choice("place_kind", record.place_kind, OverdoseReport.PlaceKind, problems)
    try:
        if kind == OverdoseReport.PlaceKind.STOP:
            if record.site:
                fields["location"] = resolve_site(organization, record.site)
            fields["stop_name"] = record.stop_name.strip()[:120]
            if fields["location"] is None and not fields["stop_name"]:
                problems.append("place: a stop needs a site or a stop name")
        elif kind == OverdoseReport.PlaceKind.BLOCK_GROUP:
            fields["block_group"] = places.check_block_group(record.block_group)
        elif kind == OverdoseReport.PlaceKind.GRID_CELL:
            if record.latitude is not None and record.longitude is not None:
                fields["grid_cell"] = places.snap_to_grid(record.latitude, record.longitude)
            else:
                fields["grid_cell"] = places.check_grid_cell(record.grid_cell)
    except (places.PlaceError, OutreachError) as error:
        problems.append(f"place: {error}")
    for name in ("naloxone_doses_bystander", "naloxone_doses_ems", "naloxone_doses_staff"):
        check_count(name, getattr(record, name), ceiling("naloxone_doses", 20), problems)
    _choice("called_911", record.called_911, OverdoseReport.Called911, problems)
    _choice("reported_by", record.reported_by, OverdoseReport.ReportedBy, problems)
    unknown = [value for value in record.substances if value not in places.SUBSTANCES]
    if unknown:
        problems.append(f"substances: unknown {unknown}; use {', '.join(places.SUBSTANCES)}")
    if problems:
        raise OutreachError(problems)
    try:
        with transaction.atomic():
            report = OverdoseReport.objects.create(
                client_uuid=record.client_uuid,
                organization=organization,
                occurred_at=occurred_at,
                place_kind=kind,
                fatal=record.fatal,
                naloxone_doses_bystander=record.naloxone_doses_bystander,
                naloxone_doses_ems=record.naloxone_doses_ems,
                naloxone_doses_staff=record.naloxone_doses_staff,
                called_911=record.called_911,
                substances=sorted(set(record.substances)),
                reported_by=record.reported_by,
                recorded_by=membership.user,
                **fields,
            )
            audit.record(
                "outreach.overdose.recorded",
                membership=membership,
                obj=report,
                detail={"place_kind": kind, "fatal": record.fatal},
            )
    except IntegrityError:
        found = OverdoseReport.objects.filter(
            client_uuid=record.client_uuid, organization=organization
        ).first()
        if found is None:
            raise
        return found, False
    return report, True
