"""Roles as Django groups: one group per role, which carries what the role may do in general.

Where a role holder may do it (which region, which organisation) is a StaffMembership, which
`cms.permissions.grants.grant_role` turns into a django-guardian grant.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from cms.models import Role

# Group names are shown in the admin's user editor; they are stable keys, so not translated.
ROLE_GROUP_NAMES = {
    Role.EDITOR: "Редактор региона",
    Role.MODERATOR: "Модератор",
    Role.COORDINATOR: "Координатор",
    Role.EXECUTOR: "Исполнитель",
    Role.HEAD: "Руководитель",
    Role.CURATOR: "Куратор",
}

# Model permissions (app_label.codename) each role's group holds, beyond admin access.
ROLE_MODEL_PERMISSIONS = {
    Role.EDITOR: [
        "cms.view_region", "cms.change_region",
        "cms.view_territory", "cms.add_territory", "cms.change_territory",
        "cms.view_organisation", "cms.add_organisation", "cms.change_organisation",
        "cms.view_category", "cms.view_subcategory",
        "cms.view_staffmembership", "cms.add_staffmembership",
        "cms.change_staffmembership", "cms.delete_staffmembership",
    ],
    Role.MODERATOR: ["cms.view_organisation", "cms.view_category", "cms.view_subcategory"],
    Role.COORDINATOR: ["cms.view_organisation"],
    Role.EXECUTOR: [],
    Role.HEAD: ["cms.view_organisation"],
    Role.CURATOR: ["cms.view_organisation", "cms.view_category", "cms.view_subcategory"],
}


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted},
        codename__in={codename for _, codename in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def ensure_role_group(role: Role) -> Group:
    """The group of `role`, created with its permissions if missing (idempotent)."""
    group, _created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
    wanted = _permissions(["wagtailadmin.access_admin", *ROLE_MODEL_PERMISSIONS[role]])
    if set(group.permissions.all()) != set(wanted):
        group.permissions.set(wanted)
    return group
