from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from meetpoint.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("meetpoint.accounts.urls")),
    path("screening/", include("meetpoint.screening.urls")),
    path("referrals/", include("meetpoint.referrals.urls")),
    path("inventory/", include("meetpoint.inventory.urls")),
    path("outreach/", include("meetpoint.outreach.urls")),
    path("education/", include("meetpoint.education.urls")),
    path("policy/", include("meetpoint.policy.urls")),
    path("needs/", include("meetpoint.needs.urls")),
    path("outcomes/", include("meetpoint.outcomes.urls")),
    path("alerts/", include("meetpoint.alerts.urls")),
    path("", include("meetpoint.directory.urls")),
]

# Error pages in the site's layout and the reader's language; API paths keep JSON (meetpoint/error_pages.py).
handler400 = "meetpoint.error_pages.bad_request"
handler403 = "meetpoint.error_pages.permission_denied"
handler404 = "meetpoint.error_pages.page_not_found"
handler500 = "meetpoint.error_pages.server_error"
