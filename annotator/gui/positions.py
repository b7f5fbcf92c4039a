"""The one place where stored offsets meet Qt document positions.

The core counts Python `str` indices (code points) into the exact stored text. A Qt text document counts UTF-16
code units, and `setPlainText` turns "\\r\\n" into a single paragraph separator (a lone "\\r", "\\n", U+2028 or
U+2029 stays one unit; NBSP is shown as a space but stays one unit). So two things shift positions: characters
outside the Basic Multilingual Plane (emoji: +1 each) and CRLF pairs (-1 each). We record where the shift changes
and answer each conversion with one binary search: fast enough for thousands of spans on long articles.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_SHIFTS = re.compile("\r\n|[\U00010000-\U0010ffff]")


class PositionMap:
    """Convert between core offsets and Qt positions for one text: `to_qt` and `to_core` are inverse."""

    __slots__ = ("_core_starts", "_deltas", "_segment_ends", "length", "qt_length")

    def __init__(self, text: str):
        self.length = len(text)
        # Segment k covers core offsets [core_starts[k], core_starts[k + 1]) where qt = core + deltas[k].
        starts, deltas, delta = [0], [0], 0
        for m in _SHIFTS.finditer(text):
            # Both shifts start after the match's first code point: the middle of a CRLF maps to the separator.
            delta += -1 if m.group() == "\r\n" else 1
            starts.append(m.start() + 1)
            deltas.append(delta)
        self._core_starts = starts
        self._deltas = deltas
        # The last Qt position of each segment, to search by Qt position (non-decreasing).
        ends = [starts[k + 1] - 1 + deltas[k] for k in range(len(starts) - 1)]
        ends.append(1 << 62)
        self._segment_ends = ends
        self.qt_length = self.to_qt(self.length)

    def to_qt(self, offset: int) -> int:
        """Qt document position of a core offset (clamped to the text)."""
        offset = min(max(offset, 0), self.length)
        return offset + self._deltas[bisect_right(self._core_starts, offset) - 1]

    def to_core(self, position: int) -> int:
        """Core offset of a Qt position: the smallest offset at or after it (the start of a CRLF for its separator;
        the end of an emoji for a position inside its surrogate pair)."""
        position = min(max(position, 0), self.qt_length)
        k = bisect_left(self._segment_ends, position)
        return min(max(self._core_starts[k], position - self._deltas[k]), self.length)
