from django.urls import path

from meetpoint.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.outbox, name="outbox"),
    path("new/", views.new, name="new"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("notifications/", views.notifications, name="notifications"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("<uuid:referral_id>/disclosures/", views.disclosures, name="referral_disclosures"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/transition/", views.transition, name="transition"),
    path("<uuid:referral_id>/consent/", views.consent, name="consent"),
    path("<uuid:referral_id>/consent/revoke/", views.revoke_consent, name="revoke_consent"),
]
