"""django-guardian object permissions with direct foreign keys (guardian's "performance
tuning"): a grant row points at its Region, Organisation or Appeal through an indexed
foreign key, so a queue joins on integers instead of guardian's generic varchar object_pk.

Only `cms.permissions` reads or writes these rows.
"""

from django.db import models
from guardian.models import UserObjectPermissionBase


class RegionUserObjectPermission(UserObjectPermissionBase):
    """Region-wide roles: moderator, curator, region administrator."""

    content_object = models.ForeignKey("cms.Region", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Organisation roles: coordinator, executor, head."""

    content_object = models.ForeignKey("cms.Organisation", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class AppealUserObjectPermission(UserObjectPermissionBase):
    """The executor assigned to one message."""

    content_object = models.ForeignKey("cms.Appeal", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
