"""The keyboard: one table of every key the window understands (shown in Help > Keyboard shortcuts and the
README), and the handler the article view asks first about each key press."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from annotator.core.scheme import Scheme

# (keys, what they do) in the order shown to the user
SHORTCUTS: list[tuple[str, str]] = [
    (
        "1-9, 0, then the scheme's letter keys",
        "Label the selection (snapped to whole words) as that label; on a focused span: relabel it",
    ),
    ("Tab / Shift+Tab", "Focus the next / previous span, event trigger or suggestion"),
    ("Enter or A", "Accept the focused suggestion (entity or event, with its arguments)"),
    ("Shift+A", "Accept all remaining suggestions of the article"),
    ("X or Delete", "Reject the focused suggestion / delete the focused span or event"),
    ("Esc", "Clear the selection and the focus (or cancel a key sequence)"),
    (
        "E, then a type key",
        "Make the selection (or focused word) an event trigger of that type; on a focused event: change its type",
    ),
    (
        "R, then a role number",
        "Attach the selection (or focused span) to the active event in that role; again: detach it",
    ),
    (
        "S, target number, value number",
        "Set the article's stance toward a target (0: not set); a selected quote is cited as evidence",
    ),
    ("S, target number, Enter", "Cite the selected quote as evidence for the target (again: remove it)"),
    ("N", "Edit the article's note"),
    ("U / D", "Flag the article as unclear / duplicate (again: remove the flag)"),
    ("Ctrl+Enter", "Mark the article done and open the next one not done"),
    ("Page Down / Page Up", "Next / previous article in the list"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any annotation action (across articles)"),
    ("Ctrl+F", "Search the articles (full text)"),
    ("Ctrl+N / Ctrl+O / Ctrl+I / Ctrl+E", "New project / open project / import files / export"),
    ("Ctrl+Q", "Quit (everything is already saved)"),
    ("F1", "Show these keyboard shortcuts (Help > Keyboard shortcuts)"),
]


_MODIFIER_KEYS = frozenset(
    {Qt.Key_Shift, Qt.Key_Control, Qt.Key_Alt, Qt.Key_Meta, Qt.Key_AltGr, Qt.Key_CapsLock, Qt.Key_NumLock}
)


def label_for_event(scheme: Scheme, event: QKeyEvent) -> str | None:
    """The entity label a key press chooses: its key code, so it does not depend on keyboard layout text."""
    if event.modifiers() & ~(Qt.KeypadModifier):
        return None
    code = event.key()
    if not (0x20 < code < 0x7F):
        return None
    return scheme.label_for_key(chr(code))


class ArticleKeys:
    """Maps key presses in the article view to session actions (`handles` answers ShortcutOverride too)."""

    def __init__(
        self,
        session,
        navigate: Callable[[int], None],
        mark_done_next: Callable[[], None],
        edit_note: Callable[[], None] | None = None,
    ):
        self.session = session
        self.navigate = navigate
        self.mark_done_next = mark_done_next
        self.edit_note = edit_note or (lambda: None)

    def _mode_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        """While a key sequence (E, R, S) waits for its choice: Esc cancels, a plain key chooses."""
        s = self.session
        key, mods = event.key(), event.modifiers() & ~Qt.KeypadModifier
        if key == Qt.Key_Escape:
            return s.cancel_mode
        if key in (Qt.Key_Return, Qt.Key_Enter) and not mods:
            return lambda: s.mode_key("\n")
        if mods & ~Qt.ShiftModifier or not (0x20 < key < 0x7F):
            return None
        return lambda: s.mode_key(chr(key))

    def _action(self, event: QKeyEvent) -> Callable[[], None] | None:
        s = self.session
        if event.key() in _MODIFIER_KEYS:
            return None  # a modifier on its own neither acts nor ends a key sequence
        if s.mode is not None:
            action = self._mode_action(event)
            if action is not None:
                return action
            s.cancel_mode()  # any other key ends the sequence and does what it normally does
        key, mods = event.key(), event.modifiers() & ~Qt.KeypadModifier
        ctrl, shift = bool(mods & Qt.ControlModifier), bool(mods & Qt.ShiftModifier)
        if mods & (Qt.AltModifier | Qt.MetaModifier):
            return None
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if ctrl:
                return self.mark_done_next
            return None if shift else s.accept_focused
        if ctrl:
            # Also the window's Edit actions; handled here too, because a window that is not active (tests,
            # some window managers) never sees its shortcuts fire.
            if key == Qt.Key_Z:
                return s.undo_stack.redo if shift else s.undo_stack.undo
            if key == Qt.Key_Y and not shift:
                return s.undo_stack.redo
            return None
        if key == Qt.Key_Tab and not shift:
            return lambda: s.focus_step(1)
        if key == Qt.Key_Backtab or (key == Qt.Key_Tab and shift):
            return lambda: s.focus_step(-1)
        if key == Qt.Key_PageDown:
            return lambda: self.navigate(1)
        if key == Qt.Key_PageUp:
            return lambda: self.navigate(-1)
        if key == Qt.Key_Escape:
            return s.clear_selection_and_focus
        if key == Qt.Key_A:
            return s.accept_all if shift else s.accept_focused
        if key in (Qt.Key_X, Qt.Key_Delete) and not shift:
            return s.reject_or_delete
        commands = {
            Qt.Key_E: s.start_event,
            Qt.Key_R: s.start_role,
            Qt.Key_S: s.start_stance,
            Qt.Key_N: self.edit_note,
            Qt.Key_U: lambda: s.toggle_flag("unclear"),
            Qt.Key_D: lambda: s.toggle_flag("duplicate"),
        }
        if key in commands and not shift:
            return commands[key]
        if shift:
            return None
        label = label_for_event(s.project.scheme, event)
        if label is not None:
            return lambda: s.label_key(label)
        return None

    def handles(self, event: QKeyEvent) -> bool:
        return self._action(event) is not None

    def handle(self, event: QKeyEvent) -> None:
        action = self._action(event)
        if action is not None:
            action()
