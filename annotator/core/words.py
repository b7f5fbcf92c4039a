"""Word boundaries for turning a selection into a span, by the rules of Unicode word segmentation (UAX #29) that
matter for labelling: letters, digits, combining marks and connector punctuation form words; zero-width joiners
and non-joiners (U+200D, U+200C: Persian and Dari names such as ذبیح‌الله) stay inside words; an apostrophe, a
hyphen or a full stop between two letters or digits stays inside (don't, Qala-i-Naw, 3.5); other punctuation and
spaces are outside. The window and the Review window snap with these functions, and nothing else.
"""

from __future__ import annotations

import unicodedata

JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ
INNER = frozenset("'’.-\u00b7")  # inside a word only between two word characters


def is_word_char(ch: str) -> bool:
    if ch in JOINERS:
        return True
    category = unicodedata.category(ch)
    return category[0] in "LMN" or category == "Pc"


def _joined(text: str, i: int) -> bool:
    """Whether the boundary before index i lies inside a word."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    if is_word_char(a) and is_word_char(b):
        return True
    # word, inner punctuation, word: "Qala-i-Naw", "don't"
    if b in INNER and is_word_char(a) and i + 1 < len(text) and is_word_char(text[i + 1]):
        return True
    return a in INNER and is_word_char(b) and i >= 2 and is_word_char(text[i - 2])


def _outside(ch: str) -> bool:
    """Trimmed from the edges of a selection: spaces, punctuation, symbols, format characters."""
    return not is_word_char(ch)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and punctuation from both ends, then widen to whole words, so a selection never cuts a word
    in two and never takes a comma or a space with it. An empty result (only punctuation) stays empty."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and _outside(text[start]):
        start += 1
    while end > start and _outside(text[end - 1]):
        end -= 1
    if start == end:
        return start, end
    while _joined(text, start):
        start -= 1
    while _joined(text, end):
        end += 1
    return start, end


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word around a caret position (for a label key pressed without a selection), or None."""
    offset = max(0, min(offset, len(text)))
    if offset < len(text) and is_word_char(text[offset]):
        start = offset
    elif offset > 0 and is_word_char(text[offset - 1]):
        start = offset - 1
    else:
        return None
    return snap_to_words(text, start, start + 1)
