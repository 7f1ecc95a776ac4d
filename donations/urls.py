from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("donate/", views.donate, name="donate_general"),
    path("c/<slug:slug>/donate/", views.donate, name="donate"),
    path("donate/thanks/", views.thanks, name="thanks"),
    path("donate/mpesa/", views.donate_mpesa, name="donate_mpesa_general"),
    path("c/<slug:slug>/donate/mpesa/", views.donate_mpesa, name="donate_mpesa"),
    path("donate/mpesa/<uuid:reference>/", views.mpesa_status, name="mpesa_status"),
    path("donate/monthly/<str:token>/cancel/", views.cancel_monthly, name="cancel_monthly"),
    path("open-books/", views.open_books, name="open_books"),
    path("staff/donations/reports/", views.finance_reports, name="reports"),
    path("staff/donations/reports/chart.svg", views.finance_chart, name="reports_chart"),
    path(
        "staff/donations/reports/<slug:name>.<str:fmt>",
        views.finance_report_file,
        name="report_file",
    ),
]
