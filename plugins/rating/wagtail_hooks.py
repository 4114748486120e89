"""Admin wiring only: the URLs of the rating section's forms on a message's page."""

from django.urls import include, path
from wagtail import hooks

from . import admin_views

urlpatterns = [
    path("<int:pk>/reopen/", admin_views.reopen, name="reopen"),
    path("<int:pk>/close-review/", admin_views.close, name="close_review"),
]


@hooks.register("register_admin_urls")
def register_rating_admin_urls():
    return [path("rating/messages/", include((urlpatterns, "rating_admin")))]
