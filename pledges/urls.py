from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("c/<slug:slug>/sign/", views.sign, name="sign"),
    path("c/<slug:slug>/sign/check-your-email/", views.sign_done, name="sign_done"),
    path("c/<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    path("c/<slug:slug>/withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("c/<slug:slug>/organisations/sign/", views.org_sign_on, name="org_sign_on"),
    path(
        "c/<slug:slug>/organisations/sign/check-your-email/",
        views.org_sign_on_done,
        name="org_sign_on_done",
    ),
    path("c/<slug:slug>/signatories/", views.signatories, name="signatories"),
    path("c/<slug:slug>/versions/", views.versions, name="versions"),
    path("confirm-contact/<str:token>/", views.contact_confirm, name="contact_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/", views.privacy, name="privacy"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/check-your-email/", views.my_data_sent, name="my_data_sent"),
    path("my-data/<str:token>/", views.my_data_show, name="my_data_show"),
    path("my-data/<str:token>/erase/", views.my_data_erase, name="my_data_erase"),
]
