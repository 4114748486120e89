"""Validate a whole region folder, then load it in one transaction, or export it back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cms.kernel.plugins import all_hooks
from cms.models import Category, Region, Subcategory
from cms.retention.regionfile import RetentionFile

from . import classifier
from .core import CORE_FILES, RegionFile
from .files import (
    ChangeReport,
    Problem,
    RegionConfigError,
    RegionConfigFile,
    Stray,
    ValidationContext,
)
from .portal import PortalFile
from .reasons import ReasonsFile
from .workflow import WorkflowFile

# The core's files beyond the four of `core`: they need the portal's, the workflow's and
# the retention settings' models, which `core` does not.
REGION_FILES = (*CORE_FILES, WorkflowFile(), RetentionFile(), ReasonsFile(), PortalFile())


@dataclass
class LoadResult:
    region: Region | None
    report: ChangeReport
    warnings: list[str]
    dry_run: bool


class _DryRunRollback(Exception):
    pass


def region_files() -> list[RegionConfigFile]:
    """The core's files and every plugin's, in load order."""
    files = list(REGION_FILES)
    for declared in all_hooks().region_config_files():
        files.extend(declared)
    return sorted(files, key=lambda f: f.order)


def read_json(path: Path, problems: list[Problem]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, "(file)", "not UTF-8 text"))
    except json.JSONDecodeError as error:
        problems.append(Problem(path.name, f"line {error.lineno}, column {error.colno}",
                                f"invalid JSON: {error.msg}"))
    return None


def default_classifier_path(folder: Path) -> Path:
    return folder.parent / classifier.FILENAME


def validate_folder(folder: Path, classifier_path: Path | None):
    """Parse and check every file; return (files with data, documents, warnings).

    Raises RegionConfigError listing every problem found, in every file.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    if not folder.is_dir():
        raise RegionConfigError([Problem(str(folder), "(folder)", "not a folder")])
    declared = region_files()
    declared_names = {f.filename for f in declared}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json" and path.name not in declared_names:
            warnings.append(f"{path.name}: not read: no installed plugin declares this file")

    documents: dict[str, Any] = {}
    for file in declared:
        path = folder / file.filename
        if path.exists():
            documents[file.filename] = read_json(path, problems)
        elif file.required:
            problems.append(Problem(file.filename, "(file)", "missing"))
    classifier_data = None
    if classifier_path is not None:
        classifier_data = read_json(classifier_path, problems)
    if problems:
        raise RegionConfigError(problems)

    ctx = ValidationContext(documents=documents)
    if classifier_data is not None:
        classifier.validate_classifier(classifier_data, ctx)
    else:
        ctx.codes("category").update(Category.objects.values_list("code", flat=True))
        ctx.codes("subcategory").update(Subcategory.objects.values_list("code", flat=True))
    present = [(file, documents[file.filename]) for file in declared
               if file.filename in documents]
    for file, data in present:
        file.validate(data, ctx)
    region_file = next(file for file in declared if isinstance(file, RegionFile))
    region_file.validate_references(documents.get(region_file.filename), ctx)
    if ctx.problems:
        raise RegionConfigError(ctx.problems)
    return present, classifier_data, warnings


def load_region_folder(folder: Path, classifier_path: Path | None = None,
                       dry_run: bool = False, prune: bool = False) -> LoadResult:
    """Load a region folder (and the classifier, when given): everything or nothing.

    With `dry_run`, the load runs in full inside a transaction that is then rolled back,
    so the report says exactly what a real run would change. Every load reports the rows
    only the database has (`RegionConfigFile.strays`); with `prune` those that are safe to
    remove are removed, the others kept with the reason.
    """
    present, classifier_data, warnings = validate_folder(folder, classifier_path)
    report = ChangeReport()
    region = None
    try:
        with transaction.atomic():
            if classifier_data is not None:
                classifier.load_classifier(classifier_data, report)
            region_file = _file_named(present, "region.json")
            region_data = dict(present)[region_file]
            report.current_file = region_file.filename
            region = region_file.load_region(region_data, report)
            for file, data in present:
                if file is region_file:
                    continue
                report.current_file = file.filename
                file.load(region, data, report)
                if file.filename == "organisations.json":
                    report.current_file = region_file.filename
                    region_file.link(region, region_data, report)
            # Last file first: what a later file names (a rule's organisation) goes before
            # what it names.
            for file, data in reversed(present):
                report.current_file = file.filename
                for stray in file.strays(region, data):
                    _handle_stray(stray, prune, report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return LoadResult(region=region, report=report, warnings=warnings, dry_run=dry_run)


def _handle_stray(stray: Stray, prune: bool, report: ChangeReport) -> None:
    if not prune:
        report.record_stray(stray, "only in the database")
    elif stray.remove is None:
        report.record_stray(stray, f"kept ({stray.kept_because})")
    else:
        try:
            with transaction.atomic():
                stray.remove()
        except (ProtectedError, IntegrityError):
            report.record_stray(stray, "kept (other rows refer to it)")
        else:
            report.record_stray(stray, "removed")


def _file_named(present, filename: str) -> RegionConfigFile:
    return next(file for file, _data in present if file.filename == filename)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def export_region_folder(region: Region, folder: Path) -> list[str]:
    """Write every file the region has data for; return the file names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file in region_files():
        data = file.export(region)
        if data is None:
            continue
        write_json(folder / file.filename, data)
        written.append(file.filename)
    return written


def load_classifier_file(path: Path, dry_run: bool = False) -> ChangeReport:
    problems: list[Problem] = []
    data = read_json(path, problems)
    if problems:
        raise RegionConfigError(problems)
    ctx = ValidationContext(documents={classifier.FILENAME: data})
    classifier.validate_classifier(data, ctx)
    if ctx.problems:
        raise RegionConfigError(ctx.problems)
    report = ChangeReport()
    try:
        with transaction.atomic():
            classifier.load_classifier(data, report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report
