from django import forms
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.models import Organization
from meetpoint.policy.models import ActionKind, PolicyKind, Position, Status, Topic


class DateInput(forms.DateInput):
    input_type = "date"


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    identifier = forms.CharField(label=_("Number (e.g. HB 1234)"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    jurisdiction = forms.CharField(
        label=_("Jurisdiction (e.g. State of Pennsylvania, Three Rivers County)"), max_length=120
    )
    position = forms.ChoiceField(label=_("Our position"), choices=Position.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NewPolicyForm(PolicyForm):
    status = forms.ChoiceField(
        label=_("Current status"), choices=[("", "—"), *Status.choices], required=False
    )
    status_date = forms.DateField(label=_("Since"), required=False, widget=DateInput())


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note (required when the status goes backwards)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")


class SignOnForm(forms.Form):
    signed_on = forms.MultipleChoiceField(label=_("Partners who signed on"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Organization.objects.filter(memberships__isnull=False).distinct().order_by("name")
        self.fields["signed_on"].choices = [(str(org.pk), org.name) for org in partners]
