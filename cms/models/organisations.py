from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ROIV = "roiv", _("regional executive body (РОИВ)")
    OMSU = "omsu", _("local government (ОМСУ)")
    OTHER = "other", _("other organisation")


class Organisation(models.Model):
    """A body that receives and answers messages (a ministry, a municipality, an agency)."""

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="organisations",
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    territories = models.ManyToManyField(
        "cms.Territory", verbose_name=_("territories served"), blank=True,
        related_name="organisations",
    )
    website_domains = models.JSONField(
        _("website domains"), default=list, blank=True,
        help_text=_("Host names where this organisation's widget may be embedded."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # Object permissions granted on an organisation (see cms.permissions).
        permissions = [
            ("coordinate_organisation", "Coordinate the organisation's messages"),
            ("execute_organisation", "Execute the organisation's messages"),
            ("head_organisation", "Head the organisation's messages"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="organisation_code_per_region")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name
