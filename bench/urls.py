from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("bench/constant.json", views.constant_json, name="constant"),
    path("bench/insert/", views.insert_row, name="insert"),
]
