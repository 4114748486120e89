"""Grants follow memberships edited anywhere, and a region's editing group follows its
portal (`cms.permissions.pages`).

The role's group is not given here: a membership row alone does not make a role (the
policy asks the group too). Who is in a role's group is decided by
`cms.permissions.grants.roles_follow_memberships`, which `grant_role`, `revoke_role`
and the admin's staff memberships editor all go through."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

from cms.models import Region, StaffMembership

from .grants import sync_user_grants
from .pages import grant_region_editing


@receiver(post_save, sender=StaffMembership, dispatch_uid="pos_grants_on_membership_save")
@receiver(post_delete, sender=StaffMembership, dispatch_uid="pos_grants_on_membership_delete")
def sync_grants_with_memberships(sender, instance, **kwargs):
    sync_user_grants(instance.user)


@receiver(post_save, sender=Region, dispatch_uid="pos_editing_on_region_save")
def editing_follows_the_regions_site(sender, instance, raw=False, update_fields=None,
                                     **kwargs):
    # Only when the site may have changed (a region is saved for other reasons too).
    if raw or (update_fields is not None and "site" not in update_fields):
        return
    grant_region_editing(instance)


@receiver(post_save, sender=Site, dispatch_uid="pos_editing_on_site_save")
def editing_follows_the_sites_root(sender, instance, raw=False, **kwargs):
    if raw:
        return
    region = Region.objects.filter(site=instance).first()
    if region is not None:
        grant_region_editing(region)
