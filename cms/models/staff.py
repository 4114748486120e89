from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .region_settings import RegionSettings, region_link


class Role(models.TextChoices):
    EDITOR = "editor", _("content editor")
    MODERATOR = "moderator", _("moderator")
    COORDINATOR = "coordinator", _("coordinator")
    EXECUTOR = "executor", _("executor")
    HEAD = "head", _("head")
    CURATOR = "curator", _("curator")


# Roles whose scope is the whole region of the organisation they are held at.
REGION_WIDE_ROLES = frozenset({Role.EDITOR, Role.MODERATOR, Role.CURATOR})


class StaffMembership(models.Model):
    """A staff member holds a role at an organisation (and, for region-wide roles, its region)."""

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "cms.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_org_and_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    @property
    def is_region_wide(self) -> bool:
        return self.role in REGION_WIDE_ROLES


class NationalViewSettings(RegionSettings):
    """What the region shares with the national operators, who read every region's
    messages. Citizens' contact data is the region's to give: off unless its editors
    turn it on (the permission policy asks `may_see_contacts`)."""

    region = region_link("national_view_settings")
    share_contacts_with_national = models.BooleanField(
        _("show citizens' contact data to national operators"), default=False,
        help_text=_("National operators read every message of the region; the citizen's "
                    "name, e-mail and phone only when this is on."),
    )

    class Meta:
        verbose_name = _("national view")
        verbose_name_plural = _("national view")
