"""A process of the image memory test: it makes a test image, or checks one with the
real upload code and reports how much its peak memory grew while it did.

    python -m tests.hardening.image_memory make PATH FORMAT WIDTH HEIGHT [progressive]
    python -m tests.hardening.image_memory check PATH     prints {"grew_mb", "size", "error"}

ru_maxrss is the process's peak resident size: its growth over the check is what the
check cost at its worst moment, every copy of the pixels included.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def make(path: Path, image_format: str, width: int, height: int, progressive: bool) -> None:
    from PIL import Image, ImageDraw

    # Not one flat colour: real content, so the encoders do real work.
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for step in range(0, min(width, height), 97):
        draw.line((0, step, width, height - step), fill=(200, step % 255, 40), width=9)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x0112] = 6  # orientation: rotated, so the check must turn it
    options = {"exif": exif}
    if image_format == "JPEG":
        options.update(quality=90, progressive=progressive)
    image.save(path, format=image_format, **options)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def check(path: Path) -> dict:
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from cms.submission.uploads import check_file

    suffix = path.suffix.lower()
    kinds = ["jpeg", "png", "webp"]

    def upload_of(source: Path):
        upload = TemporaryUploadedFile(source.name, "application/octet-stream",
                                       source.stat().st_size, None)
        upload.write(source.read_bytes())
        upload.seek(0)
        return upload

    # Warm up: the libraries loaded and their first buffers taken before measuring.
    small = path.with_name("warm-up" + suffix)
    make(small, {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[suffix], 64, 48, False)
    check_file(upload_of(small), kinds, 1 << 30)
    upload = upload_of(path)
    before = peak_mb()
    result = {"size": None, "error": None}
    try:
        clean = check_file(upload, kinds, 1 << 30)
    except ValidationError as error:
        result["error"] = error.code if hasattr(error, "code") else str(error)
    else:
        from io import BytesIO

        from PIL import Image

        with Image.open(BytesIO(clean.data)) as stored:
            result["size"] = list(stored.size)
            result["exif"] = dict(stored.getexif())
    result["grew_mb"] = round(peak_mb() - before, 1)
    return result


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    if command == "make":
        make(Path(path), rest[0], int(rest[1]), int(rest[2]), rest[3:] == ["progressive"])
    else:
        print(json.dumps(check(Path(path))))
