"""The national operator: how the role is granted.

A national operator reads every region's messages and acts on none. Like the staff
roles, the role is a group ("Национальный оператор"); unlike them it needs no place (no
StaffMembership, which always names an organisation, and no guardian grant): it spans
every region. What its members see is decided in one place, the permission policy
(`cms.permissions.policy.is_national_operator`, `reading_roles`, `may_see_contacts`),
which reads the membership with the same query as the user's roles.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

# A stable key, shown in the admin's user editor like the role groups' names.
NATIONAL_GROUP_NAME = "Национальный оператор"


def ensure_national_group() -> Group:
    """The national operators' group, with admin access (idempotent)."""
    group, _created = Group.objects.get_or_create(name=NATIONAL_GROUP_NAME)
    wanted = set(Permission.objects.filter(content_type__app_label="wagtailadmin",
                                           codename="access_admin"))
    if set(group.permissions.all()) != wanted:
        group.permissions.set(wanted)
    return group


def make_national_operator(user) -> None:
    """Put `user` in the national operators' group (a staff account, read only)."""
    user.groups.add(ensure_national_group())
