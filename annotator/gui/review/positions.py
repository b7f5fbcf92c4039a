"""Core offsets -> Qt positions for the review widgets: the main window's `annotator.gui.positions.PositionMap`.

TEMPORARY fallback: until the main window's package lands on this branch, a minimal equivalent is defined here
(UTF-16 units: +1 per character outside the BMP; CRLF becomes one separator: -1). Delete the fallback once
`annotator.gui.positions` is on main: there must be one conversion only.
"""

from __future__ import annotations

try:
    from annotator.gui.positions import PositionMap
except ImportError:  # pragma: no cover - replaced by the main window's module
    import re
    from bisect import bisect_right

    _SHIFTS = re.compile("\r\n|[\U00010000-\U0010ffff]")

    class PositionMap:  # type: ignore[no-redef]
        def __init__(self, text: str):
            self.length = len(text)
            self._starts, self._deltas, delta = [0], [0], 0
            for m in _SHIFTS.finditer(text):
                delta += -1 if m.group() == "\r\n" else 1
                self._starts.append(m.start() + 1)
                self._deltas.append(delta)

        def to_qt(self, offset: int) -> int:
            offset = min(max(offset, 0), self.length)
            return offset + self._deltas[bisect_right(self._starts, offset) - 1]

        def to_core(self, position: int) -> int:
            # smallest offset whose Qt position is at or after `position`
            lo, hi = 0, self.length
            while lo < hi:
                mid = (lo + hi) // 2
                if self.to_qt(mid) < position:
                    lo = mid + 1
                else:
                    hi = mid
            return lo


__all__ = ["PositionMap"]
