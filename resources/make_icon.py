"""Draw the annotator app icon with QPainter and write the PNG set, a Windows .ico and a macOS .icns.

The picture: a page of text lines on a rounded blue tile, one span on the middle line highlighted in amber, the way
the window marks an entity. Drawn as vectors at every size (no downscaling), with
fewer, thicker lines at 16 and 24 px so they stay legible.

Run from the repository root (needs only PySide6): `python resources/make_icon.py`. Writes resources/icons/*.png,
resources/annotator.ico, resources/annotator.icns and annotator/data/icon.png (the 256 px image the window loads
through importlib.resources). The .ico and .icns are written here by hand: both formats simply wrap PNG images.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPen

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)

TILE_TOP = QColor("#3466a8")
TILE_BOTTOM = QColor("#1f3f73")
LINE = QColor("#f4f7fb")
SPAN = QColor("#f5b82e")
SPAN_EDGE = QColor("#c98a0b")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 64.0  # design grid: 64 x 64 units

    # the tile: a rounded square with a slight vertical gradient
    margin = 2 * s if size >= 32 else 0.5 * s
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    gradient.setColorAt(0, TILE_TOP)
    gradient.setColorAt(1, TILE_BOTTOM)
    p.setPen(Qt.NoPen)
    p.setBrush(gradient)
    p.drawRoundedRect(tile, 12 * s, 12 * s)

    small = size <= 24
    # text lines: (y, x_start, x_end) in design units; the middle one carries the span
    if small:
        lines = [(18, 12, 52), (32, 12, 52), (46, 12, 40)]
        thickness = 7
    else:
        lines = [(17, 12, 52), (27, 12, 46), (37, 12, 52), (47, 12, 38)]
        thickness = 4.5
    span_line = 1 if small else 2
    span_x = (26, 50) if small else (24, 48)

    pen = QPen(LINE, thickness * s, Qt.SolidLine, Qt.RoundCap)
    for i, (y, x0, x1) in enumerate(lines):
        p.setPen(pen)
        if i == span_line:
            p.drawLine(QPointF(x0 * s, y * s), QPointF((span_x[0] - 4) * s, y * s))
            continue
        p.drawLine(QPointF(x0 * s, y * s), QPointF(x1 * s, y * s))

    # the highlighted span: an amber pill where the text of the middle line would be
    y = lines[span_line][0]
    height = (thickness + (3 if small else 5)) * s
    rect = QRectF(span_x[0] * s, y * s - height / 2, (span_x[1] - span_x[0]) * s, height)
    p.setPen(QPen(SPAN_EDGE, max(1.0, 0.8 * s)) if not small else Qt.NoPen)
    p.setBrush(SPAN)
    p.drawRoundedRect(rect, height / 2.6, height / 2.6)
    if not small:
        # the span's text inside the highlight, darker
        p.setPen(QPen(QColor("#5a3b00"), 2.2 * s, Qt.SolidLine, Qt.RoundCap))
        p.drawLine(QPointF((span_x[0] + 4) * s, y * s), QPointF((span_x[1] - 4) * s, y * s))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """An .ico whose entries are PNG images (understood since Windows Vista); 256 is stored as 0."""
    sizes = [s for s in (16, 24, 32, 48, 64, 128, 256) if s in images]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = images[s]
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    path.write_bytes(header + entries + blobs)


# icns element types holding PNG data, by pixel size (the @2x types share sizes with the 1x ones)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024))


def write_icns(path: Path, images: dict[int, bytes]) -> None:
    body = b""
    for kind, s in ICNS_TYPES:
        blob = images[s]
        body += kind + struct.pack(">I", len(blob) + 8) + blob
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main() -> int:
    QGuiApplication(sys.argv[:1])
    out = RESOURCES / "icons"
    out.mkdir(parents=True, exist_ok=True)
    images: dict[int, bytes] = {}
    for size in SIZES:
        images[size] = png_bytes(draw(size))
        if size <= 512:
            (out / f"annotator-{size}.png").write_bytes(images[size])
    write_ico(RESOURCES / "annotator.ico", images)
    write_icns(RESOURCES / "annotator.icns", images)
    (ROOT / "annotator" / "data" / "icon.png").write_bytes(images[256])
    print(f"wrote {len(SIZES) - 1} PNGs to {out}, annotator.ico, annotator.icns and annotator/data/icon.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
