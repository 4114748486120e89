"""What region administrators keep an eye on: the outbox (with failed deliveries and a
retry), the audit trail (read only), and the region's workflow lists and terms.

A region administrator (the editor role, granted on the region) sees the rows of their
own regions; a superuser sees everything.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from cms.models import (
    AuditRecord,
    Notification,
    NotificationState,
    RejectionReason,
)
from cms.notifications.outbox import render, retry_notification

from .plugin_extensions import plugin_menu_items
from .queues import queue_admins
from .region_scoped import (
    RegionScopedAdmin,
    RegionScopedForm,
    configures_a_region,
    in_configurable_regions,
)

# --- the outbox ------------------------------------------------------------------------


class NotificationInspectView(InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["subject"], context["body"] = render(self.instance)
        except Exception as error:  # noqa: BLE001 - shown to the admin, not raised
            context["subject"], context["body"] = "", f"{type(error).__name__}: {error}"
        context["can_retry"] = self.instance.state != NotificationState.SENT
        context["retry_url"] = reverse("pos_outbox_retry", args=[self.instance.pk])
        return context


class OutboxAdmin(RegionScopedAdmin):
    model = Notification
    region_lookup = "appeal__region"
    allow_create = allow_edit = allow_delete = False
    menu_label = _("Outbox")
    menu_icon = "mail"
    base_url_path = "oversight/outbox"
    inspect_view_enabled = True
    inspect_view_class = NotificationInspectView
    inspect_template_name = "staff_admin/notification_inspect.html"
    list_display = ("created_at", "template", "email", "appeal", "state_label", "attempts",
                    "last_error")
    list_filter = ("state", "template")
    search_fields = ("email", "appeal__number", "template")
    list_select_related = ("appeal",)
    list_per_page = 50

    @staticmethod
    def state_label(obj):
        if obj.state == NotificationState.FAILED:
            return format_html('<strong style="color:#cd4444">{}</strong>',
                               obj.get_state_display())
        return obj.get_state_display()

    state_label.short_description = _("state")


class FailedDeliveriesAdmin(OutboxAdmin):
    """The deliveries that gave up: what the region administrator must look at."""

    menu_label = _("Failed deliveries")
    menu_icon = "warning"
    base_url_path = "oversight/failed"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=NotificationState.FAILED)

    def get_menu_item(self, order=None):
        return FailedMenuItem(self, order or self.get_menu_order())


class FailedMenuItem(ModelAdminMenuItem):
    """With the number of failed deliveries, so they are not missed."""

    def render_component(self, request):
        count = self.model_admin.get_queryset(request).count()
        label = f"{self.label} ({count})" if count else self.label
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name,
                            classname=self.classname, attrs=self.attrs)


@require_POST
def retry_delivery(request, pk):
    if not configures_a_region(request.user):
        return redirect("wagtailadmin_home")
    outbox = Notification.objects.filter(
        in_configurable_regions(request.user, "appeal__region"))
    notification = get_object_or_404(outbox, pk=pk)
    if retry_notification(notification.pk):
        messages.success(request, _("The notification is queued to be sent again."))
    else:
        messages.info(request, _("The notification was already sent."))
    return redirect(reverse(OutboxAdmin().url_helper.get_action_url_name("inspect"),
                            args=[notification.pk]))


def oversight_urls():
    return [path("oversight/outbox/<int:pk>/retry/", retry_delivery, name="pos_outbox_retry")]


# --- the audit trail -------------------------------------------------------------------


class AuditTrailAdmin(RegionScopedAdmin):
    """Read only: nobody edits or deletes an audit record, here or anywhere."""

    model = AuditRecord
    region_lookup = "appeal__region"
    allow_create = allow_edit = allow_delete = False
    menu_label = _("Audit trail")
    menu_icon = "history"
    base_url_path = "oversight/audit"
    inspect_view_enabled = True
    list_display = ("at", "actor_name", "kind", "what", "appeal", "address")
    list_filter = ("kind",)
    search_fields = ("actor_name", "what", "appeal__number", "address")
    list_select_related = ("appeal",)
    list_per_page = 100


# --- the region's workflow lists and terms ---------------------------------------------


class RejectionReasonAdmin(RegionScopedAdmin):
    model = RejectionReason
    menu_label = _("Rejection reasons")
    menu_icon = "list-ol"
    base_url_path = "oversight/rejection-reasons"
    list_display = ("title", "region", "needs_reference", "is_active", "position")
    list_filter = ("is_active",)
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("title"), FieldPanel("needs_reference"),
         FieldPanel("position"), FieldPanel("is_active")],
        base_form_class=RegionScopedForm,
    )


class OversightGroup(ModelAdminGroup):
    menu_label = _("Processing oversight")
    menu_icon = "view"
    menu_order = 250
    items = (FailedDeliveriesAdmin, OutboxAdmin, AuditTrailAdmin, RejectionReasonAdmin)

    def __init__(self):
        # Plugins' queues listed here follow the core's admins.
        self.items = (*type(self).items, *queue_admins("oversight"))
        super().__init__()

    def get_submenu_items(self):
        items = super().get_submenu_items()
        return [*items, *plugin_menu_items("oversight", after=len(items))]
