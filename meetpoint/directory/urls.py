from django.urls import path

from meetpoint.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("map/", views.map_view, name="map"),
    path("mobile/", views.mobile_today, name="mobile_today"),
    path("manage/", views.manage, name="manage"),
]
