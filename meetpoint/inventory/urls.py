from django.urls import path

from meetpoint.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("receive/", views.receive, name="receive"),
    path("transfer/", views.transfer, name="transfer"),
    path("adjust/", views.adjust, name="adjust"),
    path("alerts/", views.alerts, name="alerts"),
    path("lots/<int:lot_id>/write-off/", views.write_off, name="write_off"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("movements/", views.movements, name="movements"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/<uuid:movement_id>/", views.reconcile, name="reconcile"),
]
