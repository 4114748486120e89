"""Admin wiring only: the example plugin's admin page (its menu link comes from the
`admin_menu_items` hook in `queues.py`)."""

from django.urls import path
from wagtail import hooks

from .queues import ADMIN_URL_NAME
from .views import example_admin_page


@hooks.register("register_admin_urls")
def register_example_admin_urls():
    return [path("example-plugin/", example_admin_page, name=ADMIN_URL_NAME)]
