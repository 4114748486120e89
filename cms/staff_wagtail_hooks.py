"""Admin wiring of the staff side: the queues, the message page, the outbox and the audit
trail. Imported from `cms/wagtail_hooks.py` (Wagtail autoloads one hooks module per app).
"""

from django.urls import include, path
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from cms.staff_admin import urls as message_urls
from cms.staff_admin.oversight import OversightGroup, oversight_urls
from cms.staff_admin.queues import QueuesGroup

modeladmin_register(QueuesGroup)
modeladmin_register(OversightGroup)


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [
        path("messages/", include(message_urls, namespace="pos_messages")),
        *oversight_urls(),
    ]
