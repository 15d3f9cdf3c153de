"""Every write to the directory goes through here (pages, API, CLI, demo and tests share it).

Each function validates everything first and raises DirectoryInputError naming the fields that are wrong;
only then does it write, in one transaction, so bad input writes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from meetpoint.accounts import audit
from meetpoint.directory import taxonomy
from meetpoint.directory.hours import Slot, day_label, is_known_zone, overlapping
from meetpoint.directory.models import (
    Address,
    ExactPlaceGrant,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from meetpoint.directory.search import LANGUAGE_CODE
from meetpoint.web_addresses import email_problem, url_problem

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "ar": "العربية",
    "ru": "Русский",
    "ht": "Kreyòl ayisyen",
    "pt": "Português",
    "asl": "ASL",
}


class DirectoryInputError(Exception):
    """Input that cannot be saved. `errors` maps each wrong field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def _check_coordinates(errors: dict, latitude, longitude, lat_field: str, lon_field: str) -> None:
    if (latitude is None) != (longitude is None):
        errors[lat_field if latitude is None else lon_field] = _(
            "Give both latitude and longitude, or neither."
        )
    if latitude is not None and not -90 <= latitude <= 90:
        errors[lat_field] = _("Latitude %(value)s is outside -90 to 90.") % {"value": latitude}
    if longitude is not None and not -180 <= longitude <= 180:
        errors[lon_field] = _("Longitude %(value)s is outside -180 to 180.") % {"value": longitude}


def _check_languages(errors: dict, codes: list[str], field: str) -> list[str]:
    clean = []
    for code in codes:
        code = code.strip().lower()
        if not code:
            continue
        if not LANGUAGE_CODE.match(code) and code != "asl":
            errors[field] = _("%(code)s is not an ISO 639 language code (e.g. en, es).") % {"code": code}
        elif code not in clean:
            clean.append(code)
    return clean


def _set_languages(owner_field: str, owner, codes: list[str]) -> None:
    Language.objects.filter(**{owner_field: owner}).exclude(code__in=codes).delete()
    have = set(Language.objects.filter(**{owner_field: owner}).values_list("code", flat=True))
    Language.objects.bulk_create(
        Language(**{owner_field: owner}, code=code, name=LANGUAGE_NAMES.get(code, code))
        for code in codes
        if code not in have
    )


def _set_phone(owner_field: str, owner, number: str, organization) -> None:
    number = (number or "").strip()
    phone = Phone.objects.filter(**{owner_field: owner}).order_by("number").first()
    if not number:
        if phone:
            phone.delete()
        return
    if phone is None:
        Phone.objects.create(**{owner_field: owner}, organization=organization, number=number, type="voice")
    elif phone.number != number:
        phone.number = number
        phone.save(update_fields=["number"])


SERVICE_FIELDS = (
    "name",
    "description",
    "status",
    "is_free",
    "fees_description",
    "eligibility_description",
    "application_process",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    "accepts_referrals",
    "alert",
)


@dataclass
class ServiceInput:
    name: str
    description: str = ""
    status: str = Service.Status.ACTIVE
    is_free: bool = False
    fees_description: str = ""
    eligibility_description: str = ""
    application_process: str = ""
    url: str = ""
    email: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    accepts_referrals: bool = True
    alert: str = ""
    taxonomy_codes: tuple = ()
    languages: tuple = ()
    location_ids: tuple = ()
    phone: str = ""
    capacity_available: int | None = None


def _validate_service(organization, data: ServiceInput) -> tuple[list, list, list]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("A service needs a name.")
    if data.status not in Service.Status.values:
        errors["status"] = _("Unknown status %(value)s.") % {"value": data.status}
    unknown = taxonomy.unknown_codes(list(data.taxonomy_codes))
    if unknown:
        errors["taxonomy_codes"] = _("Unknown service type code(s): %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    for age_field in ("minimum_age", "maximum_age"):
        value = getattr(data, age_field)
        if value is not None and not 0 <= value <= 130:
            errors[age_field] = _("An age must be between 0 and 130.")
    if data.minimum_age is not None and data.maximum_age is not None and data.minimum_age > data.maximum_age:
        errors["maximum_age"] = _("The maximum age is below the minimum age.")
    if data.capacity_available is not None and data.capacity_available < 0:
        errors["capacity_available"] = _("Capacity cannot be negative.")
    for name, problem in (("url", url_problem(data.url)), ("email", email_problem(data.email))):
        if problem:
            errors[name] = problem
    languages = _check_languages(errors, list(data.languages), "languages")
    location_ids = [str(pk) for pk in data.location_ids]
    own = {str(pk) for pk in Location.objects.filter(organization=organization).values_list("pk", flat=True)}
    foreign = [pk for pk in location_ids if pk not in own]
    if foreign:
        errors["location_ids"] = _("Not a location of your organization: %(ids)s.") % {
            "ids": ", ".join(foreign)
        }
    if errors:
        raise DirectoryInputError(errors)
    terms = list(TaxonomyTerm.objects.filter(code__in=data.taxonomy_codes))
    return terms, languages, location_ids


def save_service(organization, data: ServiceInput, service: Service | None = None) -> Service:
    """Creates a service of `organization`, or updates `service` (which must belong to it)."""
    if service is not None and service.organization_id != organization.pk:
        raise DirectoryInputError({"service": _("This service belongs to another organization.")})
    terms, languages, location_ids = _validate_service(organization, data)
    created = service is None
    with transaction.atomic():
        service = service or Service(organization=organization)
        for name in SERVICE_FIELDS:
            value = getattr(data, name)
            setattr(service, name, value.strip() if isinstance(value, str) else value)
        service.save()
        service.taxonomy_terms.set(terms)
        _set_languages("service", service, languages)
        _set_phone("service", service, data.phone, organization)
        ServiceAtLocation.objects.filter(service=service).exclude(location_id__in=location_ids).delete()
        for location_id in location_ids:
            ServiceAtLocation.objects.get_or_create(service=service, location_id=location_id)
        if data.capacity_available is not None:
            ServiceCapacity.objects.update_or_create(
                service=service, unit_name="referrals", defaults={"available": data.capacity_available}
            )
        audit.record(
            "directory.service.created" if created else "directory.service.updated",
            organization=organization,
            obj=service,
            detail={"name": service.name, "locations": len(location_ids)},
        )
    return service


@dataclass
class LocationInput:
    name: str
    description: str = ""
    is_mobile: bool = False
    latitude: float | None = None
    longitude: float | None = None
    is_confidential: bool = False
    public_area: str = ""
    transportation: str = ""
    name_is_public: bool = False
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    phone: str = ""
    languages: tuple = ()


def save_location(organization, data: LocationInput, location: Location | None = None) -> Location:
    if location is not None and location.organization_id != organization.pk:
        raise DirectoryInputError({"location": _("This location belongs to another organization.")})
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("A location needs a name.")
    _check_coordinates(errors, data.latitude, data.longitude, "latitude", "longitude")
    if (
        not data.is_mobile
        and data.latitude is None
        and not data.is_confidential
        and not data.address_1.strip()
    ):
        errors["address_1"] = _("A fixed site needs an address or coordinates.")
    if data.address_1.strip() and not (data.city.strip() and data.postal_code.strip()):
        errors["postal_code" if data.city.strip() else "city"] = _(
            "An address needs a city and a postal code."
        )
    languages = _check_languages(errors, list(data.languages), "languages")
    if errors:
        raise DirectoryInputError(errors)
    created = location is None
    with transaction.atomic():
        location = location or Location(organization=organization)
        for name in (
            "name",
            "description",
            "is_mobile",
            "latitude",
            "longitude",
            "is_confidential",
            "name_is_public",
            "public_area",
            "transportation",
        ):
            value = getattr(data, name)
            setattr(location, name, value.strip() if isinstance(value, str) else value)
        location.save()
        address = location.addresses.first()
        if data.address_1.strip():
            address = address or Address(location=location)
            address.address_1 = data.address_1.strip()
            address.address_2 = data.address_2.strip()
            address.city = data.city.strip()
            address.state_province = data.state_province.strip()
            address.postal_code = data.postal_code.strip()
            address.save()
        elif address is not None:
            address.delete()
        _set_languages("location", location, languages)
        _set_phone("location", location, data.phone, organization)
        audit.record(
            "directory.location.created" if created else "directory.location.updated",
            organization=organization,
            obj=location,
            detail={"name": location.name, "mobile": location.is_mobile},
        )
    return location


@dataclass
class ScheduleInput:
    opens_at: datetime.time | None
    closes_at: datetime.time | None
    weekday: int | None = None
    date: datetime.date | None = None
    timezone: str = ""
    description: str = ""
    stop_name: str = ""
    stop_latitude: float | None = None
    stop_longitude: float | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


SCHEDULE_FIELDS = tuple(ScheduleInput.__dataclass_fields__)


def _owner_key(schedule: Schedule) -> tuple:
    return (schedule.service_id, schedule.location_id, schedule.service_at_location_id)


def _validate_schedule(data: ScheduleInput, owner_key: tuple, exclude_pk=None) -> None:
    errors: dict[str, str] = {}
    for name in ("opens_at", "closes_at"):
        if getattr(data, name) is not None and getattr(data, name).tzinfo is not None:
            errors[name] = _("Give the local time without a UTC offset; the time zone field names the zone.")
    if errors:
        raise DirectoryInputError(errors)
    if data.opens_at is None:
        errors["opens_at"] = _("Give the opening time.")
    if data.closes_at is None:
        errors["closes_at"] = _("Give the closing time.")
    if (data.weekday is None) == (data.date is None):
        errors["weekday"] = _("Give either a weekday (weekly hours) or a date (a dated stop), not both.")
    if data.weekday is not None and not 0 <= data.weekday <= 6:
        errors["weekday"] = _("The weekday must be 0 (Monday) to 6 (Sunday).")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        errors["closes_at"] = _(
            "Closes at %(closes)s, which is not after it opens (%(opens)s). Hours past midnight are "
            "two rows: one until 23:59 and one from 00:00 the next day."
        ) % {"closes": data.closes_at.strftime("%H:%M"), "opens": data.opens_at.strftime("%H:%M")}
    if data.timezone and not is_known_zone(data.timezone):
        errors["timezone"] = _("%(zone)s is not a known time zone (e.g. America/New_York).") % {
            "zone": data.timezone
        }
    _check_coordinates(errors, data.stop_latitude, data.stop_longitude, "stop_latitude", "stop_longitude")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors["valid_to"] = _("The schedule ends before it starts.")
    if errors:
        raise DirectoryInputError(errors)
    service_id, location_id, sal_id = owner_key
    same_owner = Schedule.objects.filter(
        service_id=service_id, location_id=location_id, service_at_location_id=sal_id
    )
    same_owner = same_owner.filter(date=data.date) if data.date else same_owner.filter(weekday=data.weekday)
    if exclude_pk:
        same_owner = same_owner.exclude(pk=exclude_pk)
    day = data.date or data.weekday
    slots = [Slot(owner_key, day, row.opens_at, row.closes_at, row) for row in same_owner]
    slots.append(Slot(owner_key, day, data.opens_at, data.closes_at, None))
    for earlier, later in overlapping(slots):
        other = earlier.ref or later.ref
        raise DirectoryInputError(
            {
                "opens_at": _("These hours overlap %(opens)s–%(closes)s already set on %(day)s.")
                % {
                    "opens": other.opens_at.strftime("%H:%M"),
                    "closes": other.closes_at.strftime("%H:%M"),
                    "day": day_label(data.weekday, data.date),
                }
            }
        )


def add_schedule(
    data: ScheduleInput, *, service: Service | None = None, location: Location | None = None
) -> Schedule:
    """Adds weekly hours or a dated stop to a service (its hours everywhere) or a location (e.g. a mobile
    unit's stops)."""
    if (service is None) == (location is None):
        raise DirectoryInputError({"owner": _("A schedule belongs to one service or one location.")})
    key = (service.pk if service else None, location.pk if location else None, None)
    _validate_schedule(data, key)
    with transaction.atomic():
        schedule = Schedule(service=service, location=location)
        for name in SCHEDULE_FIELDS:
            setattr(schedule, name, getattr(data, name))
        schedule.save()
        _touch_owner(schedule)
        _record_schedule("directory.schedule.added", schedule)
    return schedule


def _record_schedule(action: str, schedule: Schedule) -> None:
    owner = schedule.service or schedule.location
    audit.record(
        action,
        organization=owner.organization,
        obj=schedule,
        detail={"of": owner.name, "day": str(day_label(schedule.weekday, schedule.date))},
    )


def update_schedule(schedule: Schedule, data: ScheduleInput) -> Schedule:
    _validate_schedule(data, _owner_key(schedule), exclude_pk=schedule.pk)
    with transaction.atomic():
        for name in SCHEDULE_FIELDS:
            setattr(schedule, name, getattr(data, name))
        schedule.save()
        _touch_owner(schedule)
        _record_schedule("directory.schedule.updated", schedule)
    return schedule


def delete_schedule(schedule: Schedule) -> None:
    with transaction.atomic():
        _touch_owner(schedule)
        _record_schedule("directory.schedule.deleted", schedule)
        schedule.delete()


def _touch_owner(schedule: Schedule) -> None:
    """A service's last_modified moves when its hours change (HSDS modified_after relies on it)."""
    from django.utils import timezone

    now = timezone.now()
    if schedule.service_id:
        Service.objects.filter(pk=schedule.service_id).update(last_modified=now)
    if schedule.location_id:
        Location.objects.filter(pk=schedule.location_id).update(last_modified=now)
        Service.objects.filter(service_at_locations__location_id=schedule.location_id).update(
            last_modified=now
        )


# --- Need to know: the partners that see this organization's confidential sites exactly ---


def name_exact_place_partner(membership, partner_id) -> ExactPlaceGrant:
    """The acting organization's admin names a partner whose members will see its confidential sites exactly."""
    from meetpoint.accounts import audit
    from meetpoint.accounts.models import Organization
    from meetpoint.errors import ActionError, NotAllowed

    if membership.role != "admin":
        raise NotAllowed(_("Only an admin of the organization chooses who sees its confidential sites."))
    partner = Organization.objects.filter(pk=partner_id).first() if partner_id else None
    if partner is None:
        raise ActionError("partner", _("Choose a partner organization."))
    if partner.pk == membership.organization_id:
        raise ActionError("partner", _("Your own organization always sees its sites."))
    with transaction.atomic():
        grant, created = ExactPlaceGrant.objects.get_or_create(
            organization_id=membership.organization_id, partner=partner
        )
        if created:
            audit.record(
                "directory.confidential_partner.named",
                membership=membership,
                obj=grant,
                detail={"partner": partner.name, "partner_id": str(partner.pk)},
            )
    return grant


def remove_exact_place_partner(membership, partner_id) -> None:
    from meetpoint.accounts import audit
    from meetpoint.errors import NotAllowed, NotFound

    if membership.role != "admin":
        raise NotAllowed(_("Only an admin of the organization chooses who sees its confidential sites."))
    with transaction.atomic():
        grant = (
            ExactPlaceGrant.objects.select_related("partner")
            .filter(organization_id=membership.organization_id, partner_id=partner_id)
            .first()
        )
        if grant is None:
            raise NotFound(_("That partner is not on your list."))
        audit.record(
            "directory.confidential_partner.removed",
            membership=membership,
            obj=grant,
            detail={"partner": grant.partner.name, "partner_id": str(grant.partner_id)},
        )
        grant.delete()
