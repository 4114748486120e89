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
from .audit import AuditKind, AuditRecord
from .classifier import Category, Subcategory
from .grants import (
    AppealUserObjectPermission,
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
)
from .notifications import Notification, NotificationState
from .organisations import Organisation, OrganisationKind
from .processing import (
    Answer,
    Clarification,
    Postponement,
    RegionWorkflowSettings,
    RejectionReason,
)
from .region_settings import RegionSettings
from .regions import Region
from .staff import Role, StaffMembership
from .territories import Territory, TerritoryKind

__all__ = [
    "Answer",
    "Appeal",
    "AppealUserObjectPermission",
    "AuditKind",
    "AuditRecord",
    "Clarification",
    "OrganisationUserObjectPermission",
    "Postponement",
    "RegionSettings",
    "RegionUserObjectPermission",
    "RegionWorkflowSettings",
    "RejectionReason",
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
