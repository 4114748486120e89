"""Who may edit a region's deadline configuration: the one rule, asked by the admin.

A region's content editors (StaffMembership role "editor" at one of its organisations)
edit their region's fast tracks, calendar amendments and settings; superusers and holders
of the model permissions (platform operators) edit every region's.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cms.models import Region, Role


def editable_regions(user) -> QuerySet[Region]:
    if not (user and user.is_authenticated and user.is_active):
        return Region.objects.none()
    if user.is_superuser or user.has_perm("fasttrack.change_fasttrack"):
        return Region.objects.all()
    return Region.objects.filter(
        organisations__memberships__user=user,
        organisations__memberships__role=Role.EDITOR,
    ).distinct()


def may_edit_region(user, region_id: int | None) -> bool:
    return region_id is not None and editable_regions(user).filter(pk=region_id).exists()
