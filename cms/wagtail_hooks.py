"""Admin wiring of the region readiness page (`cms.staff_admin.readiness_views`)."""

from wagtail import hooks

from cms.staff_admin.readiness_views import readiness_menu_item, readiness_urls


@hooks.register("register_admin_urls")
def register_readiness_urls():
    return readiness_urls()


@hooks.register("register_admin_menu_item")
def register_readiness_menu_item():
    return readiness_menu_item()
