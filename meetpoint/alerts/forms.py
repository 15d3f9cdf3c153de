from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetpoint.alerts.models import AlertKind, CheckMethod


def substance_choices():
    from meetpoint.alerts.actions import known_substances

    return [(code, code) for code in sorted(known_substances())]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Why it ends"), max_length=200, required=False)


class SampleForm(forms.Form):
    code = forms.CharField(
        label=_("Sample code"),
        max_length=24,
        required=False,
        help_text=_(
            "The code on the sample's bag or card. Never a participant code; leave empty to get one."
        ),
    )
    collected_on = forms.DateField(label=_("Collected on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=CheckMethod.choices)
    expected_substance = forms.ChoiceField(label=_("Sold as"), required=False)
    found = forms.MultipleChoiceField(label=_("Found"), required=False, widget=forms.CheckboxSelectMultiple)
    not_found = forms.MultipleChoiceField(
        label=_("Not found"), required=False, widget=forms.CheckboxSelectMultiple
    )
    site = forms.ChoiceField(label=_("Where: your site or mobile unit"), required=False)
    block_group = forms.CharField(
        label=_("…or a census block group (12 digits)"), max_length=12, required=False
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = substance_choices()
        self.fields["found"].choices = choices
        self.fields["not_found"].choices = choices
        self.fields["expected_substance"].choices = [("", "—"), *choices]
        self.fields["site"].choices = [("", "—"), *((site.name, site.name) for site in sites)]
        self.fields["collected_on"].initial = timezone.localdate()


class ConfirmForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=CheckMethod.choices, initial=CheckMethod.LAB)
    tested_on = forms.DateField(label=_("Tested on"), widget=forms.DateInput(attrs={"type": "date"}))
    found = forms.MultipleChoiceField(label=_("Found"), required=False, widget=forms.CheckboxSelectMultiple)
    not_found = forms.MultipleChoiceField(
        label=_("Not found"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = substance_choices()
        self.fields["found"].choices = choices
        self.fields["not_found"].choices = choices
        self.fields["tested_on"].initial = timezone.localdate()


class SubscriptionForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Alert types"), choices=AlertKind.choices, widget=forms.CheckboxSelectMultiple
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    webhook_url = forms.CharField(
        label=_("Webhook URL (HTTPS)"),
        max_length=500,
        required=False,
        help_text=_("Receives signed JSON; an SMS gateway or a chat system can consume it."),
    )

    def __init__(self, *args, area_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Every area you may see")), *area_choices]
