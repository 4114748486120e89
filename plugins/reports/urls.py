"""The admin URLs of the "Reports" section (mounted under /admin/reports/)."""

from django.urls import path

from . import views

app_name = "reports_admin"

urlpatterns = [
    path("", views.index, name="index"),
    path("messages/", views.messages, name="messages"),
    path("<slug:key>/", views.report_view, name="report"),
    path("<slug:key>/export.<str:fmt>", views.export, name="export"),
]
