from django.urls import path

from meetpoint.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:pk>/", views.service_detail, name="service"),
    path("map/", views.map_view, name="map"),
    path("mobile/", views.mobile_today, name="mobile_today"),
    path("manage/", views.manage, name="manage"),
    path("manage/services/new/", views.service_edit, name="service_new"),
    path("manage/services/<uuid:pk>/", views.service_edit, name="service_edit"),
    path("manage/locations/new/", views.location_edit, name="location_new"),
    path("manage/locations/<uuid:pk>/", views.location_edit, name="location_edit"),
    path(
        "manage/services/<uuid:pk>/hours/new/",
        views.schedule_add,
        {"kind": "service"},
        name="service_hours_add",
    ),
    path(
        "manage/locations/<uuid:pk>/hours/new/",
        views.schedule_add,
        {"kind": "location"},
        name="location_hours_add",
    ),
    path("manage/confidential-partners/", views.confidential_partners, name="confidential_partners"),
    path("manage/hours/<uuid:pk>/", views.schedule_edit, name="schedule_edit"),
    path("manage/hours/<uuid:pk>/delete/", views.schedule_delete, name="schedule_delete"),
]
