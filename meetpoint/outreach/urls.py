from django.urls import path

from meetpoint.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.entry, name="entry"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("summary/", views.summary_page, name="summary"),
    path("overdoses/", views.overdoses, name="overdoses"),
    path("participants/duplicates/", views.duplicates, name="duplicates"),
    path(
        "participants/duplicates/<int:pk>/<str:decision>/", views.resolve_duplicate, name="resolve_duplicate"
    ),
    path("participants/recipe/", views.recipe, name="recipe"),
]
