from django.urls import path

from meetpoint.alerts import views
from meetpoint.alerts.feeds import PublicAlertsFeed

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("public/", views.public_page, name="public"),
    path("public/feed.atom", PublicAlertsFeed(), name="feed"),
    path("samples/", views.sample_list, name="samples"),
    path("samples/<str:sample_id>/", views.sample_detail, name="sample"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path(
        "subscriptions/<str:subscription_id>/delete/", views.subscription_delete, name="subscription_delete"
    ),
    path("<str:alert_id>/", views.alert_detail, name="detail"),
    path("<str:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("<str:alert_id>/note/", views.alert_note, name="note"),
    path("<str:alert_id>/close/", views.alert_close, name="close"),
    path("<str:alert_id>/publish/", views.alert_publish, name="publish"),
]
