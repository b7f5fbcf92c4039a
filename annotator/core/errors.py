"""Errors a user can cause. Each carries a message a researcher can act on.

The CLI prints `str(error)` as one line and exits non-zero; the window shows it in a dialog.
Anything that is not an AnnotatorError is a bug.
"""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """Base of every error caused by user input (files, offsets, labels, project files)."""

    exit_code = 1


def where(path: str | Path | None, line: int | None = None) -> str:
    """Format a location prefix such as `articles.jsonl:12: `."""
    if path is None:
        return ""
    return f"{path}:{line}: " if line is not None else f"{path}: "


class InputFileError(AnnotatorError):
    """A file given to import (or a scheme file) cannot be read or is malformed."""

    def __init__(self, path: str | Path | None, problem: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.problem = problem
        super().__init__(f"{where(path, line)}{problem}")


class ProjectError(AnnotatorError):
    """A project file is missing, not a project, or from a newer version."""


class SchemeError(AnnotatorError):
    """A label scheme is invalid, or an annotation does not fit the scheme."""


class OffsetError(AnnotatorError):
    """A span's offsets fall outside the text or are empty/reversed."""


class ModelError(AnnotatorError):
    """A spaCy pipeline cannot be found or loaded."""


class NotFoundError(AnnotatorError):
    """A document, annotator or annotation the user named does not exist."""


class ForeignSchemaError(ProjectError):
    """A project file holds triggers, views or tables annotator never creates (refused: never run, never read)."""


class StorageError(ProjectError):
    """SQLite could not read or write the project file (busy, read-only, full disk, damaged, unreachable)."""


class ProjectBusyError(StorageError):
    """Another program held the project's write lock longer than this process waits."""


class ReadOnlyProjectError(StorageError):
    """The project file or its folder cannot be written."""


class DiskFullError(StorageError):
    """The disk holding the project file (or its journal) is full."""


class DamagedProjectError(StorageError):
    """The project file is corrupt, truncated or not an SQLite file."""
