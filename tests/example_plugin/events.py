"""An event kind of the example plugin's own, with its wording for staff and citizens."""

from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import hookimpl

__all__ = ["event_kinds"]

NOTED = "example_noted"


def noted_for_staff(event, tz) -> tuple[str, str]:
    return "Example: noted", f"note {event.to_value}"


def noted_for_citizen(event, region) -> str:
    return f"The example plugin noted {event.to_value} in {region.code}"


@hookimpl
def event_kinds():
    return [EventKindSpec(key=NOTED, label="Example noted",
                          describe_staff=noted_for_staff,
                          describe_public=noted_for_citizen)]
