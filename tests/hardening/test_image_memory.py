"""Finding 4: checking a photo takes bounded memory. The largest photo accepted (50 million
pixels: a 7000×7000 JPEG) once grew the web process by about 550 MB; it is decoded once,
at most MAX_DECODED_PIXELS at a time, and scaled and turned in place.

Each check runs in its own process (tests.hardening.image_memory), which reports how far
its peak resident size grew while the real upload code checked the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cms.submission.uploads import (
    MAX_DECODED_PIXELS,
    MAX_DECODED_PIXELS_BY_FORMAT,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
)

# Three bytes a pixel for the decoded photo, once more while it is turned upright, and
# the encoder's own buffers: the old code took 548 MB for the JPEG below, 193 MB for the
# PNG.
BOUND_MB = 150


def helper(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "tests.hardening.image_memory", *args],
                          cwd=Path(settings.BASE_DIR), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def checked(tmp_path, image_format, width, height, progressive=False) -> dict:
    path = tmp_path / f"photo.{'jpg' if image_format == 'JPEG' else image_format.lower()}"
    helper("make", str(path), image_format, str(width), str(height),
           *(["progressive"] if progressive else []))
    result = json.loads(helper("check", str(path)))
    print(f"{image_format} {width}×{height}{' progressive' if progressive else ''}: "
          f"peak grew {result['grew_mb']} MB, stored {result['size']}, error {result['error']}")
    return result


def test_the_largest_accepted_photo_is_checked_in_bounded_memory(tmp_path):
    assert 7000 * 7000 <= MAX_IMAGE_PIXELS
    result = checked(tmp_path, "JPEG", 7000, 7000)
    assert result["error"] is None
    assert max(result["size"]) <= MAX_IMAGE_SIDE
    assert result["exif"] == {}  # the camera's tags and the orientation are gone
    assert result["grew_mb"] < BOUND_MB


def square_side(pixels: int) -> int:
    return int(pixels ** 0.5)


@pytest.mark.parametrize("image_format, progressive", [("PNG", False), ("WEBP", False),
                                                        ("JPEG", True)])
def test_formats_that_decode_only_at_full_size_are_accepted_up_to_the_cap(
        tmp_path, image_format, progressive):
    side = square_side(MAX_DECODED_PIXELS_BY_FORMAT.get(image_format, MAX_DECODED_PIXELS))
    result = checked(tmp_path, image_format, side, side, progressive)
    assert result["error"] is None
    assert result["grew_mb"] < BOUND_MB


@pytest.mark.parametrize("image_format, width, height, progressive", [
    ("PNG", MAX_IMAGE_SIDE + 1, MAX_IMAGE_SIDE, False),
    ("WEBP", 3000, 3000, False),
    ("JPEG", 5000, 5000, True),
    ("JPEG", 8000, 6300, False),  # 50.4 million pixels: refused from its header
])
def test_larger_ones_are_refused_before_they_are_decoded(tmp_path, image_format, width,
                                                         height, progressive):
    assert width * height > MAX_DECODED_PIXELS_BY_FORMAT.get(image_format,
                                                             MAX_DECODED_PIXELS)
    result = checked(tmp_path, image_format, width, height, progressive)
    assert result["error"] == "file_too_large"
    assert result["grew_mb"] < 20
