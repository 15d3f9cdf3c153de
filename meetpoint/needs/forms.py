from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    """A fixed period that has ended: a calendar month, quarter or year. Day ranges are refused: two
    overlapping ranges could be subtracted to reveal a small count."""

    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=10,
        help_text=_("A month (2026-09), a quarter (2026-Q3) or a year (2026) that has ended."),
    )

    def clean(self):
        from meetpoint.needs.queries import requested_period

        data = super().clean()
        if self.data.get("start") or self.data.get("end"):
            raise forms.ValidationError(
                _(
                    "Needs figures come by calendar month, quarter or year only (e.g. 2026-09, 2026-Q3, 2026), not by a range of days."
                )
            )
        try:
            data["fixed_period"] = requested_period(data.get("period"))
        except ValueError as problem:
            self.add_error("period", str(problem))
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
