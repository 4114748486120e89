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

# Larger photos are refused before anything is decoded: the header gives the size, and a
# small file can hold a huge bitmap.
MAX_IMAGE_PIXELS = 50_000_000
# Re-encoded photos are scaled down to this longest side: enough to see a pothole.
MAX_IMAGE_SIDE = 4096
# No more pixels than this are decoded at once, so the memory one check takes is bounded
# (about 50 MB in RGB) whatever the photo: a larger JPEG is decoded at 1/2, 1/4 or 1/8 of
# its size by the decoder itself (DCT scaling, `Image.draft`), never at full size first.
# PNG and WebP cannot be decoded smaller, so larger ones are refused; so are progressive
# JPEGs, whose decoder keeps every coefficient of the full-size image whatever the scale.
MAX_DECODED_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE
JPEG_SCALES = (1, 2, 4, 8)
# Pillow decodes WebP to RGBA and converts that to RGB: two buffers, seven bytes a pixel.
# Half the pixels keep it within the same memory.
MAX_DECODED_PIXELS_BY_FORMAT = {"WEBP": MAX_DECODED_PIXELS // 2}


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
    head = upload.read(16)
    if sniff(head) != claimed:
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            params={"name": name, "type": FILE_TYPES[claimed].label},
            code="file_content",
        )
    spec = FILE_TYPES[claimed]
    upload.seek(0)
    # An image is decoded straight from the upload (a temporary file for large ones):
    # its original bytes are never all in memory, only the re-encoded result.
    data = reencode_image(upload, spec, name) if spec.is_image else upload.read()
    return CleanFile(
        original_name=name,
        content_type=spec.content_type,
        extension=spec.extensions[0],
        data=data,
        is_image=spec.is_image,
    )


def decode_scale(width: int, height: int) -> int | None:
    """The JPEG decoder's reduction (1, 2, 4 or 8) that brings the image within
    MAX_DECODED_PIXELS, or None if even 1/8 does not."""
    return next((scale for scale in JPEG_SCALES
                 if -(-width // scale) * -(-height // scale) <= MAX_DECODED_PIXELS), None)


def reencode_image(source, spec: FileType, name: str) -> bytes:
    """Decode once, at most MAX_DECODED_PIXELS, and encode again: scaled to
    MAX_IMAGE_SIDE, orientation applied, metadata dropped. `source` is a file or bytes."""
    broken = ValidationError(
        _("“%(name)s” is not a readable image."),
        params={"name": name},
        code="file_content",
    )
    too_large = ValidationError(
        _("“%(name)s” has too many pixels."),
        params={"name": name},
        code="file_too_large",
    )
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with Image.open(getattr(source, "file", source)) as image:
            if image.format != spec.pillow_format:
                raise broken
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_large
            scale = 1
            if image.format == "JPEG" and not image.info.get("progressive"):
                scale = decode_scale(width, height)
            limit = MAX_DECODED_PIXELS_BY_FORMAT.get(image.format, MAX_DECODED_PIXELS)
            if scale is None or -(-width // scale) * -(-height // scale) > limit:
                raise too_large
            if scale > 1:
                image.draft(None, (width // scale, height // scale))
            image.load()
            # In place from here on: each step replaces the pixels instead of keeping a
            # second full copy next to them.
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            ImageOps.exif_transpose(image, in_place=True)
            if spec.pillow_format == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            # Nothing of the original's metadata is written: EXIF (location, camera serial
            # numbers), XMP, comments and ICC profiles all travel in `info`.
            image.info = {}
            out = io.BytesIO()
            options = {"quality": 88} if spec.pillow_format in ("JPEG", "WEBP") else {}
            image.save(out, format=spec.pillow_format, **options)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise broken from error
    return out.getvalue()
