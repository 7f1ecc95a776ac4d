from django.urls import path

from paper import views

app_name = "paper"

urlpatterns = [
    path("c/<slug:slug>/signatories/paper/", views.signatories, name="signatories"),
]
