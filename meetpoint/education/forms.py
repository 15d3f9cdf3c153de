from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization
from meetpoint.directory.models import Location, Service
from meetpoint.education.models import Audience, EventKind
from meetpoint.education.questionnaires import all_surveys

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
INVITATION_HELP = _(
    "Each one is invited and shown once its admin accepts; leave one out to withdraw its invitation."
)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


def location_choices(membership) -> list[tuple[str, str]]:
    """The acting organization's own places and every non-confidential fixed place in the directory."""
    places = (
        Location.objects.filter(Q(organization=membership.organization) | Q(is_confidential=False))
        .exclude(is_mobile=True, organization__isnull=False, is_confidential=True)
        .select_related("organization")
        .order_by("name")[:500]
    )
    named = [
        (str(place.pk), f"{place.name or _('Unnamed place')} ({place.organization or '—'})")
        for place in places
    ]
    return [("", _("— not in the directory (use the venue below) —")), *named]


def partner_choices(membership) -> list[tuple[str, str]]:
    return [
        (str(org.pk), org.name)
        for org in Organization.objects.exclude(pk=membership.organization_id)
        .filter(memberships__isnull=False)
        .distinct()
        .order_by("name")
    ]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), required=False, widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT]
    )
    location_id = forms.ChoiceField(label=_("Place in the directory"), required=False)
    venue = forms.CharField(label=_("Or venue"), max_length=255, required=False)
    area_code = forms.CharField(
        label=_("Area (ZIP3, county or tract FIPS)"),
        max_length=11,
        required=False,
        help_text=_("Counts the event toward an area on the community needs page."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    co_host_ids = forms.MultipleChoiceField(
        label=_("Invite co-hosting partners"), required=False, help_text=INVITATION_HELP
    )
    surveys = forms.MultipleChoiceField(
        label=_("Pre/post surveys"), required=False, widget=forms.CheckboxSelectMultiple
    )
    surveys_open = forms.BooleanField(label=_("Surveys open for answers"), required=False, initial=True)
    registration_open = forms.BooleanField(label=_("People may register on the event's page"), required=False)
    is_public = forms.BooleanField(label=_("Show on the public calendar"), required=False)

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location_id"].choices = location_choices(membership)
        self.fields["co_host_ids"].choices = partner_choices(membership)
        self.fields["surveys"].choices = [(code, s.title_in("en")) for code, s in all_surveys().items()]


class AttendanceForm(forms.Form):
    attendance_count = forms.IntegerField(label=_("People who attended"), min_value=0)
    naloxone_kits = forms.IntegerField(label=_("Naloxone kits handed out"), min_value=0, initial=0)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Email or phone"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file_name = forms.CharField(label=_("Or file name"), required=False, max_length=255)
    media_type = forms.CharField(
        label=_("Type (e.g. slides, handout, video)"), required=False, max_length=100
    )
    language = forms.CharField(label=_("Language code (en, es…)"), required=False, max_length=10)


class TakeBackForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    location_id = forms.ChoiceField(label=_("Place in the directory"), required=False)
    venue = forms.CharField(label=_("Or venue"), max_length=255, required=False)
    area_code = forms.CharField(label=_("Area (ZIP3, county or tract FIPS)"), max_length=11, required=False)
    partner_ids = forms.MultipleChoiceField(
        label=_("Invite partners (e.g. the police department collecting)"),
        required=False,
        help_text=INVITATION_HELP,
    )
    pounds_collected = forms.CharField(label=_("Pounds of medication collected"), required=False)
    people_dropped_off = forms.IntegerField(label=_("People who dropped off"), required=False, min_value=0)
    sharps_pounds = forms.CharField(label=_("Pounds of sharps collected"), required=False)
    permanent_box_id = forms.ChoiceField(label=_("Permanent drop box (directory service)"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_public = forms.BooleanField(label=_("Show on the public calendar"), required=False, initial=True)

    def __init__(self, membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location_id"].choices = location_choices(membership)
        self.fields["partner_ids"].choices = partner_choices(membership)
        boxes = Service.objects.filter(taxonomy_terms__code="drug-take-back").distinct().order_by("name")
        self.fields["permanent_box_id"].choices = [("", "—")] + [(str(s.pk), s.name) for s in boxes]
