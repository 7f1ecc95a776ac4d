from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.campaign_detail, name="detail"),
    path("c/<slug:slug>/qr.svg", views.qr_svg, name="qr_svg"),
    path("c/<slug:slug>/qr.png", views.qr_png, name="qr_png"),
    path("c/<slug:slug>/card.png", views.campaign_card, name="card"),
]
