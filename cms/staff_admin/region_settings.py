"""The admin's one "Region settings" page: a section per settings model, saved together.

The sections are the core's settings models and those of the plugins enabled for the region,
as declared through the `region_settings_models` hook (each a `cms.models.RegionSettings`).
Who may open a region's page is the one rule of region configuration:
`cms.permissions.policy.configurable_regions`; any other region is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pluggy
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import hooks_for
from cms.models import Region, RegionSettings
from cms.permissions.policy import configurable_regions

from .region_scoped import RegionEditorMenuItem


def settings_models_for(region: Region, pm: pluggy.PluginManager | None = None
                        ) -> list[type[RegionSettings]]:
    """The settings models of the core and of the plugins enabled for `region`.

    pluggy calls the most recently registered plugin first; reversed, the sections follow
    the plugins' registration order, so the core's come first.
    """
    found: list[type[RegionSettings]] = []
    for declared in reversed(hooks_for(region, pm).region_settings_models()):
        found.extend(model for model in declared if model not in found)
    return found


def section_key(model: type[RegionSettings]) -> str:
    """The model's section id and form prefix: "app_label-modelname"."""
    return model._meta.label_lower.replace(".", "-")


@dataclass
class SettingsSection:
    """One model's part of the page: its form and the panel that renders it."""

    model: type[RegionSettings]
    form: Any
    panel: Any

    @property
    def title(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    @property
    def anchor(self) -> str:
        return section_key(self.model)


def settings_sections(request, region: Region) -> list[SettingsSection]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    sections = []
    for model in settings_models_for(region):
        handler = model.settings_edit_handler()
        instance = model.for_region(region)
        # Each form has its own prefix: two models may well have a field of the same name.
        form = handler.get_form_class()(data, files, instance=instance,
                                        prefix=section_key(model), for_user=request.user)
        panel = handler.get_bound_panel(instance=instance, form=form, request=request)
        sections.append(SettingsSection(model=model, form=form, panel=panel))
    return sections


@transaction.atomic
def do_save_region_settings(sections: list[SettingsSection]) -> None:
    """Save every section's (valid) form: all of them, or none if one fails."""
    for section in sections:
        section.form.save()


def choose_region(request):
    """The user's regions to choose from; straight to the region if there is one."""
    regions = list(configurable_regions(request.user).order_by("name"))
    if not regions:
        raise Http404
    if len(regions) == 1:
        return redirect("region_settings_edit", region_id=regions[0].pk)
    return TemplateResponse(request, "staff_admin/region_settings_choose.html",
                            {"regions": regions})


def edit_region_settings(request, region_id: int):
    region = get_object_or_404(configurable_regions(request.user), pk=region_id)
    sections = settings_sections(request, region)
    if request.method == "POST":
        # Validate every section (not stopping at the first) so all errors show at once.
        if all([section.form.is_valid() for section in sections]):
            do_save_region_settings(sections)
            messages.success(request, _("The settings of %(region)s are saved.")
                             % {"region": region})
            return redirect("region_settings_edit", region_id=region.pk)
        messages.error(request, _("Nothing was saved: correct the errors below."))
    media = sum((section.panel.media for section in sections), forms.Media())
    return TemplateResponse(request, "staff_admin/region_settings.html", {
        "region": region,
        "sections": sections,
        "media": media,
        "several_regions": configurable_regions(request.user).count() > 1,
    })


def region_settings_urls():
    return [
        path("region-settings/", choose_region, name="region_settings"),
        path("region-settings/<int:region_id>/", edit_region_settings,
             name="region_settings_edit"),
    ]


def region_settings_menu_item() -> RegionEditorMenuItem:
    return RegionEditorMenuItem(_("Region settings"), reverse_lazy("region_settings"),
                                name="region-settings", icon_name="cog", order=305)
