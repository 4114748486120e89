"""The staff permission policy: who may see a message, and who may do what to it.

Two questions, asked by every list, page, file download, export and action:

- `appeal_policy.instances_user_has_permission_for(user)`: the messages a staff member may
  see, as one SQL-filtered queryset (joins on the grants, never a Python loop);
- `appeal_policy.user_has_permission_for_instance(user, action, appeal)`: may this user
  take this action on this message now (the workflow table says which party may; the
  grants say whether this user is that party for this message).

A role counts where the user is in the role's group (the role) *and* holds the role's
grant there (the place): on the region for moderators and curators, on the organisation
for coordinators and heads, on the message for its executor. Superusers see everything
and may act as any staff role.

A national operator (`is_national_operator`: the group "Национальный оператор", see
`cms.permissions.national`) reads what a curator reads, in every region, and is no party
of the workflow anywhere: no action, no transition. Citizens' contact data is shown to
the parties of a message, and to national operators only where the message's region
shares it (`may_see_contacts`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils.functional import LazyObject

from cms.models import (
    Appeal,
    AppealUserObjectPermission,
    OrganisationUserObjectPermission,
    Region,
    RegionUserObjectPermission,
    Role,
)
from cms.workflow import table

from .grants import (
    APPEAL_EXECUTOR_PERMISSION,
    ORGANISATION_PERMISSIONS,
    REGION_PERMISSIONS,
)
from .groups import ROLE_GROUP_NAMES
from .national import NATIONAL_GROUP_NAME

# Roles that handle messages (the region administrator edits, but reads no messages).
HANDLING_ROLES = frozenset({Role.MODERATOR, Role.COORDINATOR, Role.EXECUTOR, Role.HEAD,
                            Role.CURATOR})
VIEW = "view"
# The roles whose lists a national operator reads, in every region (reading only: the
# scopes of acting never include them).
NATIONAL_READS = frozenset({Role.CURATOR})


def user_roles(user) -> frozenset[Role]:
    """The roles whose groups the user is in (one query, remembered on the user object;
    the same query reads whether they are a national operator)."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    cached = getattr(user, "_pos_roles", None)
    if cached is None:
        names = user.groups.filter(
            name__in=[*ROLE_GROUP_NAMES.values(), NATIONAL_GROUP_NAME]
        ).values_list("name", flat=True)
        _remember_groups(user, names)
        cached = user._pos_roles
    return cached


def _remember_groups(user, group_names) -> None:
    by_name = {name: role for role, name in ROLE_GROUP_NAMES.items()}
    names = set(group_names)
    user._pos_roles = frozenset(by_name[name] for name in names if name in by_name)
    user._pos_national = NATIONAL_GROUP_NAME in names


def is_national_operator(user) -> bool:
    """Whether `user` reads every region's messages as a national operator (a member of
    the group "Национальный оператор"; a superuser reads them anyway)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if getattr(user, "_pos_national", None) is None:
        if getattr(user, "_pos_roles", None) is None:
            user_roles(user)  # reads both
        else:
            user._pos_national = user.groups.filter(name=NATIONAL_GROUP_NAME).exists()
    return bool(user._pos_national)


def reading_roles(user) -> frozenset[Role]:
    """The roles whose lists `user` reads: the roles they hold, and a curator's for a
    national operator (asked by the queues' menu and the reports' access)."""
    roles = user_roles(user)
    return roles | NATIONAL_READS if is_national_operator(user) else roles


def prime(user, group_names, granted_ids: dict[Role, list[int]]) -> None:
    """Give the policy what it would otherwise query about `user` for this request: the
    names of their groups (their roles, and whether they are a national operator), and
    the ids their grants name per role (the admin shell reads both with its one query).
    The grants are kept on the user object and, for a lazy `request.user`, on the object
    it wraps too; what is already known is kept."""
    real = user._wrapped if isinstance(user, LazyObject) else user
    if getattr(user, "_pos_roles", None) is None or getattr(
            user, "_pos_national", None) is None:
        _remember_groups(user, group_names)
    for holder in {id(user): user, id(real): real}.values():
        known = holder.__dict__.setdefault("_pos_granted_ids", {})
        known.update({role: ids for role, ids in granted_ids.items() if role not in known})


def _region_grants(user, role: Role) -> QuerySet:
    return RegionUserObjectPermission.objects.filter(
        user=user, permission__codename=REGION_PERMISSIONS[role]
    ).values("content_object_id")


def _organisation_grants(user, role: Role) -> QuerySet:
    return OrganisationUserObjectPermission.objects.filter(
        user=user, permission__codename=ORGANISATION_PERMISSIONS[role]
    ).values("content_object_id")


def _appeal_grants(user) -> QuerySet:
    # The permission as a scalar subquery, not a join on its codename: PostgreSQL then
    # estimates the grants from the table's statistics (a join made it guess a handful,
    # and walk thousands of messages by primary key for an executor's queue).
    permission = Permission.objects.filter(
        codename=APPEAL_EXECUTOR_PERMISSION, content_type__app_label="cms"
    ).values("pk")[:1]
    return AppealUserObjectPermission.objects.filter(
        user=user, permission_id=Subquery(permission)
    ).values("content_object_id")


def _granted_ids(user, role: Role) -> list[int]:
    """The regions or organisations where `user` holds `role` (remembered per request).

    Read once and given to the queue's query as literal ids: PostgreSQL then walks the
    queue's index in its order and stops after a page, where a semi-join on the grant
    table would make it sort every message of the region first.
    """
    cache = user.__dict__.setdefault("_pos_granted_ids", {})
    if role not in cache:
        grants = (_region_grants(user, role) if role in REGION_PERMISSIONS
                  else _organisation_grants(user, role))
        cache[role] = sorted(grants.values_list("content_object_id", flat=True))
    return cache[role]


def scope(user, role: Role) -> Q | None:
    """A filter on Appeal: the messages within `user`'s grants for `role`, or None when the
    user does not hold the role. A superuser's scope is every message (`pk__isnull=False`,
    not an empty Q, which would vanish when OR-ed with others)."""
    role = Role(role)
    if role not in user_roles(user):
        return None
    if user.is_superuser:
        return Q(pk__isnull=False)
    if role in (Role.MODERATOR, Role.CURATOR):
        return Q(region_id__in=_granted_ids(user, role))
    if role in (Role.COORDINATOR, Role.HEAD):
        return Q(organisation_id__in=_granted_ids(user, role))
    if role == Role.EXECUTOR:
        # The grant is the executor's on the message assigned to them: the workflow sets
        # both together (cms.permissions.grants). Asking for both lets PostgreSQL start from
        # the executor's own index instead of joining every grant they ever held, closed
        # messages included, to a million messages.
        return Q(executor_id=user.pk, pk__in=_appeal_grants(user))
    return None


def appeals_in_scope(user, role: Role) -> QuerySet[Appeal]:
    found = scope(user, role)
    return Appeal.objects.none() if found is None else Appeal.objects.filter(found)


def roles_q(user, roles, narrow: Callable[[Role], Q | None] | None = None, *,
            reading: bool = True) -> Q | None:
    """The messages within `user`'s scopes for those of `roles` they hold, OR-ed, as a
    condition on Appeal's field names (None: no such role).

    `narrow(role)` adds a condition to one role's scope (None drops the role). Reading
    (the default), a national operator reads every message through `NATIONAL_READS`;
    asked with `reading=False` (what the user may act on), only the held roles count.
    Roles are OR-ed in a fixed order, so the same roles always give the same SQL.
    """
    national = reading and is_national_operator(user)
    held = frozenset(roles) & (reading_roles(user) if national else user_roles(user))
    combined: Q | None = None
    for role in sorted(held):
        found = (Q(pk__isnull=False) if national and role in NATIONAL_READS
                 else scope(user, role))
        if found is None:
            continue
        if narrow is not None:
            extra = narrow(role)
            if extra is None:
                continue
            found &= extra
        combined = found if combined is None else combined | found
    return combined


def appeals_for_roles(user, roles, narrow: Callable[[Role], Q | None] | None = None, *,
                      reading: bool = True) -> QuerySet[Appeal]:
    """The messages of `roles_q(user, roles, narrow, reading=...)`. Queues ask this with
    their roles; the policy asks it with every handling role."""
    combined = roles_q(user, roles, narrow, reading=reading)
    if combined is None:
        return Appeal.objects.none()
    return Appeal.objects.filter(combined)


class AppealPolicy:
    """The one answer to "may this user see / do X to this message"."""

    def instances_user_has_permission_for(self, user, action: str = VIEW) -> QuerySet[Appeal]:
        """The messages `user` may see (for VIEW), or may take `action` on in their
        current status (any other action)."""
        if user.is_superuser and user.is_active:
            if action == VIEW:
                return Appeal.objects.all()
            statuses = {row.source for row in table.TRANSITIONS
                        if row.action == action and row.parties & HANDLING_ROLES}
            return Appeal.objects.filter(status__in=statuses)
        if action == VIEW:
            return appeals_for_roles(user, HANDLING_ROLES)

        def in_statuses_the_role_acts_from(role: Role) -> Q | None:
            statuses = [row.source for row in table.TRANSITIONS
                        if row.action == action and role in row.parties]
            return Q(status__in=statuses) if statuses else None

        return appeals_for_roles(user, HANDLING_ROLES, narrow=in_statuses_the_role_acts_from,
                                 reading=False)

    def parties_for_instance(self, user, appeal: Appeal) -> frozenset[str]:
        """Which parties of the workflow table `user` is for this message.

        `None` as the user is the system (registration, sweeps).
        """
        if user is None:
            return frozenset({table.SYSTEM})
        parties: set[str] = set()
        if user.is_authenticated and appeal.citizen_id == user.pk:
            parties.add(table.CITIZEN)
        roles = HANDLING_ROLES & user_roles(user)
        if not roles:
            return frozenset(parties)
        if user.is_superuser:
            return frozenset(parties | roles)
        cache = user.__dict__.setdefault("_pos_parties", {})
        key = (appeal.pk, appeal.region_id, appeal.organisation_id, appeal.executor_id)
        if key not in cache:
            cache[key] = self._staff_parties(user, appeal, roles)
        return frozenset(parties | cache[key])

    def _staff_parties(self, user, appeal: Appeal, roles) -> set[str]:
        # The grants remembered for the request (the admin shell reads them all at once).
        held: set[str] = set()
        for role in roles & {Role.MODERATOR, Role.CURATOR}:
            if appeal.region_id in _granted_ids(user, role):
                held.add(role)
        for role in roles & {Role.COORDINATOR, Role.HEAD}:
            if appeal.organisation_id in _granted_ids(user, role):
                held.add(role)
        # As in `scope`: the executor's grant on the message assigned to them.
        if (Role.EXECUTOR in roles and appeal.executor_id == user.pk
                and AppealUserObjectPermission.objects.filter(
                    user=user, content_object_id=appeal.pk,
                    permission__codename=APPEAL_EXECUTOR_PERMISSION,
                ).exists()):
            held.add(Role.EXECUTOR)
        return held

    def forget(self, user) -> None:
        """Drop what was remembered about `user` (after grants change mid-request)."""
        for attribute in ("_pos_roles", "_pos_national", "_pos_parties", "_pos_granted_ids",
                          "_pos_configurable_regions", "_pos_contact_regions"):
            user.__dict__.pop(attribute, None)

    def user_can_view(self, user, appeal: Appeal) -> bool:
        parties = self.parties_for_instance(user, appeal)
        return bool(parties & HANDLING_ROLES) or is_national_operator(user)

    def may_see_contacts(self, user, appeal: Appeal) -> bool:
        """Whether `user` may see the citizen's contact data (name, e-mail, phone) of this
        message: its staff parties may; a national operator only where the region
        shares them (`NationalViewSettings.share_contacts_with_national`)."""
        if self.parties_for_instance(user, appeal) & HANDLING_ROLES:
            return True
        return is_national_operator(user) and appeal.region_id in contact_region_ids(user)

    def user_has_permission_for_instance(self, user, action: str, appeal: Appeal) -> bool:
        if action == VIEW:
            return self.user_can_view(user, appeal)
        row = table.find(appeal.status, action)
        return row is not None and bool(row.parties & self.parties_for_instance(user, appeal))

    def available_transitions(self, user, appeal: Appeal) -> list[table.Transition]:
        """The table rows this user may take on this message now, in table order."""
        parties = self.parties_for_instance(user, appeal)
        return [row for row in table.actions_from(appeal.status) if row.parties & parties]

    def get_visible_or_404(self, user, pk, queryset: QuerySet[Appeal] | None = None) -> Appeal:
        """The message, if `user` may see it; the same 404 as a missing one otherwise."""
        queryset = queryset if queryset is not None else Appeal.objects.all()
        appeal = queryset.filter(pk=pk).first()
        if appeal is None or not self.user_can_view(user, appeal):
            raise Http404
        return appeal


appeal_policy = AppealPolicy()


def contact_region_ids(user) -> frozenset[int]:
    """The regions that show national operators their citizens' contact data (one query,
    remembered on the user for the request)."""
    from cms.models.staff import NationalViewSettings

    remembered = user.__dict__.get("_pos_contact_regions")
    if remembered is None:
        remembered = frozenset(NationalViewSettings.objects.filter(
            share_contacts_with_national=True).values_list("region_id", flat=True))
        user.__dict__["_pos_contact_regions"] = remembered
    return remembered


def staff_region_ids(user) -> list[int] | None:
    """The regions where the user holds any staff grant (None for a superuser or a
    national operator: all).

    Used to offer filter choices (territories, organisations) of the user's regions only.
    """
    if user.is_superuser or is_national_operator(user):
        return None
    from_regions = RegionUserObjectPermission.objects.filter(user=user).values_list(
        "content_object_id", flat=True)
    from_organisations = OrganisationUserObjectPermission.objects.filter(
        user=user).values_list("content_object__region_id", flat=True)
    return sorted(set(from_regions.union(from_organisations)))


def overseen_regions(user) -> QuerySet[Region]:
    """Regions whose state (such as their readiness to go live) the user reads: those they
    configure, and those they curate."""
    regions = configurable_regions(user)
    if user and user.is_authenticated and user.is_active and Role.CURATOR in user_roles(user):
        regions = regions | Region.objects.filter(pk__in=_granted_ids(user, Role.CURATOR))
    return regions


def oversees_any_region(user) -> bool:
    """Whether `overseen_regions(user)` holds a region, for a menu item on every admin
    page: no query once the request knows the user's roles and grants
    (`cms.staff_admin.shell.prime`)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return Region.objects.exists()
    roles = user_roles(user)
    return any(role in roles and _granted_ids(user, role)
               for role in (Role.EDITOR, Role.CURATOR))


def configurable_regions(user) -> QuerySet[Region]:
    """Regions whose configuration (reference data, staff, plugin settings, the outbox and
    audit trail of their messages) the user edits: the one answer, asked by every
    region-scoped admin (`cms.staff_admin.region_scoped`).

    A region's content editors edit the regions of their editor grants; superusers edit
    every region.
    """
    if not (user and user.is_authenticated and user.is_active):
        return Region.objects.none()
    # The same queryset all request long: once evaluated (a menu asks on every item, a
    # list on every row), it answers from its cache.
    remembered = getattr(user, "_pos_configurable_regions", None)
    if remembered is not None:
        return remembered
    if user.is_superuser:
        regions = Region.objects.all()
    elif Role.EDITOR in user_roles(user) and (region_ids := _granted_ids(user, Role.EDITOR)):
        regions = Region.objects.filter(pk__in=region_ids)
    else:
        regions = Region.objects.none()
    user._pos_configurable_regions = regions
    return regions
