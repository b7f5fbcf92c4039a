"""Layering: the core and the store import neither Qt nor spaCy; nlp imports no Qt (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys, importlib, pkgutil
import annotator.{pkg} as root
for mod in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})
print(",".join(bad))
"""


@pytest.mark.parametrize(
    ("pkg", "forbidden"),
    [("core", {"PySide6", "spacy"}), ("store", {"PySide6", "spacy"}), ("formats", {"PySide6"}), ("nlp", {"PySide6"})],
)
def test_layer_does_not_import(pkg, forbidden):
    code = CHECK.format(pkg=pkg, forbidden=forbidden)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"annotator.{pkg} imported {result.stdout.strip()}"
