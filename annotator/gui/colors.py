"""Label colours made readable on the white page: frames and tags at least 3:1 against white (WCAG's contrast for
graphics), tag text at least 4.5:1 against its tag. A scheme's colour that is too light (#aaffc3, lime) is shown
darkened just enough, in the same hue, so labels stay distinct and visible."""

from __future__ import annotations

from PySide6.QtGui import QColor


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


WHITE = QColor("#ffffff")
BLACK = QColor("#000000")


def readable(color: QColor, minimum: float = 3.0) -> QColor:
    """The colour, darkened in its own hue until it has `minimum` contrast against white."""
    out = QColor(color)
    for _ in range(40):
        if contrast(out, WHITE) >= minimum:
            break
        out = out.darker(108)
    return out


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on the background (4.5:1 or more for readable() colours)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, BLACK) else BLACK
