"""The standalone bundle: its resources (icon set, .ico/.icns, .desktop and MIME files), the strip safety check, and
(marked `packaging`, deselected by default: `pytest -m packaging tests/test_packaging.py`) a real build with
packaging/build.py whose smoke test of the frozen executable must pass within the size target."""

from __future__ import annotations

import configparser
import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _build_module():
    spec = importlib.util.spec_from_file_location("annotator_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icon_pngs_have_their_sizes():
    for size in SIZES:
        assert _png_size((RESOURCES / "icons" / f"annotator-{size}.png").read_bytes()) == (size, size)


def test_window_icon_is_a_package_resource():
    from annotator.data import icon_png

    data = icon_png()
    assert data is not None and _png_size(data) == (256, 256)
    assert data == (RESOURCES / "icons" / "annotator-256.png").read_bytes()


def test_ico_and_icns_wrap_the_pngs():
    ico = (RESOURCES / "annotator.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1) and count == 7
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * i)
        sizes.append(w or 256)
        assert _png_size(ico[offset : offset + length]) == (w or 256, w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]

    icns = (RESOURCES / "annotator.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, kinds = 8, []
    while pos < len(icns):
        kind, length = icns[pos : pos + 4], struct.unpack(">I", icns[pos + 4 : pos + 8])[0]
        _png_size(icns[pos + 8 : pos + length])
        kinds.append(kind)
        pos += length
    assert kinds == [b"icp4", b"icp5", b"ic07", b"ic08", b"ic09", b"ic10"]


def test_desktop_file_and_mime_type_agree():
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(RESOURCES / "annotator.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == "annotator"
    assert entry["Exec"] == "annotator gui %f"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(RESOURCES / "annotator-mime.xml").getroot().find("m:mime-type", ns)
    assert entry["MimeType"].rstrip(";") == mime.get("type") == "application/x-annotator-project"
    assert mime.find("m:glob", ns).get("pattern") == "*.annotator"


def test_stripping_openblas_is_detected_and_refused(tmp_path):
    """numpy's OpenBLAS (edited by patchelf) no longer loads once stripped; build.py must notice and keep it."""
    strip = shutil.which("strip")
    libs = sorted((Path(importlib.util.find_spec("numpy").origin).parent.parent / "numpy.libs").glob("*openblas*"))
    if strip is None or sys.platform != "linux" or not libs:
        pytest.skip("needs Linux, binutils' strip and a numpy wheel with a vendored OpenBLAS")
    build = _build_module()
    assert build._elf_loadable_after_strip(libs[0])
    stripped = tmp_path / "stripped.so"
    subprocess.run([strip, "--strip-unneeded", "-o", str(stripped), str(libs[0])], check=True)
    assert not build._elf_loadable_after_strip(stripped)
    # and an ordinary extension module survives stripping
    ext = Path(importlib.util.find_spec("_sqlite3").origin)
    subprocess.run([strip, "--strip-unneeded", "-o", str(tmp_path / "ext.so"), str(ext)], check=True)
    assert build._elf_loadable_after_strip(tmp_path / "ext.so")


@pytest.mark.packaging
def test_build_and_smoke_test_the_bundle():
    """packaging/build.py builds dist/annotator/, strips it and smoke-tests the frozen executable."""
    assert importlib.util.find_spec("PyInstaller"), "install the packaging extra: pip install -e '.[dev,package]'"
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py")], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BUILD-SUMMARY ")]
    assert lines, result.stdout[-4000:] + result.stderr[-4000:]
    summary = json.loads(lines[-1].split(" ", 1)[1])
    assert result.returncode == 0 and summary["ok"], result.stdout[-6000:] + result.stderr[-4000:]
    assert summary["size_mb"] <= 250
    assert summary["smoke_steps"] == [
        "version",
        "help",
        "demo",
        "new",
        "import",
        "suggest",
        "import-layer",
        "export-spacy",
        "stats",
        "train-new",
        "train-import",
        "train",
        "suggest-processes",
        "gui",
    ]
    # only libraries that break when stripped are left unstripped: numpy's vendored ones
    assert all("numpy.libs" in path for path in summary["unstripped"]), summary["unstripped"]
