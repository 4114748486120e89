"""Grants follow memberships edited anywhere (the admin's staff editor included)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cms.models import StaffMembership

from .grants import sync_user_grants


@receiver(post_save, sender=StaffMembership, dispatch_uid="pos_grants_on_membership_save")
@receiver(post_delete, sender=StaffMembership, dispatch_uid="pos_grants_on_membership_delete")
def sync_grants_with_memberships(sender, instance, **kwargs):
    sync_user_grants(instance.user)
