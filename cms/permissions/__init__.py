"""The one place that decides who may see and do what with messages.

Every list, page, attachment, export and action asks this module; nothing else filters
messages by user. Citizens see only their own messages; what staff see follows their
memberships (see the staff policy, added with the processing workflow).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cms.models import Appeal, Attachment, AttachmentKind


def citizen_appeals(user) -> QuerySet[Appeal]:
    """The messages a citizen may see: their own, and only when logged in."""
    if not user.is_authenticated:
        return Appeal.objects.none()
    return Appeal.objects.filter(citizen=user)


def get_citizen_appeal_or_404(user, public_id) -> Appeal:
    """The citizen's own message, or the same 404 a missing one gives."""
    appeal = citizen_appeals(user).filter(public_id=public_id).first()
    if appeal is None:
        raise Http404
    return appeal


def get_citizen_attachment_or_404(user, public_id) -> Attachment:
    """A file of the citizen's own message (theirs, or of a published answer), or the
    same 404 a missing one gives."""
    visible = Q(kind=AttachmentKind.CITIZEN) | Q(kind=AttachmentKind.ANSWER,
                                                 answer__is_published=True)
    attachment = (Attachment.objects.select_related("appeal__region")
                  .filter(visible, appeal__in=citizen_appeals(user), public_id=public_id)
                  .first())
    if attachment is None:
        raise Http404
    return attachment
