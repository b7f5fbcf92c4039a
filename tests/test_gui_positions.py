"""Core offsets (code points) <-> Qt document positions (UTF-16 units, one separator per line break)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextEdit

from annotator.gui.positions import PositionMap

# Emoji and flags (outside the BMP), CRLF and lone CR/LF, NBSP, U+2028/2029, combining marks, RTL letters.
SPECIAL = [
    "\r\n",
    "\r",
    "\n",
    "\u00a0",
    "\u2028",
    "\u2029",
    "e\u0301",
    "🔥",
    "🇦🇫",
    "👩🏽‍🚀",
    "سلام",
    "שלום",
    "\t",
    " ",
    "\ufdd0",
]
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(SPECIAL),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=6),  # any code point but lone surrogates
    ),
    max_size=30,
).map("".join)


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def expected_qt(text: str, offset: int) -> int:
    """The slow, obvious rule: UTF-16 length of the prefix, with each CRLF counted once."""
    prefix = text[:offset]
    return utf16_len(prefix) - prefix.count("\r\n")


@given(TEXTS)
def test_to_qt_matches_the_rule_and_round_trips(text):
    pos = PositionMap(text)
    for offset in range(len(text) + 1):
        q = pos.to_qt(offset)
        if offset > 0 and text[offset - 1] == "\r" and text[offset : offset + 1] == "\n":
            assert q == pos.to_qt(offset - 1)  # inside a CRLF: the separator's position
            continue
        assert q == expected_qt(text, offset)
        assert pos.to_core(q) == offset


def test_known_values():
    text = "a🔥b\r\nc\u00a0d"
    pos = PositionMap(text)
    assert [pos.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 4, 5, 6, 7, 8]
    assert [pos.to_core(q) for q in range(9)] == [0, 1, 2, 2, 3, 5, 6, 7, 8]
    assert pos.qt_length == 8


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=TEXTS, data=st.data())
def test_selections_round_trip_through_a_real_widget(qtbot, text, data):
    """What the widget holds at each mapped position is the stored character; selections come back exact."""
    widget = QTextEdit()
    qtbot.addWidget(widget)
    widget.setPlainText(text)
    doc = widget.document()
    pos = PositionMap(text)
    assert doc.characterCount() - 1 == pos.qt_length
    for offset, ch in enumerate(text):
        if ch == "\n" and offset > 0 and text[offset - 1] == "\r":
            continue
        got = doc.characterAt(pos.to_qt(offset))
        if ch in "\r\n\u2029\ufdd0\ufdd1":  # Qt makes these paragraph separators (still one unit)
            assert got == "\u2029"
        else:
            assert got == ch[0] if ord(ch) < 0x10000 else ord(got) == 0xD800 + ((ord(ch) - 0x10000) >> 10)
    if text:
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, len(text)))
        if not (0 < a < len(text) and text[a - 1 : a + 1] == "\r\n") and not (
            0 < b < len(text) and text[b - 1 : b + 1] == "\r\n"
        ):
            cursor = widget.textCursor()
            cursor.setPosition(pos.to_qt(a))
            cursor.setPosition(pos.to_qt(b), QTextCursor.KeepAnchor)
            widget.setTextCursor(cursor)
            sel = widget.textCursor()
            assert (pos.to_core(sel.selectionStart()), pos.to_core(sel.selectionEnd())) == (a, b)
