"""Directory models → HSDS 3.1 objects (plain dicts that validate against the official schemas).

One module for the HSDS API and the export. Confidential locations follow directory.visibility.place_of: the
public (no membership) gets an approximate point, the public area as the description and no address objects;
signed-in members get the exact place. Empty optional values are left out (an empty "email" or "url" would
break the schema's formats); required keys are always present.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from meetpoint.accounts.models import Organization
from meetpoint.directory.hsds.ids import derived_id
from meetpoint.directory.models import (
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from meetpoint.directory.visibility import place_of

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CONFIDENTIAL_FLAG = "meetpoint_confidential"
PUBLIC_AREA_FIELD = "meetpoint_public_area"


def _compact(obj: dict, keep: tuple[str, ...] = ()) -> dict:
    """Drop None, "" and empty lists, except the keys in `keep` (the schema's required keys)."""
    return {k: v for k, v in obj.items() if k in keep or v not in (None, "", [])}


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def moment(value: datetime | None) -> str | None:
    """A time as Table Schema's datetime form (and RFC 3339's): UTC, whole seconds, `Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _zone(name: str) -> ZoneInfo | None:
    name = name or getattr(settings, "TIME_ZONE", "") or ""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def utc_offset_hours(zone_name: str, day: date) -> float | None:
    """HSDS schedule.timezone is a number (the UTC offset in hours); Meetpoint stores an IANA name."""
    zone = _zone(zone_name)
    if zone is None:
        return None
    offset = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else None
    return int(hours) if hours is not None and hours == int(hours) else hours


# --- querysets that fetch everything an object needs in a fixed number of queries ---------------------------


def location_queryset() -> QuerySet:
    return Location.objects.prefetch_related("addresses", "phones", "languages", "schedules", "contacts")


def service_queryset() -> QuerySet:
    return Service.objects.select_related("organization").prefetch_related(
        "phones",
        "languages",
        "schedules",
        "service_areas",
        "capacities",
        "contacts",
        Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "schedules",
                "location__addresses",
                "location__phones",
                "location__languages",
                "location__schedules",
                "location__contacts",
            ),
        ),
    )


def organization_queryset(*, with_services: bool = False) -> QuerySet:
    """Organizations with what organization_object nests; `with_services`: their services fully nested too."""
    services = service_queryset() if with_services else Service.objects.all()
    return Organization.objects.prefetch_related(
        "phones",
        "contacts",
        Prefetch("locations", queryset=location_queryset()),
        Prefetch("services", queryset=services.filter(status=Service.Status.ACTIVE).order_by("name", "id")),
    )


def service_at_location_queryset() -> QuerySet:
    return ServiceAtLocation.objects.select_related("location", "service").prefetch_related(
        "schedules",
        "location__addresses",
        "location__phones",
        "location__languages",
        "location__schedules",
        "location__contacts",
    )


# --- small objects ----------------------------------------------------------------------------------------


def phone_object(phone) -> dict:
    extension = None
    if phone.extension and phone.extension.strip().isdigit():
        extension = int(phone.extension.strip())  # HSDS 3.1 types the extension as a number
    return _compact(
        {
            "id": str(phone.id),
            "number": phone.number,
            "extension": extension,
            "type": phone.type,
            "description": phone.description
            or (f"Extension {phone.extension}" if phone.extension and extension is None else ""),
        },
        keep=("id", "number"),
    )


def language_object(language) -> dict:
    return _compact(
        {"id": str(language.id), "name": language.name, "code": language.code, "note": language.note},
        keep=("id",),
    )


def contact_object(contact) -> dict:
    return _compact(
        {
            "id": str(contact.id),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
        },
        keep=("id",),
    )


def schedule_object(schedule: Schedule) -> dict:
    """Weekly hours: freq WEEKLY, byday MO..SU. A dated session or mobile-unit stop: dtstart, valid_from and
    valid_to on that date, the stop's name as the description, the UTC offset of that day as timezone."""
    obj = {
        "id": str(schedule.id),
        "service_id": str(schedule.service_id) if schedule.service_id else None,
        "location_id": str(schedule.location_id) if schedule.location_id else None,
        "service_at_location_id": str(schedule.service_at_location_id)
        if schedule.service_at_location_id
        else None,
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "notes": schedule.notes,
    }
    if schedule.date is not None:
        description = schedule.stop_name or schedule.description
        if schedule.stop_name and schedule.description:
            description = f"{schedule.stop_name}. {schedule.description}"
        obj.update(
            dtstart=schedule.date.isoformat(),
            valid_from=schedule.date.isoformat(),
            valid_to=schedule.date.isoformat(),
            timezone=utc_offset_hours(schedule.timezone, schedule.date),
            description=description,
        )
    else:
        obj.update(
            freq="WEEKLY",
            wkst="MO",
            byday=BYDAY[schedule.weekday] if schedule.weekday is not None else None,
            valid_from=_iso(schedule.valid_from),
            valid_to=_iso(schedule.valid_to),
            description=schedule.description,
        )
    return _compact(obj, keep=("id",))


def address_object(address) -> dict:
    return _compact(
        {
            "id": str(address.id),
            "location_id": str(address.location_id),
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
        },
        keep=("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


def taxonomy_object(taxonomy: Taxonomy) -> dict:
    return _compact(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        },
        keep=("id", "name", "description"),
    )


def taxonomy_term_object(term: TaxonomyTerm, *, with_taxonomy: bool = True) -> dict:
    taxonomy = term.taxonomy if term.taxonomy_id else None
    return _compact(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": taxonomy.name if taxonomy else None,
            "taxonomy_id": str(term.taxonomy_id) if term.taxonomy_id else None,
            "taxonomy_detail": taxonomy_object(taxonomy) if taxonomy and with_taxonomy else None,
            "language": term.language,
            "term_uri": term.term_uri,
        },
        keep=("id", "name", "description"),
    )


# --- locations, organizations, services -------------------------------------------------------------------


def location_object(location: Location, membership) -> dict:
    """A location as this viewer may see it (see module docstring)."""
    place = place_of(location, membership)
    obj = {
        "id": str(location.id),
        "location_type": location.location_type,
        "organization_id": str(location.organization_id) if location.organization_id else None,
        "name": place.name,
        "alternate_name": location.alternate_name if place.exact else "",
        "description": location.description if place.exact else place.area,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "url": location.url,
        "languages": [language_object(x) for x in location.languages.all()],
        "phones": [phone_object(x) for x in location.phones.all()],
        "contacts": [contact_object(x) for x in location.contacts.all()],
        "schedules": [schedule_object(x) for x in location.schedules.all()],
    }
    if location.is_confidential:
        # Meetpoint's extension field (HSDS objects allow extra properties): the point is approximate for the
        # public, and a Meetpoint that imports this keeps the site confidential.
        obj[CONFIDENTIAL_FLAG] = True
        if place.exact:
            obj[PUBLIC_AREA_FIELD] = location.public_area
    if place.exact:
        # Directions and identifiers can give a confidential site away, so only the exact view has them.
        obj.update(
            transportation=location.transportation,
            external_identifier=location.external_identifier,
            external_identifier_type=location.external_identifier_type,
            addresses=[address_object(x) for x in location.addresses.all()],
        )
    return _compact(obj, keep=("id", "location_type"))


def organization_object(
    organization: Organization, membership, *, nested: bool = True, services: str | None = None
) -> dict:
    """`services`: None (left out), "summary" (one-to-one fields) or "full" (fully nested) — its active ones."""
    obj = {
        "id": str(organization.id),
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
        "tax_status": organization.tax_status,
        "tax_id": organization.tax_id,
        "year_incorporated": organization.year_incorporated,
        "legal_status": organization.legal_status,
        "parent_organization_id": str(organization.parent_organization_id)
        if organization.parent_organization_id
        else None,
    }
    if nested:
        obj.update(
            phones=[phone_object(x) for x in organization.phones.all()],
            contacts=[contact_object(x) for x in organization.contacts.all()],
            locations=[location_object(x, membership) for x in organization.locations.all()],
        )
    if services == "full":
        obj["services"] = [service_object(x, membership) for x in organization.services.all()]
    elif services == "summary":
        obj["services"] = [service_summary(x) for x in organization.services.all()]
    return _compact(obj, keep=("id", "name", "description", "services"))


def service_at_location_object(sal: ServiceAtLocation, membership, *, with_service: bool = False) -> dict:
    obj = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "description": sal.description,
        "schedules": [schedule_object(x) for x in sal.schedules.all()],
        "location": location_object(sal.location, membership),
    }
    if with_service:
        obj["service"] = service_summary(sal.service)
    return _compact(obj, keep=("id",))


def cost_options(service: Service) -> list[dict]:
    """HSDS cost_option derived from is_free / fees_description (Meetpoint keeps no priced options)."""
    if service.is_free:
        option = {"option": "Free", "amount": 0, "amount_description": service.fees_description or "Free"}
    elif service.fees_description:
        option = {"option": "Fees apply", "amount_description": service.fees_description}
    else:
        return []
    return [{"id": str(derived_id("cost_option", service.id)), "service_id": str(service.id), **option}]


def attributes(service: Service) -> list[dict]:
    """A service's taxonomy terms as HSDS attributes (link_entity "service")."""
    return [
        {
            "id": str(derived_id("attribute", service.id, term.id)),
            "link_id": str(service.id),
            "link_entity": "service",
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": taxonomy_term_object(term),
            "label": term.name,
        }
        for term in service.taxonomy_terms.all()
    ]


def capacity_object(capacity) -> dict:
    return _compact(
        {
            "id": str(capacity.id),
            "service_id": str(capacity.service_id),
            "unit": {"id": str(derived_id("unit", capacity.unit_name)), "name": capacity.unit_name},
            "available": capacity.available,
            "maximum": capacity.maximum,
            "description": capacity.description,
            "updated": moment(capacity.updated),
        },
        keep=("id", "unit", "available", "updated"),
    )


SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "accreditations",
    "licenses",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
)


def service_summary(service: Service) -> dict:
    """The one-to-one fields of a service (HSDS list endpoints without `full`)."""
    obj = {"id": str(service.id), "organization_id": str(service.organization_id)}
    obj.update({name: getattr(service, name) for name in SERVICE_FIELDS})
    obj["last_modified"] = moment(service.last_modified)
    obj["assured_date"] = _iso(service.assured_date)
    obj["assurer_email"] = service.assurer_email
    return _compact(obj, keep=("id", "name", "status"))


def service_minimal(service: Service) -> dict:
    """HSDS `minimal`: the id and when it changed (with name and status, which the schema requires)."""
    return {
        "id": str(service.id),
        "name": service.name,
        "status": service.status,
        "last_modified": moment(service.last_modified),
    }


def service_object(service: Service, membership) -> dict:
    """The fully nested HSDS service (use service_queryset() to fetch it in a fixed number of queries)."""
    obj = service_summary(service)
    obj.update(
        organization=organization_object(service.organization, membership, nested=False),
        phones=[phone_object(x) for x in service.phones.all()],
        schedules=[schedule_object(x) for x in service.schedules.all()],
        service_areas=[
            _compact(
                {
                    "id": str(a.id),
                    "service_id": str(a.service_id),
                    "name": a.name,
                    "description": a.description,
                    "extent": a.extent,
                    "extent_type": a.extent_type,
                    "uri": a.uri,
                },
                keep=("id",),
            )
            for a in service.service_areas.all()
        ],
        service_at_locations=[
            service_at_location_object(x, membership) for x in service.service_at_locations.all()
        ],
        languages=[language_object(x) for x in service.languages.all()],
        contacts=[contact_object(x) for x in service.contacts.all()],
        capacities=[capacity_object(x) for x in service.capacities.all()],
        cost_options=cost_options(service),
        attributes=attributes(service),
    )
    return _compact(obj, keep=("id", "name", "status"))
