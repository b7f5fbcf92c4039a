"""The Review window's keys, as one table: what each key does (shown in the window, listed in the README) and the
dispatch from a key press to the window's method.

Each key does one thing whatever else is going on: a digit only ever takes the version of the annotator in that
column, even with text selected; a gold span of the reviewer's own is a separate sequence (select words, G, then
the label's key), so looking at a word by double-clicking it can never create one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

REVIEW_KEYS: tuple[tuple[str, str], ...] = (
    ("1–4", "take the version of the annotator in that column (their “nothing here” included), whatever is selected"),
    ("0 or X", "reject every candidate of the unit"),
    ("select words, G, then a label key", "the selection (snapped to whole words) becomes a gold span of your own"),
    ("Backspace / Delete", "undo the decision on the current unit"),
    ("Shift+Delete", "remove the gold span under the text cursor (e.g. one of your own)"),
    ("N / P", "next / previous open disagreement (N moves on to the next article when this one is settled)"),
    ("PgDn / PgUp", "next / previous article"),
    ("A", "accept the items all annotators agree on"),
    ("click a span", "select its unit in the list"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo the last decision (shared with the main window)"),
    ("Esc", "cancel G; else close the window"),
)
# the one-line summary under the unit list (the menu's Review > Keys shows the whole table)
HELP = (
    "1–4 take that column's version (even with text selected) · 0 / X reject all · "
    "select words, G, label key: own gold span · Backspace reopen the unit · Shift+Del remove gold span at cursor · "
    "N / P next / previous disagreement · PgDn / PgUp article · A accept agreed · click a span: its unit · "
    "Ctrl+Z undo · Esc close"
)

_MODIFIER_KEYS = frozenset(
    {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock}
)


class Reviewer(Protocol):
    """What the keys call (the Review window)."""

    pending_gold: tuple[int, int] | None

    def undo_step(self, redo: bool = False) -> None: ...

    def take_version(self, index: int) -> None: ...
    def reject_all(self) -> None: ...
    def undo_current(self) -> None: ...
    def remove_gold_at_cursor(self) -> None: ...
    def next_open(self, step: int = 1) -> None: ...
    def move_article(self, step: int) -> None: ...
    def accept_agreed(self) -> None: ...
    def start_gold_span(self) -> None: ...
    def finish_gold_span(self, key: str) -> None: ...
    def cancel_gold_span(self) -> None: ...


def command_for(window: Reviewer, event: QKeyEvent) -> Callable[[], None] | None:
    """What a key press does in the Review window, or None to leave it to Qt (text selection, shortcuts). Pure:
    asked on ShortcutOverride and again on the key press."""
    key, text = event.key(), event.text()
    if key in _MODIFIER_KEYS:
        return None  # Shift on its own neither acts nor ends G
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
    if window.pending_gold is not None:  # after G: the next key is the label's (Esc or any other key cancels)
        if key == Qt.Key.Key_Escape:
            return window.cancel_gold_span
        return (lambda: window.finish_gold_span(text)) if plain else None
    if mods == Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_Z:
        return window.undo_step  # also the window's Edit action; here too, as a window that is not active (tests,
    if key in (Qt.Key.Key_Z, Qt.Key.Key_Y) and mods & Qt.KeyboardModifier.ControlModifier:  # some window
        return lambda: window.undo_step(redo=True)  # managers) never sees its shortcuts fire
    if not plain:
        return None
    if text and text in "123456789":
        return lambda: window.take_version(int(text) - 1)
    if text in ("0", "x", "X"):
        return window.reject_all
    if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
        return window.remove_gold_at_cursor if mods == Qt.KeyboardModifier.ShiftModifier else window.undo_current
    if text in ("g", "G"):
        return window.start_gold_span
    if text in ("n", "N"):
        return lambda: window.next_open(1)
    if text in ("p", "P"):
        return lambda: window.next_open(-1)
    if text in ("a", "A"):
        return window.accept_agreed
    if key == Qt.Key.Key_PageDown:
        return lambda: window.move_article(1)
    if key == Qt.Key.Key_PageUp:
        return lambda: window.move_article(-1)
    return None


class ReviewKeyHandler:
    """The article views' key handler (`ArticleView.handler`): keys reach the window before the text view."""

    def __init__(self, window: Reviewer):
        self.window = window

    def handles(self, event: QKeyEvent) -> bool:
        return command_for(self.window, event) is not None

    def handle(self, event: QKeyEvent) -> None:
        command = command_for(self.window, event)
        if command is not None:
            command()
