from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .localised import LocalisedName


class Category(LocalisedName):
    """A category of the national classifier (31 of them), shared by every region."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]


class Subcategory(LocalisedName):
    """A subcategory with its stage terms in working days and the photo rule."""

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT,
        related_name="subcategories",
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    moderation_days = models.PositiveSmallIntegerField(
        _("moderation term, working days"), validators=[MinValueValidator(1)]
    )
    work_days = models.PositiveSmallIntegerField(
        _("work term, working days"), validators=[MinValueValidator(1)]
    )
    approval_days = models.PositiveSmallIntegerField(
        _("answer approval term, working days"), validators=[MinValueValidator(1)]
    )
    photo_required = models.BooleanField(_("photo required"), default=False)

    class Meta:
        verbose_name = _("subcategory")
        verbose_name_plural = _("subcategories")
        ordering = ["category__position", "position", "code"]

    @property
    def total_days(self) -> int:
        return self.moderation_days + self.work_days + self.approval_days
