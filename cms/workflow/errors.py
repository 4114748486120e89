"""Why a workflow action was refused, in words a member of staff can act on."""

from __future__ import annotations

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """An action was refused; `str(error)` is the message to show. Nothing was written."""


class ActionRefused(WorkflowError):
    """The user may not take this action on this message."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("You may not take this action on this message."))


class InvalidInput(WorkflowError):
    """The action's input is missing or wrong."""


class StaleVersion(WorkflowError):
    """The message changed after the form was opened."""

    def __init__(self, changed_by: str):
        self.changed_by = changed_by
        super().__init__(
            _("The message was changed by %(name)s; reload the page and try again.")
            % {"name": changed_by}
        )
