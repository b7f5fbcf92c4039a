"""The keyboard: one table of every key the window understands (shown in Help > Keyboard shortcuts and the
README), and the handler the article view asks first about each key press."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from annotator.core import keymap
from annotator.core.scheme import Scheme

# (keys, what they do) in the order shown to the user: from the one keymap table in the core
SHORTCUTS: list[tuple[str, str]] = keymap.shortcuts()


_MODIFIER_KEYS = frozenset(
    {Qt.Key_Shift, Qt.Key_Control, Qt.Key_Alt, Qt.Key_Meta, Qt.Key_AltGr, Qt.Key_CapsLock, Qt.Key_NumLock}
)


def key_text(event: QKeyEvent) -> str:
    """A key press as Qt's portable key-sequence text ("Shift+A", "Ctrl+Return"), the keymap's notation."""
    mods = event.modifiers() & ~Qt.KeypadModifier
    return QKeySequence(QKeyCombination(mods, Qt.Key(event.key()))).toString(QKeySequence.PortableText)


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
        zoom: Callable[[int | None], None] | None = None,
    ):
        self.session = session
        self.navigate = navigate
        self.mark_done_next = mark_done_next
        self.edit_note = edit_note or (lambda: None)
        self.zoom = zoom or (lambda _step: None)

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
        mods = event.modifiers() & ~Qt.KeypadModifier
        if mods & (Qt.AltModifier | Qt.MetaModifier):
            return None
        command = keymap.command_for(key_text(event))
        if command is not None:
            return self._commands().get(command)
        if mods:
            return None
        label = label_for_event(s.project.scheme, event)
        if label is not None:
            return lambda: s.label_key(label)
        return None

    def _commands(self) -> dict[str, Callable[[], None]]:
        """What each command of the keymap does in the article view."""
        s = self.session
        return {
            "focus_next": lambda: s.focus_step(1),
            "focus_previous": lambda: s.focus_step(-1),
            "accept": s.accept_focused,
            "accept_all": s.accept_all,
            "reject_or_delete": s.reject_or_delete,
            "clear": s.clear_selection_and_focus,
            "event": s.start_event,
            "role": s.start_role,
            "stance": s.start_stance,
            "note": self.edit_note,
            "flag_unclear": lambda: s.toggle_flag("unclear"),
            "flag_duplicate": lambda: s.toggle_flag("duplicate"),
            "done_next": self.mark_done_next,
            "next_article": lambda: self.navigate(1),
            "previous_article": lambda: self.navigate(-1),
            # Also the window's Edit actions; handled here too, because a window that is not active (tests,
            # some window managers) never sees its shortcuts fire.
            "zoom_in": lambda: self.zoom(1),
            "zoom_out": lambda: self.zoom(-1),
            "zoom_reset": lambda: self.zoom(None),
            "undo": s.undo_stack.undo,
            "redo": s.undo_stack.redo,
        }

    def handles(self, event: QKeyEvent) -> bool:
        return self._action(event) is not None

    def handle(self, event: QKeyEvent) -> None:
        action = self._action(event)
        if action is not None:
            action()
