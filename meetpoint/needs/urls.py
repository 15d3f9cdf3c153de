from django.urls import path

from meetpoint.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.area_table, name="areas"),
    path("next/", views.next_stops, name="next"),
    path("import/", views.upload, name="import"),
    path("source/", views.choose_source, name="source"),
]
