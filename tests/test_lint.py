"""ruff lint and format checks, and mypy on the non-GUI packages, run as part of the test suite, so `pytest` alone
is the whole gate."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check():
    result = _ruff("check", "annotator", "tests", "benchmarks", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = _ruff("format", "--check", "annotator", "tests", "benchmarks", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    """The packages listed in pyproject's [tool.mypy] `files` (core, store, formats, nlp, cli) type-check."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
