from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("c/<slug:slug>/commitments/pledge/", views.pledge, name="pledge"),
    path(
        "c/<slug:slug>/commitments/pledge/check-your-email/",
        views.pledge_done,
        name="pledge_done",
    ),
    path("c/<slug:slug>/tracker/", views.tracker_page, name="tracker"),
    path("commitments/report/new-link/", views.report_link, name="report_link"),
    path(
        "commitments/report/new-link/check-your-email/",
        views.report_link_sent,
        name="report_link_sent",
    ),
    path("commitments/report/<str:token>/", views.update, name="update"),
    path(
        "commitments/evidence/<int:pk>/download/",
        views.evidence_document,
        name="evidence_document",
    ),
    path("targets/<slug:slug>/", views.target_page, name="target"),
    path("organisations/<int:pk>/", views.organisation_page, name="organisation"),
]
