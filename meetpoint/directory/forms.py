"""Forms of the public search and of the editing pages. They turn text into the typed inputs that
search.py and actions.py take; the rules themselves live there."""

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from meetpoint.bounds import MAX_PAGE
from meetpoint.directory.actions import LocationInput, ScheduleInput, ServiceInput
from meetpoint.directory.models import Location, Service, TaxonomyTerm
from meetpoint.directory.search import SearchQuery

SEARCH_LANGUAGES = [
    ("", _("Any language")),
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
    ("ar", "العربية"),
    ("asl", "ASL"),
]


def taxonomy_choices(blank_label=None) -> list:
    """Top-level terms as groups with their children, named in the active language."""
    terms = list(TaxonomyTerm.objects.all())
    children: dict = {}
    for term in terms:
        children.setdefault(term.parent_id, []).append(term)
    choices = [("", blank_label)] if blank_label is not None else []
    for top in sorted(children.get(None, []), key=lambda t: t.display_name()):
        group = [(top.code, _("All: %(name)s") % {"name": top.display_name()})]
        group += [
            (c.code, c.display_name())
            for c in sorted(children.get(top.pk, []), key=lambda t: t.display_name())
        ]
        choices.append((top.display_name(), group))
    return choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=200)
    taxonomy = forms.ChoiceField(label=_("Service type"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=SEARCH_LANGUAGES)
    free = forms.BooleanField(label=_("Free only"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    postcode = forms.CharField(label=_("ZIP code or town"), required=False, max_length=100)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    radius_km = forms.FloatField(label=_("Within (km)"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taxonomy"].choices = taxonomy_choices(_("Any service"))
        self.fields["lat"].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["lon"].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["radius_km"].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["q"].widget.attrs.update(placeholder=_("e.g. naloxone, test strips, food"))

    place = None  # the ZIP code or town searched near (meetpoint/directory/near.py)

    def clean(self):
        data = super().clean()
        typed = (data.get("postcode") or "").strip()
        if typed and data.get("lat") is None and data.get("lon") is None:
            from meetpoint.directory.near import place_for  # noqa: PLC0415 -- loads the ZIP table on first use

            self.place = place_for(typed)
            if self.place is None:
                self.add_error(
                    "postcode", _("We do not know the ZIP code or town “%(place)s”.") % {"place": typed}
                )
                return data
            data["lat"], data["lon"] = self.place.latitude, self.place.longitude
        if data.get("radius_km") is not None and data.get("lat") is None:
            self.add_error(
                "radius_km", _("Give a latitude and longitude (or use your location) to search nearby.")
            )
        return data

    def to_query(self, per_page: int | None = None) -> SearchQuery:
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        radius = data.get("radius_km")
        if lat is not None and lon is not None and radius is None:
            radius = 10.0
        return SearchQuery(
            text=data.get("q") or "",
            taxonomy_codes=[data["taxonomy"]] if data.get("taxonomy") else [],
            language=data.get("language") or None,
            free_only=bool(data.get("free")),
            open_now=bool(data.get("open_now")),
            latitude=lat,
            longitude=lon,
            radius_km=radius,
            # A ZIP code typed alone is a place to search near; beside coordinates it filters by exact ZIP.
            postcode=None if self.place else (data.get("postcode") or "").strip() or None,
            page=data.get("page") or 1,
            per_page=per_page or getattr(settings, "MEETPOINT_PAGE_SIZE", 20),
        )


def _split_codes(text: str) -> tuple:
    return tuple(code.strip() for code in text.replace(";", ",").split(",") if code.strip())


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    taxonomy_codes = forms.MultipleChoiceField(
        label=_("Service types"), required=False, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    is_free = forms.BooleanField(label=_("Free of charge"), required=False)
    fees_description = forms.CharField(label=_("Fees"), required=False, max_length=1000)
    eligibility_description = forms.CharField(
        label=_("Who is eligible"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    application_process = forms.CharField(
        label=_("How to get it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    languages = forms.CharField(label=_("Languages (codes, comma-separated, e.g. en, es)"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Email"), required=False)
    accepts_referrals = forms.BooleanField(label=_("Accepts referrals"), required=False)
    capacity_available = forms.IntegerField(
        label=_("Referrals it can take now (capacity)"), required=False, min_value=0
    )
    location_ids = forms.MultipleChoiceField(
        label=_("Offered at"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taxonomy_codes"].choices = taxonomy_choices()
        self.fields["location_ids"].choices = [
            (str(loc.pk), loc.name)
            for loc in Location.objects.filter(organization=organization).order_by("name")
        ]

    @staticmethod
    def initial_for(service: Service) -> dict:
        capacity = service.capacities.first()
        phone = service.phones.order_by("number").first()
        return {
            "name": service.name,
            "description": service.description,
            "status": service.status,
            "taxonomy_codes": [term.code for term in service.taxonomy_terms.all()],
            "is_free": service.is_free,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "application_process": service.application_process,
            "languages": ", ".join(service.languages.values_list("code", flat=True)),
            "phone": phone.number if phone else "",
            "url": service.url,
            "email": service.email,
            "accepts_referrals": service.accepts_referrals,
            "capacity_available": capacity.available if capacity else None,
            "location_ids": [
                str(pk) for pk in service.service_at_locations.values_list("location_id", flat=True)
            ],
        }

    def to_input(self) -> ServiceInput:
        data = dict(self.cleaned_data)
        data["taxonomy_codes"] = tuple(data.get("taxonomy_codes") or ())
        data["location_ids"] = tuple(data.get("location_ids") or ())
        data["languages"] = _split_codes(data.get("languages") or "")
        return ServiceInput(**data)


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_mobile = forms.BooleanField(label=_("This is a mobile unit (its stops are dated)"), required=False)
    address_1 = forms.CharField(label=_("Street address"), required=False, max_length=255)
    city = forms.CharField(label=_("City"), required=False, max_length=255)
    state_province = forms.CharField(label=_("State"), required=False, max_length=100)
    postal_code = forms.CharField(label=_("ZIP code"), required=False, max_length=20)
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential: only our organization and the partners we name see the exact place"),
        required=False,
    )
    name_is_public = forms.BooleanField(
        label=_("Show this confidential site's name to everyone (otherwise only its approximate area)"),
        required=False,
    )
    public_area = forms.CharField(
        label=_("What the public sees instead (e.g. 'Near Elm Park' or 'Call for the location')"),
        required=False,
        max_length=255,
    )
    transportation = forms.CharField(label=_("Getting there"), required=False, max_length=1000)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    languages = forms.CharField(label=_("Languages (codes, comma-separated)"), required=False)

    @staticmethod
    def initial_for(location: Location) -> dict:
        address = location.addresses.first()
        phone = location.phones.order_by("number").first()
        initial = {
            name: getattr(location, name)
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
            )
        }
        if address:
            initial.update(
                address_1=address.address_1,
                city=address.city,
                state_province=address.state_province,
                postal_code=address.postal_code,
            )
        initial["phone"] = phone.number if phone else ""
        initial["languages"] = ", ".join(location.languages.values_list("code", flat=True))
        return initial

    def to_input(self) -> LocationInput:
        data = dict(self.cleaned_data)
        data["languages"] = _split_codes(data.get("languages") or "")
        return LocationInput(**data)


class ScheduleForm(forms.Form):
    KIND_CHOICES = [("weekly", _("Every week")), ("dated", _("On a date (e.g. a mobile-unit stop)"))]

    kind = forms.ChoiceField(
        label=_("Repeats"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="weekly"
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(n), name) for n, name in WEEKDAYS.items()],
    )
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    opens_at = forms.TimeField(
        label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    timezone = forms.CharField(label=_("Time zone (blank: the region's)"), required=False, max_length=64)
    stop_name = forms.CharField(label=_("Stop (where the unit parks)"), required=False, max_length=255)
    stop_latitude = forms.FloatField(
        label=_("Stop latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    stop_longitude = forms.FloatField(
        label=_("Stop longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    description = forms.CharField(label=_("Note"), required=False, max_length=1000)

    @staticmethod
    def initial_for(schedule) -> dict:
        initial = {name: getattr(schedule, name) for name in ScheduleInput.__dataclass_fields__}
        initial["kind"] = "dated" if schedule.date else "weekly"
        return initial

    def to_input(self) -> ScheduleInput:
        data = dict(self.cleaned_data)
        kind = data.pop("kind")
        if kind == "weekly":
            data["date"] = None
        else:
            data["weekday"] = None
        return ScheduleInput(**data)
