from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    layout = forms.ChoiceField(
        label=_("Layout"),
        choices=[
            ("svi", _("CDC/ATSDR Social Vulnerability Index")),
            ("generic", _("Any CSV with an area code")),
        ],
    )
    area_column = forms.CharField(
        label=_("Area code column (optional)"),
        required=False,
        max_length=60,
        help_text=_("Default: FIPS or GEOID."),
    )
    source = forms.CharField(
        label=_("Source (e.g. SVI 2022, Pennsylvania tracts)"), required=False, max_length=200
    )
