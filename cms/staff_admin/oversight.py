"""What region administrators keep an eye on: the outbox (with failed deliveries and a
retry), the audit trail (read only), and the region's workflow lists and terms.

A region administrator (the editor role, granted on the region) sees the rows of their
own regions; a superuser sees everything.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin import display
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdminGroup

from cms.models import (
    AuditKind,
    AuditRecord,
    Notification,
    NotificationState,
    RejectionReason,
)
from cms.notifications.outbox import render, retry_notification
from cms.workflow.table import Action

from .phrases import ModelPhrases, PhrasedInspectView
from .plugin_extensions import plugin_menu_items
from .queues import queue_admins
from .region_scoped import (
    RegionScopedAdmin,
    RegionScopedForm,
    configures_a_region,
    in_configurable_regions,
)

# --- the outbox ------------------------------------------------------------------------

# The core's e-mails by their template, as the outbox names them.
TEMPLATE_LABELS = {
    "appeal_registered": _("Message registered"),
    "appeal_rejected": _("Message rejected"),
    "appeal_postponed": _("Deadline postponed"),
    "appeal_answered": _("Message answered"),
    "appeal_reopened": _("Message reopened"),
    "clarification_requested": _("Question to the citizen"),
    "approval_waiting": _("Awaiting approval"),
    "queue_new_message": _("New message in the queue"),
    "returned_for_rework": _("Returned for rework"),
}


def template_label(template: str):
    """The e-mail's name; a template of a plugin's own shows its code, marked as such."""
    if template in TEMPLATE_LABELS:
        return TEMPLATE_LABELS[template]
    return format_html('<code translate="no">{}</code>', template)


def as_code(value):
    """Stored data (a context, details) shown as it is, marked as not wording."""
    text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
    return format_html('<pre translate="no">{}</pre>', text)


class TemplateFilter(admin.SimpleListFilter):
    """The e-mails by their names, not their template codes."""

    title = _("e-mail")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        used = model_admin.get_queryset(request).values_list("template", flat=True)
        return [(template, template_label(template))
                for template in sorted(set(used.order_by()))]

    def queryset(self, request, queryset):
        return queryset.filter(template=self.value()) if self.value() else queryset


class NotificationInspectView(PhrasedInspectView):
    def get_page_subtitle(self):
        return f"{template_label(self.instance.template)} → {self.instance.email}"

    def get_field_display_value(self, field_name, field=None):
        if field_name == "template":
            return template_label(self.instance.template)
        if field_name == "context":
            return as_code(self.instance.context)
        if field_name == "dedup_key" and self.instance.dedup_key:
            return format_html('<code translate="no">{}</code>', self.instance.dedup_key)
        return super().get_field_display_value(field_name, field)

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
    phrases = ModelPhrases(
        inspecting=_("Notification details"),
        count=ngettext_lazy("%(count)s notification", "%(count)s notifications",
                            "count"))
    menu_icon = "mail"
    base_url_path = "oversight/outbox"
    inspect_view_enabled = True
    inspect_view_class = NotificationInspectView
    inspect_template_name = "staff_admin/notification_inspect.html"
    list_display = ("created_at", "template_name", "email", "appeal", "state_label",
                    "attempts", "last_error")
    list_filter = ("state", TemplateFilter)
    search_fields = ("email", "appeal__number", "template")
    list_select_related = ("appeal",)
    list_per_page = 50

    @display(description=_("state"), ordering="state")
    def state_label(self, obj):
        if obj.state == NotificationState.FAILED:
            return format_html('<strong style="color:#cd4444">{}</strong>',
                               obj.get_state_display())
        return obj.get_state_display()

    @display(description=_("e-mail"), ordering="template")
    def template_name(self, obj):
        return template_label(obj.template)


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


def what_was_done(record):
    """A workflow action by its label; anything else as it was recorded."""
    if record.kind == AuditKind.ACTION and record.what in Action.values:
        return Action(record.what).label
    return record.what


class AuditRecordInspectView(PhrasedInspectView):
    def get_page_subtitle(self):
        return f"{self.instance.actor_name}: {what_was_done(self.instance)}"

    def get_field_display_value(self, field_name, field=None):
        if field_name == "what":
            return what_was_done(self.instance)
        if field_name == "data":
            return as_code(self.instance.data)
        return super().get_field_display_value(field_name, field)


class AuditTrailAdmin(RegionScopedAdmin):
    """Read only: nobody edits or deletes an audit record, here or anywhere."""

    model = AuditRecord
    region_lookup = "appeal__region"
    allow_create = allow_edit = allow_delete = False
    menu_label = _("Audit trail")
    phrases = ModelPhrases(
        inspecting=_("Audit record details"),
        count=ngettext_lazy("%(count)s audit record", "%(count)s audit records",
                            "count"))
    menu_icon = "history"
    base_url_path = "oversight/audit"
    inspect_view_enabled = True
    inspect_view_class = AuditRecordInspectView
    list_display = ("at", "actor_name", "kind", "what_label", "appeal", "address")
    list_filter = ("kind",)
    search_fields = ("actor_name", "what", "appeal__number", "address")
    list_select_related = ("appeal",)
    list_per_page = 100

    @display(description=_("what"), ordering="what")
    def what_label(self, record):
        return what_was_done(record)


# --- the region's workflow lists and terms ---------------------------------------------


class RejectionReasonForm(RegionScopedForm):
    """A built-in reason stays in its region (each region has its own copy)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.code and "region" in self.fields:
            self.fields["region"].disabled = True


class RejectionReasonAdmin(RegionScopedAdmin):
    """Every region's reasons, the built-in ones among them: reworded, retired (not
    deleted: rejected messages keep their reason) or added."""

    model = RejectionReason
    menu_label = _("Rejection reasons")
    phrases = ModelPhrases(
        add=_("Add a rejection reason"), new=_("New rejection reason"),
        editing=_("Editing a rejection reason"),
        created=_("Rejection reason “%(object)s” created."),
        saved=_("Rejection reason “%(object)s” saved."),
        deleted=_("Rejection reason “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s rejection reason", "%(count)s rejection reasons",
                            "count"))
    menu_icon = "list-ol"
    base_url_path = "oversight/rejection-reasons"
    allow_delete = False
    list_display = ("title", "region", "needs_reference", "is_active", "position")
    list_filter = ("is_active", "region")
    list_select_related = ("region",)
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("title"), FieldPanel("needs_reference"),
         FieldPanel("position"), FieldPanel("is_active")],
        base_form_class=RejectionReasonForm,
    )


class OversightGroup(ModelAdminGroup):
    menu_label = _("Processing oversight")
    menu_item_name = "oversight"
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
