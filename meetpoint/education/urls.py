from django.urls import path

from meetpoint.education import invitation_views, views

app_name = "education"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("results/", views.program_results, name="program_results"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<str:event_id>/", views.event_detail, name="event"),
    path("events/<str:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<str:event_id>/attendance/", views.event_attendance, name="event_attendance"),
    path("events/<str:event_id>/registrations/", views.event_registration, name="event_registration"),
    path("events/<str:event_id>/register/", views.event_register, name="event_register"),
    path("events/<str:event_id>/materials/", views.event_material, name="event_material"),
    path("events/<str:event_id>/results/", views.event_results, name="event_results"),
    path("survey/<str:event_id>/", views.survey, name="survey"),
    path("take-back/", views.take_back_list, name="take_backs"),
    path("take-back/new/", views.take_back_new, name="take_back_new"),
    path("take-back/<str:take_back_id>/", views.take_back_detail, name="take_back"),
    path("take-back/<str:take_back_id>/edit/", views.take_back_edit, name="take_back_edit"),
    path("invitations/", invitation_views.invitation_list, name="invitations"),
    path(
        "invitations/<str:invitation_id>/<str:verb>/",
        invitation_views.invitation_step,
        name="invitation_step",
    ),
]
