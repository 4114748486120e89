"""The core domain, one module per concept; import models from here."""

from .appeals import Appeal, AppealEvent, Channel, EventKind, Status
from .classifier import Category, Subcategory
from .organisations import Organisation, OrganisationKind
from .regions import Region
from .staff import Role, StaffMembership
from .territories import Territory, TerritoryKind

__all__ = [
    "Appeal",
    "AppealEvent",
    "Category",
    "Channel",
    "EventKind",
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
