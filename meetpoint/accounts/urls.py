from django.contrib.auth import views as auth_views
from django.urls import path

from meetpoint.accounts import two_factor, views
from meetpoint.accounts.forms import SignInForm

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
]
