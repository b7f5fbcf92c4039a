"""Offsets in other tools' files. Python tools (brat, newer doccano, Prodigy) count code points; Java and
JavaScript tools (INCEpTION, older Label Studio and doccano) count UTF-16 code units, and a browser that reads
the text from the page sees each CRLF as one line feed. Offsets are converted here, at the reader, and checked
against the span's own text where the file gives it; a span that matches in no unit is reported, never stored."""

from __future__ import annotations

# (UTF-16 units?, CRLF counted as one?) - the ways a tool may have counted; (False, False) is code points
UNITS = {"cp": (False, False), "utf16": (True, False), "cp-lf": (False, True), "utf16-lf": (True, True)}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Offsets:
    """Offsets into one document's text, in any of the units above."""

    def __init__(self, text: str):
        self.text = text
        ascii_ = text.isascii()
        self.astral = not ascii_ and any(ord(c) > 0xFFFF for c in text)
        self.crlf = "\r\n" in text
        self._maps: dict[str, dict[int, int]] = {}

    def units(self) -> list[str]:
        """The units that can differ from code points for this text."""
        out = ["cp"]
        if self.astral:
            out.append("utf16")
        if self.crlf:
            out.append("cp-lf")
            if self.astral:
                out.append("utf16-lf")
        return out

    def _map(self, unit: str) -> dict[int, int]:
        """Offset in `unit` -> code point index (only at character boundaries)."""
        if unit not in self._maps:
            wide, lf = UNITS[unit]
            table: dict[int, int] = {}
            pos = 0
            text = self.text
            for i, c in enumerate(text):
                if lf and c == "\r" and text.startswith("\n", i + 1):
                    continue  # the page shows "\r\n" as one "\n": this "\r" has no offset of its own
                table[pos] = i
                pos += 2 if wide and ord(c) > 0xFFFF else 1
            table[pos] = len(text)
            self._maps[unit] = table
        return self._maps[unit]

    def convert(self, start: int, end: int, unit: str) -> tuple[int, int] | None:
        if unit == "cp":
            return (start, end) if self.valid(start, end) else None
        table = self._map(unit)
        s, e = table.get(start), table.get(end)
        return (s, e) if s is not None and e is not None and self.valid(s, e) else None

    def valid(self, start: int, end: int) -> bool:
        return 0 <= start < end <= len(self.text)

    def resolve(self, start: int, end: int, expected: str | None = None, unit: str = "cp") -> tuple[int, int] | None:
        """Code point offsets of a span; `expected` (the span's text in the file) decides the unit when given."""
        if expected is None:
            return self.convert(start, end, unit)
        for candidate in self.units():
            got = self.convert(start, end, candidate)
            if got is not None and _same(self.text[got[0] : got[1]], expected):
                return got
        return None

    def guess_unit(self, pairs: list[tuple[int, int]]) -> str:
        """For files without span texts: the unit that puts clearly the most spans on word edges."""
        units = self.units()
        if len(units) == 1 or not pairs:
            return "cp"

        def score(unit: str) -> int:
            n = 0
            for start, end in pairs:
                got = self.convert(start, end, unit)
                if got is not None:
                    n += 1 + self._edge(got[0]) + self._edge(got[1])
            return n

        return max(units, key=lambda u: (score(u), u == "cp"))  # a tie stays with code points

    def _edge(self, i: int) -> int:
        t = self.text
        return int(i <= 0 or i >= len(t) or not (t[i - 1].isalnum() and t[i].isalnum()))


def _same(found: str, expected: str) -> bool:
    """A span's text as the file gives it: exact, or with its CRLFs as the browser showed them."""
    return found == expected or found.replace("\r\n", "\n") == expected


def describe_mismatch(text: str, start: int, end: int, expected: str | None) -> str:
    found = text[start:end] if 0 <= start < end <= len(text) else None
    if expected is None:
        return f"span [{start}, {end}) falls outside the text (length {len(text)} characters)"
    shown = repr(found) if found is not None else "nothing (outside the text)"
    return (
        f"span [{start}, {end}) should read {expected!r} but the text there is {shown} "
        "in characters, UTF-16 units and with CRLF counted once"
    )
