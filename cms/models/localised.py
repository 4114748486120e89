from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalisedName(models.Model):
    """A Russian name with an optional English one, shown by the active language.

    Reference data (regions, the classifier) is data, not UI text, so it cannot go through
    gettext; it carries its own English rendering instead.
    """

    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def __str__(self) -> str:
        return self.display_name
