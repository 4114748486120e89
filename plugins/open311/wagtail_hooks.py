"""The admin of API integrations: a region's administrators issue, scope and revoke the keys
of the systems that file messages into their region (the ЕПГУ, a city app).

Scoped like every region's rows (`RegionScopedAdmin`): an editor sees and touches only the
integrations of the regions they configure. A key is shown once, on the page that answers
the form that issued it; afterwards only its prefix is shown. Integrations are not deleted
(the messages they filed name them): they are revoked.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import display
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.log_actions import log
from wagtail_modeladmin.options import modeladmin_register
from wagtail_modeladmin.views import InstanceSpecificView

from cms.staff_admin.phrases import (
    ModelPhrases,
    PhrasedButtonHelper,
    PhrasedCreateView,
)
from cms.staff_admin.region_scoped import RegionScopedAdmin, RegionScopedForm

from .models import KEY_SCHEME, Integration

KEY_TEMPLATE = "open311/admin/key_issued.html"
CONFIRM_TEMPLATE = "open311/admin/confirm.html"


class IntegrationForm(RegionScopedForm):
    """The region is chosen once: moving an integration would hand its key to another
    region's jurisdiction."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "region" in self.fields:
            self.fields["region"].disabled = True


def key_page(view, integration, key: str):
    """The one page that shows a key: not cached anywhere, never shown again."""
    response = TemplateResponse(view.request, KEY_TEMPLATE, {
        "view": view, "integration": integration, "key": key,
        "index_url": view.url_helper.index_url,
    })
    response["Cache-Control"] = "no-store"
    return response


class IntegrationCreateView(PhrasedCreateView):
    """Saves the integration with its author and answers with its new key."""

    def form_valid(self, form):
        with transaction.atomic():
            integration = form.save(commit=False)
            integration.created_by = self.request.user
            integration.save()
            form.save_m2m()
            key = integration.issue_key()
            log(instance=integration, action="wagtail.create", content_changed=True)
        self.instance = integration
        return key_page(self, integration, key)


class IntegrationActionView(InstanceSpecificView):
    """A confirmed action on one integration of the user's regions (GET asks, POST does)."""

    action = ""
    question = ""
    button = ""
    serious = False

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_edit_obj(user, self.instance) and (
            not self.instance.is_revoked)

    def get_page_title(self):
        return self.title

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, CONFIRM_TEMPLATE, {
            "view": self, "integration": self.instance, "question": self.question,
            "button": self.button, "serious": self.serious,
            "index_url": self.url_helper.index_url,
        })

    def post(self, request, *args, **kwargs):
        raise NotImplementedError


class RevokeView(IntegrationActionView):
    title = _("Revoke the integration's key")
    question = _("The integration will no longer be able to file or read requests with its "
                 "key. A revoked integration cannot be restored; create a new one instead.")
    button = _("Yes, revoke")
    serious = True

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            integration = Integration.objects.select_for_update().get(pk=self.instance.pk)
            integration.revoke()
            log(instance=integration, action="open311.revoke")
        messages.success(request, _("The key of “%(name)s” is revoked.")
                         % {"name": integration.name})
        return redirect(self.url_helper.index_url)


class NewKeyView(IntegrationActionView):
    title = _("Issue a new key")
    question = _("The current key stops working at once; the system must be given the new "
                 "one, which is shown only once.")
    button = _("Issue a new key")

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            integration = Integration.objects.select_for_update().get(pk=self.instance.pk)
            key = integration.issue_key()
            log(instance=integration, action="open311.new_key")
        return key_page(self, integration, key)


class IntegrationButtonHelper(PhrasedButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None,
                            classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add,
                                              classnames_exclude)
        if obj.is_revoked or not self.permission_helper.user_can_edit_obj(
                self.request.user, obj):
            return buttons
        for action, label in (("new_key", _("New key")), ("revoke", _("Revoke"))):
            buttons.append({
                "url": self.url_helper.get_action_url(action, obj.pk),
                "label": label, "title": label,
                "classname": self.finalise_classname(classnames_add or [],
                                                     classnames_exclude or []),
            })
        return buttons


class IntegrationAdmin(RegionScopedAdmin):
    model = Integration
    menu_label = pgettext_lazy("menu", "API integrations")
    menu_icon = "link"
    menu_order = 320
    add_to_settings_menu = False
    allow_delete = False
    create_view_class = IntegrationCreateView
    button_helper_class = IntegrationButtonHelper
    phrases = ModelPhrases(
        add=_("Add an API integration"), new=_("New API integration"),
        editing=_("Editing an API integration"),
        created=_("API integration “%(object)s” created."),
        saved=_("API integration “%(object)s” saved."),
        count=ngettext_lazy("%(count)s API integration", "%(count)s API integrations",
                            "count"))
    list_display = ("name", "channel_label", "region", "key", "state", "vouches_for_esia")
    list_filter = ("region", "vouches_for_esia")
    search_fields = ("name", "channel_label", "key_prefix")
    list_select_related = ("region",)
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("region"), FieldPanel("name")]),
        FieldPanel("channel_label"),
        MultiFieldPanel([FieldPanel("services"), FieldPanel("vouches_for_esia"),
                         FieldPanel("rate_per_minute")], heading=_("What it may do")),
        FieldPanel("note"),
    ], base_form_class=IntegrationForm)

    @display(description=_("key"))
    def key(self, integration):
        # The prefix identifies the key in logs and conversations; the rest is never kept.
        if not integration.key_prefix:
            return _("not issued")
        return f"{KEY_SCHEME}_{integration.key_prefix}_…"

    @display(description=_("state"))
    def state(self, integration):
        if integration.is_revoked:
            return _("revoked")
        return _("active") if integration.key_prefix else _("no key")

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        for action, view_class in (("revoke", RevokeView), ("new_key", NewKeyView)):
            urls += (re_path(
                self.url_helper.get_action_url_pattern(action),
                self._instance_view(view_class),
                name=self.url_helper.get_action_url_name(action),
            ),)
        return urls

    def _instance_view(self, view_class):
        def view(request, instance_pk):
            instance_view = view_class.as_view(model_admin=self, instance_pk=instance_pk)
            return instance_view(request)
        return view


modeladmin_register(IntegrationAdmin)


@hooks.register("register_log_actions")
def register_key_log_actions(actions):
    # Wagtail's history of the integration says when its key was replaced or revoked.
    actions.register_action("open311.new_key", _("Issue a new key"), _("New API key issued"))
    actions.register_action("open311.revoke", _("Revoke the key"), _("API key revoked"))
