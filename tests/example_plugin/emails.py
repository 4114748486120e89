"""A section the example plugin adds to one core e-mail only, the rejection, so that no
other letter of the suite changes."""

from cms.kernel.hookspecs import EmailSection
from cms.kernel.plugins import hookimpl

__all__ = ["email_sections"]

REJECTED_NOTE = "example_plugin/email/rejected_note.txt"


@hookimpl
def email_sections(template, appeal, event, context):
    if template != "appeal_rejected":
        return None
    return [EmailSection(template=REJECTED_NOTE,
                         context={"event_kind": event.kind if event else ""})]
