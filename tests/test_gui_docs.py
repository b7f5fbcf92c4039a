"""The README text of the window lists every keyboard shortcut the window has, and the screenshots it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.gui.keys import SHORTCUTS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_every_shortcut_is_documented():
    text = README.read_text(encoding="utf-8")
    for keys, action in SHORTCUTS:
        assert f"| {keys} | {action} |" in text


def test_screenshots_exist_and_are_small():
    text = README.read_text(encoding="utf-8")
    shots = re.findall(r"\((docs/screenshots/[^)]+\.png)\)", text)
    assert len(shots) >= 3
    for shot in shots:
        path = ROOT / shot
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size < 300_000
