"""Shared fixtures. Qt runs offscreen; user settings and data go to a temporary folder, never the real one."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from annotator.cli import main
from annotator.core.project import Project

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _user_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(base / "data"))


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def cli(capsys):
    """Run `annotator ARGS...` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse --help / usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def project_path(tmp_path) -> Path:
    path = tmp_path / "test.annotator"
    Project.create(path).close()
    return path


@pytest.fixture
def project(project_path):
    with Project.open(project_path) as p:
        yield p


def file_snapshot(path: Path) -> bytes:
    """The project's content as a canonical SQL dump: equal dumps mean an unchanged project."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump()).encode()
    finally:
        conn.close()


@pytest.fixture
def no_auto_suggest(monkeypatch):
    """The window starts no background suggestion process (tests that want one start it themselves)."""
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


@pytest.fixture
def window_on(qtbot, no_auto_suggest):
    """Open annotation windows (as alice unless told) that are closed after the test."""
    from annotator.gui import open_window

    opened = []

    def open_(path, **kw):
        kw.setdefault("annotator", "alice")
        window = open_window(path, **kw)
        qtbot.addWidget(window)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()
