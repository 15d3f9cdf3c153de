"""The loader's part for the records that hang off organizations, services and locations: addresses, contacts,
phones, languages, schedules, service areas, capacities, cost options and taxonomy links (see load.py)."""

from datetime import datetime, time, timedelta

from dateutil.rrule import FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule

from meetpoint.accounts.models import Organization
from meetpoint.directory.hsds.batch import Row
from meetpoint.directory.hsds.ids import derived_id
from meetpoint.directory.hsds.languages import language_name, read_language
from meetpoint.directory.models import (
    Address,
    Contact,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)

BYDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
RRULE_DAYS = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}


def rrule_weekday(code: str):
    return RRULE_DAYS[code]


MAX_DATED_DAYS = 62


class DetailLoader:
    """Mixed into load.Loader, which provides save(), ref(), the value readers and the per-run state."""

    def owners(
        self, row: Row, *, organization: bool = True, service: bool = True, location: bool = True
    ) -> dict:
        """The organization / service / location a phone, contact, schedule … belongs to. A link to a service at
        location counts for both its service and its location; a contact's phone belongs to the contact's owners."""
        found = {}
        if organization:
            found["organization_id"] = self.ref(row, "organization_id", Organization)
        if service:
            found["service_id"] = self.ref(row, "service_id", Service)
        if location:
            found["location_id"] = self.ref(row, "location_id", Location)
        sal_raw = row.values.get("service_at_location_id")
        if sal_raw not in (None, ""):
            owner = self.sal_owner.get(self.id_of(sal_raw))
            if owner is None:
                sal = ServiceAtLocation.objects.filter(pk=self.id_of(sal_raw)).first()
                owner = (sal.service_id, sal.location_id) if sal else None
            if owner is None:
                self.warn(
                    row,
                    "service_at_location_id",
                    f"{sal_raw} is in neither the input nor the directory; link left out",
                )
            else:
                if service and not found.get("service_id"):
                    found["service_id"] = owner[0]
                if location and not found.get("location_id"):
                    found["location_id"] = owner[1]
        contact_raw = row.values.get("contact_id")
        if contact_raw not in (None, "") and not any(found.values()):
            found.update(
                {k: v for k, v in self.contact_owner.get(self.id_of(contact_raw), {}).items() if k in found}
            )
        return found

    def load_address(self, row: Row) -> None:
        location = self.ref(row, "location_id", Location)
        if location is None:
            self.warn(row, "location_id", "an address needs its location; skipped")
            return
        address_type = self.text(row, "address_type") or "physical"
        if address_type not in Address.AddressType.values:
            self.err(row, "address_type", f"{address_type!r} is not physical/postal/virtual")
            return
        country = self.text(row, "country").upper()
        if country in ("USA", "UNITED STATES", "UNITED STATES OF AMERICA"):
            country = "US"
        if len(country) != 2:
            if country:
                self.warn(row, "country", f"{country!r} is not an ISO 3166 code; left as US")
            country = "US"
        if (
            Location.objects.filter(pk=location, is_confidential=True).exists()
            and Address.objects.filter(pk=self.id_of(row.raw_id)).exists()
        ):
            return  # the exact address of a confidential site is kept as Meetpoint has it
        self.save(
            "address",
            Address,
            self.id_of(row.raw_id),
            {
                "location_id": location,
                "attention": self.text(row, "attention", Address),
                "address_1": self.text(row, "address_1", Address),
                "address_2": self.text(row, "address_2", Address),
                "city": self.text(row, "city", Address),
                "region": self.text(row, "region", Address),
                "state_province": self.text(row, "state_province", Address),
                "postal_code": self.text(row, "postal_code", Address),
                "country": country,
                "address_type": address_type,
            },
        )

    def load_contact(self, row: Row) -> None:
        owners = self.owners(row)
        pk = self.id_of(row.raw_id)
        self.contact_owner[pk] = owners
        if not any(owners.values()):
            self.warn(row, "", "a contact without an organization, service or location; skipped")
            return
        self.save(
            "contact",
            Contact,
            pk,
            {
                **owners,
                "name": self.text(row, "name", Contact),
                "title": self.text(row, "title", Contact),
                "department": self.text(row, "department", Contact),
                "email": self.email(row, "email"),
            },
        )

    def load_phone(self, row: Row) -> None:
        number = self.text(row, "number", Phone)
        owners = self.owners(row)
        if not number:
            self.warn(row, "number", "a phone without a number; not stored")
            return
        if not any(owners.values()):
            self.warn(row, "", "a phone without an organization, service or location; skipped")
            return
        extension = row.values.get("extension")
        if isinstance(extension, float) and extension == int(extension):
            extension = int(extension)
        self.save(
            "phone",
            Phone,
            self.id_of(row.raw_id),
            {
                **owners,
                "number": number,
                "extension": "" if extension in (None, "") else str(extension)[:20],
                "type": self.text(row, "type", Phone),
                "description": self.text(row, "description"),
            },
        )

    def load_language(self, row: Row) -> None:
        owners = self.owners(row, organization=False)
        if not any(owners.values()):
            self.warn(row, "", "a language of a phone only (or of nothing) is not stored; skipped")
            return
        code = self.text(row, "code")
        name = self.text(row, "name")
        spoken = str(row.values.get("_language") or "").strip()  # a 1.x `language`: a name or a code
        if spoken and not name and not code:
            reading = read_language(spoken)
            if reading is not None and reading.code == spoken.lower():
                code = spoken
            else:
                name = spoken
        if not code and name:
            reading = read_language(name)
            if reading is None:
                self.warn(row, "name", f"no ISO 639 code known for {name!r}; stored by name")
            else:
                code = reading.code
                if not reading.exact:
                    self.warn(row, "name", f"{name!r} read as the language {reading.code} ({reading.name})")
        if len(code) > 10:
            self.err(row, "code", f"{code!r} is not an ISO 639 code")
            return
        self.save(
            "language",
            Language,
            self.id_of(row.raw_id),
            {
                "service_id": owners.get("service_id"),
                "location_id": owners.get("location_id"),
                "code": code.lower(),
                "name": (name or language_name(code))[:100],
                "note": self.text(row, "note"),
            },
        )

    def timezone_name(self, row: Row) -> str:
        offset = self.number(row, "timezone")
        if offset is None:
            return ""
        if offset != int(offset) or not -12 <= offset <= 14:
            self.warn(row, "timezone", f"UTC offset {offset} not stored; region's zone used")
            return ""
        # IANA's fixed-offset zones have the sign inverted: UTC+3 is Etc/GMT-3.
        return "Etc/UTC" if offset == 0 else f"Etc/GMT{-int(offset):+d}"

    def load_schedule(self, row: Row) -> None:
        # The values are read before the links, so that one run reports every problem of every schedule.
        opens, closes = self.clock(row, "opens_at"), self.clock(row, "closes_at")
        valid_from, valid_to = self.day(row, "valid_from"), self.day(row, "valid_to")
        dtstart = self.day(row, "dtstart")
        owners = self.owners(row, organization=False)
        sal_raw = row.values.get("service_at_location_id")
        sal = self.id_of(sal_raw) if sal_raw not in (None, "") else None
        if sal is not None and not self.exists(ServiceAtLocation, sal):
            sal = None
        if not any(owners.values()) and sal is None:
            self.warn(row, "", "a schedule without a service or location; skipped")
            return
        if opens is None or closes is None:
            if not (row.values.get("opens_at") or row.values.get("closes_at")):
                self.warn(
                    row,
                    "opens_at",
                    "no opening hours (opens_at/closes_at); schedule not stored",
                )
            return
        if closes == time(0) and opens > time(0):
            closes = time(23, 59, 59)  # closing at midnight
        if closes <= opens:
            self.err(
                row,
                "closes_at",
                f"closes at {closes:%H:%M}, not after it opens at {opens:%H:%M}",
            )
            return
        freq = self.text(row, "freq").upper()
        common = {
            "service_id": owners.get("service_id"),
            "location_id": owners.get("location_id"),
            "service_at_location_id": sal,
            "opens_at": opens,
            "closes_at": closes,
            "timezone": self.timezone_name(row),
            "description": self.text(row, "description"),
            "notes": self.text(row, "notes"),
        }
        if freq in ("WEEKLY", "DAILY") or (not freq and row.values.get("byday")):
            rule = self.weekly_rule(row, freq, dtstart or valid_from)
            if rule is None:
                return  # refused: the rule is not stored rather than stored as another rule
            days, first, last = rule
            valid_from = max(d for d in (valid_from, first) if d) if (valid_from or first) else None
            valid_to = min(d for d in (valid_to, last) if d) if (valid_to or last) else None
            for index, day_code in enumerate(days):
                pk = (
                    self.id_of(row.raw_id)
                    if index == 0
                    else derived_id("schedule", self.id_of(row.raw_id), day_code)
                )
                self.save(
                    "schedule",
                    Schedule,
                    pk,
                    {
                        **common,
                        "weekday": BYDAY[day_code],
                        "date": None,
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                    },
                )
            return
        if freq:
            self.err(
                row,
                "freq",
                f"{freq} rules cannot be stored exactly (Meetpoint keeps weekly hours and dated sessions)",
                done="schedule refused, not rewritten",
            )
            return
        first = dtstart or valid_from
        if first is None:
            self.warn(row, "dtstart", "neither weekly (freq/byday) nor dated; not stored")
            return
        last = valid_to or first
        if last < first:
            self.err(row, "valid_to", f"{last} is before {first}")
            return
        days = (last - first).days + 1
        if days > MAX_DATED_DAYS:
            self.warn(row, "valid_to", f"only the first {MAX_DATED_DAYS} days are stored")
            days = MAX_DATED_DAYS
        for offset in range(days):
            on = first + timedelta(days=offset)
            pk = self.id_of(row.raw_id) if offset == 0 else derived_id("schedule", self.id_of(row.raw_id), on)
            self.save(
                "schedule",
                Schedule,
                pk,
                {**common, "weekday": None, "date": on, "valid_from": None, "valid_to": None},
            )

    def weekly_rule(self, row: Row, freq: str, start) -> tuple[list[str], object, object] | None:
        """(days, first day, last day) of a WEEKLY (or DAILY) rule that weekly hours represent exactly: every
        week (interval 1), whole weekdays, ending by `until` or after `count` occurrences (python-dateutil's
        rrule counts them). Anything else is refused with its field, never stored as a different rule."""
        refuse = "schedule refused, not rewritten"
        raw_days = [d.strip().upper() for d in str(row.values.get("byday") or "").split(",") if d.strip()]
        if freq == "DAILY" and not raw_days:
            raw_days = list(BYDAY)
        ordinal = [d for d in raw_days if d[-2:] in BYDAY and d[:-2]]
        if ordinal:
            self.err(
                row,
                "byday",
                f"{', '.join(ordinal)}: the nth weekday of a month cannot be stored as weekly hours",
                done=refuse,
            )
            return None
        if not raw_days or any(d not in BYDAY for d in raw_days):
            self.err(row, "byday", f"{row.values.get('byday')!r} is not a list of MO..SU")
            return None
        for name in ("bymonthday", "byyearday", "byweekno", "bymonth", "bysetpos"):
            if row.values.get(name) not in (None, ""):
                self.err(row, name, f"{name} cannot be stored as weekly hours", done=refuse)
                return None
        interval = self.number(row, "interval", integer=True)
        if interval not in (None, 1):
            self.err(row, "interval", f"every {interval} weeks cannot be stored as weekly hours", done=refuse)
            return None
        last = self.day(row, "until")
        count = self.number(row, "count", integer=True)
        if count is not None:
            if count < 1 or start is None:
                self.err(
                    row, "count", "a count needs dtstart (or valid_from) and must be 1 or more", done=refuse
                )
                return None
            weekdays = [rrule_weekday(d) for d in raw_days]
            occurrences = list(
                rrule(WEEKLY, byweekday=weekdays, dtstart=datetime.combine(start, time(0)), count=count)
            )
            counted = occurrences[-1].date()
            last = min(last, counted) if last else counted
        return raw_days, start, last

    def load_service_area(self, row: Row) -> None:
        owners = self.owners(row, organization=False, location=False)
        if not owners.get("service_id"):
            self.warn(row, "service_id", "a service area needs its service; skipped")
            return
        self.save(
            "service_area",
            ServiceArea,
            self.id_of(row.raw_id),
            {
                "service_id": owners["service_id"],
                "name": self.text(row, "name", ServiceArea),
                "description": self.text(row, "description"),
                "extent": self.text(row, "extent"),
                "extent_type": self.text(row, "extent_type", ServiceArea),
                "uri": self.url(row, "uri"),
            },
        )

    def load_unit(self, row: Row) -> None:
        self.units[str(row.raw_id)] = self.text(row, "name")[:100]

    def load_service_capacity(self, row: Row) -> None:
        service = self.ref(row, "service_id", Service)
        if service is None:
            self.warn(row, "service_id", "a capacity needs its service; skipped")
            return
        available = self.number(row, "available", integer=True)
        if available is None:
            self.err(row, "available", "is required (a whole number)")
            return
        unit = self.units.get(str(row.values.get("unit_id") or ""), "") or "referrals"
        pk = self.id_of(row.raw_id)
        self.save(
            "service_capacity",
            ServiceCapacity,
            pk,
            {
                "service_id": service,
                "unit_name": unit,
                "available": available,
                "maximum": self.number(row, "maximum", integer=True),
                "description": self.text(row, "description"),
            },
        )
        self.keep_source_time(ServiceCapacity, pk, row, "updated", "updated")

    def load_cost_option(self, row: Row) -> None:
        service = self.ref(row, "service_id", Service)
        if service is None:
            self.warn(row, "service_id", "a cost option needs its service; skipped")
            return
        self.cost.setdefault(service, []).append(
            {
                "option": self.text(row, "option"),
                "amount": self.number(row, "amount"),
                "currency": self.text(row, "currency").upper(),
                "amount_description": self.text(row, "amount_description"),
            }
        )

    def finish_costs(self) -> None:
        """Meetpoint keeps cost as is_free plus a fees description: free when every option costs nothing."""
        for service_id, options in self.cost.items():
            free = all(
                (o["amount"] == 0)
                or (o["amount"] is None and "free" in (o["option"] + o["amount_description"]).lower())
                for o in options
            )
            updates = {"is_free": free}
            service = Service.objects.get(pk=service_id)
            if not service.fees_description and not free:
                updates["fees_description"] = "; ".join(
                    " ".join(
                        x
                        for x in (
                            f"{o['option']}:" if o["option"] else "",
                            f"{o['amount']:g} {o['currency']}".strip() if o["amount"] is not None else "",
                            o["amount_description"],
                        )
                        if x
                    )
                    for o in options
                )
            Service.objects.filter(pk=service_id).update(**updates)

    def load_attribute(self, row: Row) -> None:
        entity = self.text(row, "link_entity").lower()
        term_raw = row.values.get("taxonomy_term_id")
        if term_raw in (None, ""):
            return  # an attribute with a value only (no taxonomy term) has no place in Meetpoint
        if entity not in ("service", "") and "link_entity" in row.pinned:
            self.warn(row, "link_entity", f"taxonomy terms of a {entity} are not stored")
            return
        service = self.ref(row, "link_id", Service)
        term = self.ref(row, "taxonomy_term_id", TaxonomyTerm)
        if service is None or term is None:
            return
        Service.taxonomy_terms.through.objects.get_or_create(service_id=service, taxonomyterm_id=term)
