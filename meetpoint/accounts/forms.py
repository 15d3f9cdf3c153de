from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meetpoint.accounts.roles import Role


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-ins for this username from this address. Wait %(minutes)s minutes and try "
            "again, or ask an admin of your organization to unlock it."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "sign_in_wait", 0)
            if wait:
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": max(1, (wait + 59) // 60)},
                ) from None
            raise


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=())

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["language"].initial = translation.get_language()


class NewOrganizationForm(InvitationForm):
    name = forms.CharField(label=_("Organization name"), max_length=255)
    partner_type = forms.ChoiceField(label=_("Kind of partner"))

    field_order = ["name", "partner_type", "email", "language"]

    def __init__(self, *args, **kwargs):
        from meetpoint.accounts.roles import PartnerType

        super().__init__(*args, **kwargs)
        self.fields["partner_type"].choices = PartnerType.choices
        self.fields["email"].label = _("E-mail address of its first admin")
        del self.fields["role"]


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254)
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)


class LocalizedPasswordResetForm(PasswordResetForm):
    """Django's reset form (same answer for known and unknown addresses), writing each e-mail in its
    recipient's language."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, **kwargs
            )
