"""The core domain, one module per concept; import models from here."""

from .appeals import (
    Appeal,
    AppealEvent,
    Attachment,
    AttachmentKind,
    Channel,
    EventKind,
    RegistrationCounter,
    Status,
)
from .classifier import Category, Subcategory
from .notifications import Notification, NotificationState
from .organisations import Organisation, OrganisationKind
from .regions import Region
from .staff import Role, StaffMembership
from .territories import Territory, TerritoryKind

__all__ = [
    "Appeal",
    "AppealEvent",
    "Attachment",
    "AttachmentKind",
    "RegistrationCounter",
    "Category",
    "Channel",
    "EventKind",
    "Notification",
    "NotificationState",
    "Organisation",
    "OrganisationKind",
    "Region",
    "Role",
    "StaffMembership",
    "Status",
    "Subcategory",
    "Territory",
    "TerritoryKind",
]
