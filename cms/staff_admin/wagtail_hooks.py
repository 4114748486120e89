"""Admin wiring of the staff side: menus, model admins and URLs, nothing else.

The queues and the message page, the processing oversight (outbox, audit trail, workflow
lists), the reference data and new staff accounts. Rules live in the modules they belong to.
"""

from django.urls import include, path
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import urls as message_urls
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
