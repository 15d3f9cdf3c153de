from django.urls import path

from meetpoint.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/", views.catalog, name="catalog"),
    path("report/", views.report, name="report"),
    path("report/download.<str:kind>", views.report_download, name="report_download"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/<str:agreement_id>/", views.agreement, name="agreement"),
    path("agreements/<str:agreement_id>/<str:verb>/", views.agreement_action, name="agreement_action"),
    path("inbox/", views.inbox, name="inbox"),
    path("packages/<str:package_id>/", views.package, name="package"),
    path("packages/<str:package_id>/download.<str:kind>", views.package_download, name="package_download"),
    path("packages/<str:package_id>/<str:verb>/", views.package_action, name="package_action"),
    path("combined/", views.combined_report, name="combined"),
    path("combined/download.<str:kind>", views.combined_download, name="combined_download"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/download.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("open/", views.open_data, name="open_data"),
    path("open/manage/", views.open_data_manage, name="open_data_manage"),
    path("open/<slug:org_slug>/<slug:slug>/", views.open_dataset, name="open_dataset"),
    path(
        "open/<slug:org_slug>/<slug:slug>/data.<str:kind>",
        views.open_dataset_download,
        name="open_dataset_download",
    ),
]
