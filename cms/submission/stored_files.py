"""Files saved by a write path are deleted again when its transaction rolls back.

Storage is not part of the database transaction: a file saved before a write fails would
stay on disk with no row pointing at it. Write paths that store files open their
transaction with `atomic_with_files()` and save through the `FileWrites` it yields.

The write paths are the outermost transaction of their request (the project does not use
ATOMIC_REQUESTS), so a failure inside the block is the only rollback that can undo them.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction


class FileWrites:
    """The files saved inside one `atomic_with_files()` block."""

    def __init__(self):
        self._written: list[tuple[object, str]] = []

    def save(self, field_file, name: str, content) -> None:
        """Save `content` into the model's file field (the row is saved by the caller)."""
        field_file.save(name, content, save=False)
        self._written.append((field_file.storage, field_file.name))

    def delete_all(self) -> None:
        for storage, name in self._written:
            storage.delete(name)
        self._written.clear()


@contextmanager
def atomic_with_files(*, savepoint: bool = True):
    """`transaction.atomic()` that also deletes the files saved in it if it fails.

    `savepoint=False` inside an open transaction adds no savepoint: a failure then
    rolls back the whole transaction (the caller's block is the unit of work)."""
    writes = FileWrites()
    try:
        with transaction.atomic(savepoint=savepoint):
            yield writes
    except BaseException:
        writes.delete_all()
        raise


def delete_file_after_commit(field_file) -> None:
    """Delete a stored file once the row that pointed at it is gone for good."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))
