"""Keeping a citizen's checked files when the form comes back with an error.

A browser never refills a file input, so files that passed their checks are stored as
`HeldUpload` rows under the form's idempotency key. The returned form lists them, ticked;
the next post of the same form takes the ticked ones along with any new files, and
registration turns them into attachments. What nobody comes back for is swept after
`HOLD_FOR`.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.submission.stored_files import atomic_with_files, delete_file_after_commit

from .models import HeldUpload
from .uploads import CleanFile

HOLD_FOR = timedelta(hours=24)
# Files one citizen may have held at once: a bound on disk use by failed posts.
MAX_HELD_PER_CITIZEN = 20


def held_for(citizen, form_key) -> list[HeldUpload]:
    """The files held for this citizen's form, oldest first."""
    return list(
        HeldUpload.objects.filter(citizen=citizen, form_key=form_key).order_by("pk")
    )


def hold(citizen, form_key, files: list[CleanFile]) -> tuple[list[HeldUpload], int]:
    """Store checked files for the next try; returns (held rows, files not kept).

    Beyond `MAX_HELD_PER_CITIZEN` files are not kept: the form then asks for them again.
    """
    if not files:
        return [], 0
    room = MAX_HELD_PER_CITIZEN - HeldUpload.objects.filter(citizen=citizen).count()
    kept = files[: max(room, 0)]
    rows = []
    with atomic_with_files() as writes:
        for clean in kept:
            row = HeldUpload(
                citizen=citizen,
                form_key=form_key,
                original_name=clean.original_name,
                content_type=clean.content_type,
                extension=clean.extension,
                is_image=clean.is_image,
                size=len(clean.data),
            )
            writes.save(row.file, clean.extension, ContentFile(clean.data))
            row.save()
            rows.append(row)
    return rows, len(files) - len(kept)


def as_clean_file(held: HeldUpload) -> CleanFile:
    """A held file as the form's cleaned data: it was checked when it came in.

    A file gone meanwhile (swept, or taken by the same form's other post) is asked for
    again rather than failing the request.
    """
    try:
        with held.file.open("rb") as stored:
            data = stored.read()
    except FileNotFoundError as error:
        raise ValidationError(
            _("“%(name)s” is no longer kept: please attach it again."),
            params={"name": held.original_name},
            code="held_file_gone",
        ) from error
    return CleanFile(
        original_name=held.original_name,
        content_type=held.content_type,
        extension=held.extension,
        data=data,
        is_image=held.is_image,
    )


def release(held: list[HeldUpload]) -> None:
    """Forget held files once registered (their stored files go on commit)."""
    for row in held:
        row.delete()


def sweep_held_uploads_task() -> int:
    """Delete held files older than `HOLD_FOR` (a django-q2 schedule runs this)."""
    stale = HeldUpload.objects.filter(created_at__lt=timezone.now() - HOLD_FOR)
    count = 0
    for held in stale.iterator():
        held.delete()
        count += 1
    return count


@receiver(post_delete, sender=HeldUpload, dispatch_uid="held_upload_file")
def _delete_held_file(sender, instance, **kwargs):
    # Also covers rows removed with their citizen (CASCADE).
    delete_file_after_commit(instance.file)
