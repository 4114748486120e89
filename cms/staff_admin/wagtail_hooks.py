"""Admin wiring of the staff side: menus, model admins and URLs, nothing else.

The queues and the message page, the processing oversight (outbox, audit trail, workflow
lists), the reference data and new staff accounts. Rules live in the modules they belong to.
"""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.permissions import page_permission_policy
from wagtail_modeladmin.options import modeladmin_register

from . import shell
from . import urls as message_urls
from .dashboard import QueuesPanel
from .national import national_menu_item, national_urls
from .oversight import OversightGroup, oversight_urls
from .queues import QueuesGroup
from .reference import ReferenceGroup
from .region_settings import region_settings_menu_item, region_settings_urls
from .staff_accounts import new_staff_account

modeladmin_register(QueuesGroup)
modeladmin_register(OversightGroup)
modeladmin_register(ReferenceGroup)


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [
        path("messages/", include(message_urls, namespace="pos_messages")),
        path("staff/new/", new_staff_account, name="staff_new"),
        *oversight_urls(),
    ]


@hooks.register("register_admin_urls")
def register_region_settings_urls():
    return region_settings_urls()


@hooks.register("register_admin_menu_item")
def register_region_settings_menu_item():
    return region_settings_menu_item()


# --- the dashboard, the help menu and the admin's look (cms/staff_admin/branding.py) ---


@hooks.register("construct_homepage_panels")
def staff_dashboard_panels(request, panels):
    """The user's queues first; the page panels only for those who edit pages."""
    shell.prime(request.user)  # the page permissions below come from the shell's memory
    if not page_permission_policy.user_has_any_permission(
            request.user, ["add", "change", "publish"]):
        panels.clear()
    panels.insert(0, QueuesPanel(request))


@hooks.register("construct_help_menu")
def without_the_cms_promotions(request, menu_items):
    """No "What's new in Wagtail" or Wagtail's editor guide: staff work in the platform,
    and those links lead off the machine."""
    menu_items[:] = [item for item in menu_items
                     if not item.name.startswith(("whats-new-in-wagtail", "editor-guide"))]


@hooks.register("insert_global_admin_css")
def staff_admin_css():
    return format_html('<link rel="stylesheet" href="{}">',
                       static("staff_admin/admin.css"))


# --- the national view (cms/staff_admin/national.py) ---------------------------------


@hooks.register("register_admin_urls")
def register_national_urls():
    return national_urls()


@hooks.register("register_admin_menu_item")
def register_national_menu_item():
    return national_menu_item()
