from django import forms
from django.utils.translation import gettext_lazy as _

from meetpoint import indicators as indicator_registry
from meetpoint.outcomes import actions, queries
from meetpoint.outcomes.models import PlaceGrain, TimeGrain


def indicator_choices():
    return [(code, f"{i.name} ({code})") for code, i in sorted(indicator_registry.registry.items())]


class AgreementForm(forms.Form):
    recipient = forms.ModelChoiceField(queryset=None, label=_("Recipient organization"))
    indicators = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label=_("Indicators")
    )
    time_grain = forms.ChoiceField(choices=TimeGrain.choices, initial=TimeGrain.MONTH, label=_("Time grain"))
    place_grain = forms.ChoiceField(
        choices=PlaceGrain.choices, initial=PlaceGrain.COUNTY, label=_("Place grain")
    )
    threshold = forms.IntegerField(
        initial=11, min_value=2, label=_("Suppression threshold (counts below it are hidden)")
    )
    protect_supplies = forms.BooleanField(initial=True, required=False, label=_("Protect supply counts too"))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        required=False, label=_("Valid until (optional)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(required=False, max_length=500, label=_("Purpose"))

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = queries.recipient_organizations(membership)
        self.fields["indicators"].choices = indicator_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The agreement cannot end before it starts."))
        return data

    def agreement_input(self) -> actions.AgreementInput:
        data = self.cleaned_data
        return actions.AgreementInput(
            recipient=data["recipient"],
            indicators=data["indicators"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            time_grain=data["time_grain"],
            place_grain=data["place_grain"],
            threshold=data["threshold"],
            protect_supplies=data.get("protect_supplies", False),
            purpose=data.get("purpose", ""),
        )


class DatasetForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Description")
    )
    indicators = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label=_("Indicators")
    )
    time_grain = forms.ChoiceField(
        choices=TimeGrain.choices, initial=TimeGrain.QUARTER, label=_("Time grain")
    )
    place_grain = forms.ChoiceField(
        choices=PlaceGrain.choices, initial=PlaceGrain.COUNTY, label=_("Place grain")
    )
    threshold = forms.IntegerField(initial=11, min_value=2, label=_("Suppression threshold"))
    protect_supplies = forms.BooleanField(initial=True, required=False, label=_("Protect supply counts too"))
    published_from = forms.DateField(
        label=_("First period starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices()

    def dataset_input(self) -> actions.DatasetInput:
        data = self.cleaned_data
        return actions.DatasetInput(
            title=data["title"],
            description=data.get("description", ""),
            indicators=data["indicators"],
            published_from=data["published_from"],
            time_grain=data["time_grain"],
            place_grain=data["place_grain"],
            threshold=data["threshold"],
            protect_supplies=data.get("protect_supplies", False),
        )
