"""Files of an answer: checked by their content, stored as Attachment rows of kind "answer"."""

from __future__ import annotations

from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cms.models import Attachment, AttachmentKind

MAX_ANSWER_FILE_SIZE = 10 * 1024 * 1024
MAX_ANSWER_FILES = 10

# What an official answer carries: scans and photos, PDFs, office documents.
ANSWER_FILE_TYPES = {
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "pdf": ("application/pdf", {".pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             {".docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {".odt"}),
}


def check_answer_file(upload) -> str:
    """The content type of an acceptable answer file; ValidationError otherwise."""
    if upload.size > MAX_ANSWER_FILE_SIZE:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={"name": upload.name, "limit": filesizeformat(MAX_ANSWER_FILE_SIZE)},
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    extension = PurePath(upload.name).suffix.lower()
    known = ANSWER_FILE_TYPES.get(kind.extension) if kind else None
    if known is None or extension not in known[1]:
        raise ValidationError(
            _("%(name)s is not a photo, PDF or office document, or its name does not match "
              "its content."),
            params={"name": upload.name},
        )
    return known[0]


def store_answer_files(answer, uploads, actor, writes, kept=()) -> list[Attachment]:
    """Attach new uploads, and copies of `kept` files of an earlier draft, to `answer`.

    New files are saved through `writes` (`cms.submission.stored_files`), so a rolled-back answer
    leaves none behind. A kept file is a new row pointing at the same stored file:
    drafts keep their own lists, and committed files are never deleted.
    """
    stored = []
    for old in kept:
        stored.append(Attachment.objects.create(
            appeal=answer.appeal, kind=AttachmentKind.ANSWER, answer=answer,
            file=old.file.name, original_name=old.original_name,
            content_type=old.content_type, size=old.size, uploaded_by=old.uploaded_by,
        ))
    for upload in uploads:
        content_type = check_answer_file(upload)
        attachment = Attachment(
            appeal=answer.appeal, kind=AttachmentKind.ANSWER, answer=answer,
            original_name=PurePath(upload.name).name[:255], content_type=content_type,
            size=upload.size, uploaded_by=actor,
        )
        writes.save(attachment.file, upload.name, upload)
        attachment.save()
        stored.append(attachment)
    return stored
