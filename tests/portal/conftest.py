"""Fixtures of the portal tests: the demo pages, a citizen, files to attach."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cms.models import Attachment
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from cms.submission.models import HeldUpload
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def attachments_dir(monkeypatch, tmp_path):
    """Citizens' files, attached and held, go to a temporary directory (a field's
    storage is bound at import, so it is swapped on the fields themselves)."""
    location = tmp_path / "attachments"
    storage = FileSystemStorage(location=str(location))
    for model in (Attachment, HeldUpload):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    return location


def stored_files(directory) -> list:
    """The files under `directory` (an `attachments_dir`), sorted."""
    return sorted(p for p in directory.rglob("*") if p.is_file())


@pytest.fixture
def portal(demo, attachments_dir):
    return create_demo_pages(demo)


@pytest.fixture
def general(portal) -> SubmissionPage:
    return SubmissionPage.objects.get(slug="general")


@pytest.fixture
def roads(portal) -> SubmissionPage:
    return SubmissionPage.objects.get(slug="roads")


@pytest.fixture
def citizen(db):
    return factories.user(
        first_name="Анна", last_name="Иванова", email="anna@example.org"
    )


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def jpeg_bytes(size=(64, 48), exif_gps=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "SpyCam"  # Make
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPSInfo
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def valid_post(subcategory_code="01.01", territory_code="gorsk", **overrides) -> dict:
    """A complete, valid submission (a pothole in Gorsk) for the general page."""
    sub = factories.subcategory(subcategory_code)
    data = {
        "category": str(sub.category_id),
        "subcategory": str(sub.pk),
        "territory": str(factories.territory(territory_code).pk),
        "address": "ул. Ленина, 5",
        "text": "Глубокая яма у дома 5, машины объезжают по тротуару.",
        "consent": "on",
        "idempotency_key": str(uuid.uuid4()),
    }
    if sub.photo_required and "files" not in overrides:
        data["files"] = [upload("pothole.jpg", jpeg_bytes(), "image/jpeg")]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit_path_query_counts(client, url: str, tries: int = 2) -> list[int]:
    """The queries of `tries` valid submissions, each after one more message in the
    region (a constant path gives the same count every time)."""
    client.post(url, valid_post())  # warm the per-process caches
    counts = []
    for _ in range(tries):
        data = valid_post()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data)
        assert response.status_code == 302
        counts.append(len(captured.captured_queries))
        factories.appeal()
    return counts
