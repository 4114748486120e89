from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class TerritoryKind(models.TextChoices):
    REGION = "region", _("region")
    URBAN_OKRUG = "urban_okrug", _("urban okrug")
    MUNICIPAL_OKRUG = "municipal_okrug", _("municipal okrug")
    MUNICIPAL_DISTRICT = "municipal_district", _("municipal district")
    CITY_DISTRICT = "city_district", _("city district")
    URBAN_SETTLEMENT = "urban_settlement", _("urban settlement")
    RURAL_SETTLEMENT = "rural_settlement", _("rural settlement")


class Territory(MP_Node):
    """A node of a region's territory tree: region → municipalities → districts/settlements.

    The materialised path (treebeard) makes "this territory and everything under it" one
    indexed prefix match, which routing and reports rely on.
    """

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="territories",
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=TerritoryKind.choices)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="territory_code_per_region")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Paths of this territory and all its ancestors, from the root down."""
        step = self.steplen
        return [self.path[:end] for end in range(step, len(self.path) + 1, step)]
