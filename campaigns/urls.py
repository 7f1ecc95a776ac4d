from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.campaign_detail, name="detail"),
    path("c/<slug:slug>/qr.svg", views.qr_svg, name="qr_svg"),
    path("c/<slug:slug>/qr.png", views.qr_png, name="qr_png"),
    path("c/<slug:slug>/card.png", views.campaign_card, name="card"),
    # Before commitments' /targets/<slug>/: "changes" is a reserved target slug.
    path("targets/changes/", views.target_changes, name="target_changes"),
    path(
        "targets/<slug:slug>/replies/<int:pk>/document/",
        views.reply_document,
        name="reply_document",
    ),
]
