"""Admin wiring only: the page listing each organisation's widget snippet."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import widget_snippets


@hooks.register("register_admin_urls")
def register_widget_urls():
    return [path("widgets/", widget_snippets, name="portal_widget_snippets")]


@hooks.register("register_admin_menu_item")
def register_widget_menu_item():
    return MenuItem(
        _("Widgets"), reverse("portal_widget_snippets"), name="widgets", icon_name="code",
        order=310
    )
