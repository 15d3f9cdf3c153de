"""Page forms. They only shape input: every rule is checked in actions.py, whose errors come back per field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetpoint.directory.models import Service
from meetpoint.referrals import consent_rules
from meetpoint.referrals.models import Referral


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.organization.name} — {obj.name}"


class ReferralForm(forms.Form):
    service = ServiceChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        empty_label=_("Choose a partner's service"),
        to_field_name="pk",
    )
    screening = forms.UUIDField(required=False, widget=forms.HiddenInput)
    reason_category = forms.ChoiceField(
        label=_("Reason"), choices=list(consent_rules.REASON_CATEGORIES.items())
    )
    reason = forms.CharField(
        label=_("Why you refer the person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the receiver needs to help: the minimum necessary."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices, initial="routine")
    contact_method = forms.ChoiceField(
        label=_("How the receiver may reach the person"),
        choices=Referral.ContactMethod.choices,
        widget=forms.RadioSelect,
        initial="via_sender",
    )
    contact_detail = forms.CharField(
        label=_("Phone number or email address (only for phone, text or email)"),
        required=False,
        max_length=255,
    )

    def __init__(self, *args, fixed_service: Service | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = (
            Service.objects.filter(status=Service.Status.ACTIVE, accepts_referrals=True)
            .select_related("organization")
            .order_by("organization__name", "name")
        )
        if fixed_service is not None:
            queryset = queryset.filter(pk=fixed_service.pk)
            self.fields["service"].widget = forms.HiddenInput()
        self.fields["service"].queryset = queryset
        self.fields["service"].error_messages["invalid_choice"] = _(
            "That service does not exist, is not active or does not accept referrals."
        )


class ConsentForm(forms.Form):
    patient_reference = forms.CharField(
        label=_("Patient (participant code reference)"),
        required=False,
        max_length=120,
        help_text=_("Filled from the participant record when there is one."),
    )
    patient_name = forms.CharField(
        label=_("Name (only if the person agrees to share it for this referral)"),
        required=False,
        max_length=200,
    )
    information = forms.CharField(
        label=_("What information may be disclosed (be specific)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose of the disclosure"), required=False, max_length=500)
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_event = forms.CharField(
        label=_("…or expires on this event or condition"), required=False, max_length=255
    )
    signature_method = forms.ChoiceField(
        label=_("How the person consented"),
        choices=list(consent_rules.SIGNATURE_METHODS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    signed_on = forms.DateField(
        label=_("Date of consent"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    witnessed_by = forms.CharField(
        label=_("Witnessed by (required for verbal consent)"), required=False, max_length=200
    )
    right_to_revoke_given = forms.BooleanField(
        label=_("The person was told they may revoke this consent at any time"), required=False
    )
