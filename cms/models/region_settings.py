"""The one base for per-region settings models, of the core and of plugins.

A settings model holds one row per region; a region without a row gets the model's
defaults. Subclass `RegionSettings`, give it a `verbose_name` (it titles the model's
section of the admin's "Region settings" page) and, if the default field list does not
suit, `panels`; then declare it through the `region_settings_models` hook::

    class ExampleSettings(RegionSettings):
        greeting = models.CharField(_("greeting"), max_length=100, default="Hello")

        class Meta:
            verbose_name = _("example settings")

    @hookimpl
    def region_settings_models():
        return [ExampleSettings]
"""

from __future__ import annotations

from functools import cache
from typing import Self

import pluggy
from django.core import checks
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList


def region_link(related_name: str) -> models.OneToOneField:
    """A settings model's link to its region: one row per region.

    A model that already had its own reverse name keeps it by declaring
    `region = region_link("<name>")` (same column, no migration).
    """
    return models.OneToOneField(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name=related_name,
    )


class RegionSettings(models.Model):
    """A region's settings of one kind: subclass it, one row per region.

    `panels` lists what the region's editors edit (by default every editable field but
    `region`); `for_region(region)` reads the row, or an unsaved one with the defaults.
    """

    region = region_link("%(app_label)s_%(class)s")

    panels: list | None = None

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.region)

    @classmethod
    def for_region(cls, region) -> Self:
        """The region's row, or an unsaved one with the defaults (never saved here)."""
        return cls.objects.filter(region=region).first() or cls(region=region)

    @classmethod
    def settings_panels(cls) -> list:
        if cls.panels is not None:
            return cls.panels
        return [FieldPanel(field.name) for field in cls._meta.get_fields()
                if getattr(field, "editable", False) and field.concrete
                and not field.auto_created and field.name != "region"]

    @classmethod
    def settings_edit_handler(cls) -> ObjectList:
        return bound_edit_handler(cls)


@cache
def bound_edit_handler(model: type[RegionSettings]) -> ObjectList:
    # Binding panels to a model builds its form class: once per model and process.
    return ObjectList(model.settings_panels()).bind_to_model(model)


def misdeclared_settings_models(pm=None) -> list[str]:
    """What `region_settings_models` answered that is not a concrete `RegionSettings`."""
    from cms.kernel.plugins import get_plugin_manager

    declared = (pm or get_plugin_manager()).hook.region_settings_models()
    return [repr(model) for models_ in declared for model in models_
            if not (isinstance(model, type) and issubclass(model, RegionSettings)
                    and not model._meta.abstract)]


@checks.register()
def check_region_settings_models(app_configs, **kwargs):
    try:
        wrong = misdeclared_settings_models()
    except (pluggy.PluginValidationError, ImportError):
        return []  # the kernel did not start: pos.E001 says why
    return [checks.Error(f"{name} is declared as region settings but is not a concrete "
                         "subclass of cms.models.RegionSettings.",
                         hint="Subclass RegionSettings, or stop declaring it.",
                         id="pos.E006") for name in wrong]
