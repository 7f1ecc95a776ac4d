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
    path("commitments/report/<str:token>/", views.update, name="update"),
    path("targets/<slug:slug>/", views.target_page, name="target"),
    path("organisations/<int:pk>/", views.organisation_page, name="organisation"),
]
