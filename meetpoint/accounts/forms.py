from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins for this username. Wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "sign_in_locked", False):
                from django.conf import settings

                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": settings.MEETPOINT_LOCKOUT_MINUTES},
                ) from None
            raise
