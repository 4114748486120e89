"""The "try it" admin view: which organisation would receive such a message, and why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.permissions.policy import configurable_regions

from .forms import TryRoutingForm
from .models import RoutingRule
from .resolver import explain_routing

PLUGIN_NAME = "routing"


class TryRoutingView(WagtailAdminTemplateMixin, TemplateView):
    # A question, not a change: the form is sent with GET, so an answer can be linked to.
    template_name = "routing/try_routing.html"
    page_title = _("Try routing")
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not configurable_regions(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = "region" in self.request.GET
        form = TryRoutingForm(self.request.GET if asked else None)
        form.fields["region"].queryset = configurable_regions(self.request.user)
        context["form"] = form
        if asked and form.is_valid():
            data = form.cleaned_data
            choice = explain_routing(
                data["region"], data["category"], data["subcategory"], data["territory"],
                data["channel"], data["widget_organisation"],
            )
            context.update(
                answered=True,
                choice=choice,
                routing_switched_off=not data["region"].is_plugin_enabled(PLUGIN_NAME),
                rule=self._rule(choice),
            )
        return context

    @staticmethod
    def _rule(choice) -> dict | None:
        rule_id = choice.details.get("rule") if choice else None
        rule = RoutingRule.objects.filter(pk=rule_id).first() if rule_id else None
        if rule is None:
            return None
        return {"code": rule.code,
                "edit_url": reverse("routing_routingrule_modeladmin_edit", args=[rule.pk])}
