from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from meetpoint.accounts import invitation_views, members, self_service, site_admin, two_factor, views
from meetpoint.accounts.forms import LocalizedPasswordResetForm, SignInForm

app_name = "accounts"
urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("switch/", views.switch_organization, name="switch"),
    path("tokens/", views.tokens, name="tokens"),
    path("audit/", views.audit_log, name="audit_log"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("two-factor/enrol/<str:token>/", two_factor.enrol, name="enrol"),
    # An organization's admin manages its members; a site administrator, the network.
    path("members/", members.members, name="members"),
    path("invitations/<int:invitation_id>/resend/", members.resend_invitation, name="resend_invitation"),
    path("invitations/<int:invitation_id>/revoke/", members.revoke_invitation, name="revoke_invitation"),
    path("members/<int:membership_id>/unlock/", members.unlock, name="unlock"),
    path(
        "members/<int:membership_id>/reset-two-factor/", members.reset_second_factor, name="reset_two_factor"
    ),
    path("invitation/<str:token>/", invitation_views.accept_invitation, name="accept_invitation"),
    path("site/", site_admin.site_admin, name="site_admin"),
    # The person's own account.
    path("settings/", self_service.account_settings, name="settings"),
    path("email/", self_service.change_email, name="change_email"),
    path("email/confirm/<str:token>/", self_service.confirm_email, name="confirm_email"),
    path("sessions/sign-out-others/", self_service.sign_out_others, name="sign_out_others"),
    path("recovery-codes/", self_service.new_recovery_codes, name="new_recovery_codes"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_form.html", success_url=reverse_lazy("accounts:settings")
        ),
        name="password_change",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=LocalizedPasswordResetForm,
            email_template_name="accounts/email/password_reset_body.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_sent"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_form.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
