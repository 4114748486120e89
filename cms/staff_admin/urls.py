from django.urls import path

from . import views

app_name = "pos_messages"

urlpatterns = [
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.appeal_action, name="act"),
    path("files/<uuid:public_id>/", views.download_attachment, name="download"),
]
