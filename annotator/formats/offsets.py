"""Offsets in other tools' files: code points (Python tools: brat, newer doccano) or UTF-16 code units (Java and
JavaScript tools: INCEpTION, older Label Studio and doccano). Converted here, at the reader, and checked against the
span's own text where the file gives it; a span that matches in no unit is reported, never stored."""

from __future__ import annotations


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Offsets:
    """Offsets into one document's text, in either unit."""

    def __init__(self, text: str):
        self.text = text
        self.astral = any(ord(c) > 0xFFFF for c in text) if not text.isascii() else False
        self._from16: dict[int, int] | None = None
        self._to16: list[int] | None = None

    def _build(self) -> None:
        from16: dict[int, int] = {}
        to16: list[int] = []
        unit = 0
        for i, c in enumerate(self.text):
            from16[unit] = i
            to16.append(unit)
            unit += 2 if ord(c) > 0xFFFF else 1
        from16[unit] = len(self.text)
        to16.append(unit)
        self._from16, self._to16 = from16, to16

    def from_utf16(self, unit: int) -> int | None:
        """The code point index at a UTF-16 offset (None inside a surrogate pair or past the end)."""
        if not self.astral:
            return unit if 0 <= unit <= len(self.text) else None
        if self._from16 is None:
            self._build()
        return self._from16.get(unit)  # type: ignore[union-attr]

    def to_utf16(self, index: int) -> int:
        if not self.astral:
            return index
        if self._to16 is None:
            self._build()
        return self._to16[index]  # type: ignore[index]

    def valid(self, start: int, end: int) -> bool:
        return 0 <= start < end <= len(self.text)

    def resolve(self, start: int, end: int, expected: str | None = None, unit: str = "cp") -> tuple[int, int] | None:
        """Code point offsets of a span; `expected` (the span's text in the file) decides the unit when given."""
        if expected is not None:
            if self.valid(start, end) and self.text[start:end] == expected:
                return start, end
            if self.astral:
                s, e = self.from_utf16(start), self.from_utf16(end)
                if s is not None and e is not None and self.valid(s, e) and self.text[s:e] == expected:
                    return s, e
            return None
        if unit == "utf16":
            s, e = self.from_utf16(start), self.from_utf16(end)
            return (s, e) if s is not None and e is not None and self.valid(s, e) else None
        return (start, end) if self.valid(start, end) else None

    def guess_unit(self, pairs: list[tuple[int, int]]) -> str:
        """For files without span texts: UTF-16 if that reading puts clearly more spans on word edges."""
        if not self.astral or not pairs:
            return "cp"

        def score(unit: str) -> int:
            n = 0
            for start, end in pairs:
                got = self.resolve(start, end, unit=unit)
                if got is not None:
                    n += 1 + self._edge(got[0]) + self._edge(got[1])
            return n

        return "utf16" if score("utf16") > score("cp") else "cp"

    def _edge(self, i: int) -> int:
        t = self.text
        return int(i <= 0 or i >= len(t) or not (t[i - 1].isalnum() and t[i].isalnum()))


def describe_mismatch(text: str, start: int, end: int, expected: str | None) -> str:
    found = text[start:end] if 0 <= start < end <= len(text) else None
    if expected is None:
        return f"span [{start}, {end}) falls outside the text (length {len(text)} characters)"
    shown = repr(found) if found is not None else "nothing (outside the text)"
    return (
        f"span [{start}, {end}) should read {expected!r} but the text there is {shown} "
        "in characters and in UTF-16 units"
    )
