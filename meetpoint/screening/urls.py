from django.urls import path

from meetpoint.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/<str:name>/", views.instrument_detail, name="instrument"),
    path("new/", views.choose, name="choose"),
    path("new/<str:name>/", views.new, name="new"),
    path("<uuid:screening_id>/", views.detail, name="detail"),
    path("<uuid:screening_id>/fhir/", views.fhir, name="fhir"),
]
