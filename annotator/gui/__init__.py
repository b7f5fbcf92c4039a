"""The annotation window (PySide6). The only package that imports Qt; importing it stays cheap."""

from __future__ import annotations


def open_window(project_path, annotator=None, document_id=None, **options):
    """Open the annotation window on a project; returns the shown QMainWindow. See `annotator.gui.app`."""
    from annotator.gui.app import open_window as _open

    return _open(project_path, annotator, document_id, **options)


__all__ = ["open_window"]
