"""Checking citizens' files by their content, and re-encoding images without metadata.

A file's name says what it claims to be; its first bytes say what it is. Both must agree
with a type the page allows. Images are decoded and written again by Pillow, which drops
EXIF (location, camera serial numbers) and anything smuggled after the image data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger photos are refused rather than decoded (a small file can hold a huge bitmap).
MAX_IMAGE_PIXELS = 50_000_000
# Re-encoded photos are scaled down to this longest side: enough to see a pothole.
MAX_IMAGE_SIDE = 4096


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]
    content_type: str
    pillow_format: str | None = None

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


FILE_TYPES: dict[str, FileType] = {
    "jpeg": FileType(_("JPEG photo"), (".jpg", ".jpeg"), "image/jpeg", "JPEG"),
    "png": FileType(_("PNG image"), (".png",), "image/png", "PNG"),
    "webp": FileType(_("WebP image"), (".webp",), "image/webp", "WEBP"),
    "pdf": FileType(_("PDF document"), (".pdf",), "application/pdf"),
}
DEFAULT_FILE_TYPES = ["jpeg", "png", "pdf"]


@dataclass(frozen=True)
class CleanFile:
    """A checked file, ready to store: its bytes are what `content_type` says."""

    original_name: str
    content_type: str
    extension: str
    data: bytes
    is_image: bool


def sniff(head: bytes) -> str | None:
    """The FILE_TYPES code the magic bytes show, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def accept_extensions(type_codes: list[str]) -> str:
    """The `accept` attribute of the file input for these types."""
    return ",".join(ext for code in type_codes for ext in FILE_TYPES[code].extensions)


def check_file(upload, allowed: list[str], max_size: int) -> CleanFile:
    """Validate one uploaded file and return it cleaned, or raise ValidationError."""
    name = PurePath(upload.name or "").name[:255]
    if upload.size > max_size:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s."),
            params={"name": name, "limit": filesizeformat(max_size)},
            code="file_too_large",
        )
    extension = PurePath(name).suffix.lower()
    claimed = next(
        (code for code in allowed if extension in FILE_TYPES[code].extensions), None
    )
    if claimed is None:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted here."),
            params={"name": name},
            code="file_type",
        )
    upload.seek(0)
    data = upload.read()
    if sniff(data[:16]) != claimed:
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            params={"name": name, "type": FILE_TYPES[claimed].label},
            code="file_content",
        )
    spec = FILE_TYPES[claimed]
    if spec.is_image:
        data = reencode_image(data, spec, name)
    return CleanFile(
        original_name=name,
        content_type=spec.content_type,
        extension=spec.extensions[0],
        data=data,
        is_image=spec.is_image,
    )


def reencode_image(data: bytes, spec: FileType, name: str) -> bytes:
    """Decode and encode again: orientation applied, metadata dropped."""
    broken = ValidationError(
        _("“%(name)s” is not a readable image."),
        params={"name": name},
        code="file_content",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != spec.pillow_format:
                raise broken
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("“%(name)s” has too many pixels."),
                    params={"name": name},
                    code="file_too_large",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if spec.pillow_format == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            # A fresh image carries no info dict: nothing of the original's metadata.
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            out = io.BytesIO()
            options = {"quality": 88} if spec.pillow_format in ("JPEG", "WEBP") else {}
            clean.save(out, format=spec.pillow_format, **options)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise broken from error
    return out.getvalue()
