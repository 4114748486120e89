"""The second demo region, loaded from its shipped folder, and copies of folders to edit."""

from __future__ import annotations

import json
import shutil

import pytest
from django.conf import settings

from cms.models import Region
from cms.regionconfig.loader import load_region_folder

CONFIG = settings.POS_CONFIG_DIR


@pytest.fixture
def ural(demo) -> Region:
    """Ural Oblast, loaded from config/regions/ural/ (inside the test's transaction)."""
    return load_region_folder(CONFIG / "ural").region


@pytest.fixture
def ural_folder(tmp_path):
    target = tmp_path / "ural"
    shutil.copytree(CONFIG / "ural", target)
    return target


def edit(folder, filename, change) -> None:
    path = folder / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
