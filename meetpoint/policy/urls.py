from django.urls import path

from meetpoint.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_new, name="new"),
    path("<str:policy_id>/", views.policy_detail, name="detail"),
    path("<str:policy_id>/edit/", views.policy_edit, name="edit"),
    path("<str:policy_id>/status/", views.policy_status, name="status"),
    path("<str:policy_id>/actions/", views.policy_action, name="action"),
    path("<str:policy_id>/links/", views.policy_link, name="link"),
    path("<str:policy_id>/sign-ons/", views.policy_sign_ons, name="sign_ons"),
    path("<str:policy_id>/sign-on/", views.policy_sign_on, name="sign_on"),
]
