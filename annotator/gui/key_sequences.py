"""Session actions for events, stance, notes and flags: the key sequences E (event type), R (role) and
S (stance target, then value), started in the article view and finished by the next key."""

from __future__ import annotations

from annotator.core.words import word_at
from annotator.gui import event_commands as commands
from annotator.gui.article import EVENT, snap_to_tokens


class KeySequences:
    """Mixed into Session (uses its project, state, view, undo stack, focus and signals)."""

    def _fitting(self, event) -> tuple:
        """The suggested arguments whose roles the scheme's event type has."""
        spec = self.project.scheme.event(event.type) if event is not None else None
        return tuple(a for a in (event.arguments if event else ()) if spec and a.role in spec.roles)

    def _set_mode(self, mode: str | None, prompt: str = "", **pending) -> None:
        self.mode, self.pending = mode, pending
        self.prompt.emit(prompt)

    def cancel_mode(self) -> None:
        if self.mode is not None:
            self._set_mode(None)

    def _snapped_selection(self) -> tuple[int, int]:
        """The selection in core offsets, snapped to whole words (empty: start == end, at the caret)."""
        assert self.state is not None
        q_start, q_end = self.view.selection_qt()
        to_core = self.state.positions.to_core
        return snap_to_tokens(self.state.document.text, to_core(q_start), to_core(q_end))

    def _selection_or_focus(self) -> tuple[int, int] | None:
        """The snapped selection, else the focused item's offsets, else the word at the caret."""
        assert self.state is not None
        start, end = self._snapped_selection()
        if start < end:
            return start, end
        focused = self.focused()
        if focused is not None:
            return focused.start, focused.end
        return word_at(self.state.document.text, start)

    def start_event(self) -> None:
        """E: make the selection (or focused word) an event trigger, or change the focused event's type."""
        if not self._writable():
            return
        assert self.state is not None
        events = self.project.scheme.events
        if not events:
            self.message.emit("The scheme has no event types.")
            return
        choices = "   ".join(f"{e.key} {e.type}" for e in events)
        focused = self.focused()
        q_start, q_end = self.view.selection_qt()
        if focused is not None and focused.kind == EVENT and q_start == q_end:
            self._set_mode("event_type", f"New type for this event:   {choices}   (Esc cancels)", retype=focused)
            return
        where = self._selection_or_focus()
        if where is None:
            self.message.emit("Select the trigger word (or Tab to it) before pressing E.")
            return
        self._set_mode("event_type", f"Event type:   {choices}   (Esc cancels)", trigger=where)

    def start_role(self) -> None:
        """R: attach the selection (or focused span) to the active event as one of its type's roles."""
        if not self._writable():
            return
        assert self.state is not None
        if self.active_event is None:
            self.message.emit(
                "Focus an event first (Tab to its trigger), then select or focus the argument and press R."
            )
            return
        spec = self.project.scheme.event(self.active_event[2])
        where = self._selection_or_focus()
        focused = self.focused()
        if focused is not None and focused.kind == EVENT and self.view.selection_qt()[0] == self.view.selection_qt()[1]:
            where = None  # the event itself is no argument: select or focus the filler
        if where is None or spec is None:
            self.message.emit("Select the text (or Tab to the span) that fills the role, then press R.")
            return
        roles = "   ".join(f"{i} {r}" for i, r in enumerate(spec.roles, 1))
        self._set_mode("role", f"{spec.type} role:   {roles}   (Esc cancels)", where=where, roles=spec.roles)

    def start_stance(self) -> None:
        """S: choose a stance target, then its value (a selected quote is cited as evidence)."""
        if not self._writable():
            return
        targets = self.project.scheme.stance_targets
        if not targets:
            self.message.emit("The scheme has no stance targets.")
            return
        q_start, q_end = self.view.selection_qt()
        quote = None
        if q_start != q_end:
            assert self.state is not None
            to_core = self.state.positions.to_core
            text = self.state.document.text
            start, end = snap_to_tokens(text, to_core(q_start), to_core(q_end))
            quote = (start, end) if start < end else None
        choices = "   ".join(f"{i} {t}" for i, t in enumerate(targets, 1))
        self._set_mode("stance_target", f"Stance target:   {choices}   (Esc cancels)", quote=quote)

    def mode_key(self, char: str) -> None:
        """The key that completes a key sequence."""
        assert self.state is not None
        mode, pending = self.mode, self.pending
        doc_id = self.state.document.id
        scheme = self.project.scheme
        if mode == "event_type":
            spec = next((e for e in scheme.events if e.key.upper() == char.upper()), None)
            if spec is None:
                return
            self._set_mode(None)
            old = pending.get("retype")
            if old is not None:
                if old.label != spec.type:
                    self._push(lambda: commands.SetEventType(self, doc_id, old.start, old.end, old.label, spec.type))
            else:
                start, end = pending["trigger"]
                self._push(lambda: commands.AddEvent(self, doc_id, spec.type, start, end))
        elif mode == "role":
            if not char.isdigit() or not (1 <= int(char) <= len(pending["roles"])):
                return
            role = pending["roles"][int(char) - 1]
            self._set_mode(None)
            start, end = pending["where"]
            event_key = self.active_event
            assert event_key is not None
            self._push(lambda: commands.ToggleArgument(self, doc_id, event_key, role, start, end))
        elif mode == "stance_target":
            targets = scheme.stance_targets
            if not char.isdigit() or not (1 <= int(char) <= len(targets)):
                return
            target = targets[int(char) - 1]
            self.set_stance_target(target)
            values = "   ".join(f"{i} {v}" for i, v in enumerate(scheme.stance_values, 1))
            cite = "   Enter: cite the selection only" if pending.get("quote") else ""
            suggested = self.state.suggested_stance.get(target)
            if suggested and target not in self.state.stance:
                cite += f"   A: accept the suggested {suggested[0]}"
            self._set_mode(
                "stance_value",
                f"Stance toward {target}:   {values}   0 not set{cite}   (Esc cancels)",
                **pending,
                target=target,
            )
        elif mode == "stance_value":
            values = scheme.stance_values
            suggested = self.state.suggested_stance.get(pending["target"])
            if char in ("a", "A") and suggested:  # accept the classifier's suggestion: now the annotator's value
                self._set_mode(None)
                self.set_stance(pending["target"], suggested[0], pending.get("quote"), True)
                return
            if char == "\n":
                value_given, value = False, None
            elif char.isdigit() and (char == "0" or int(char) <= len(values)):
                value_given, value = True, (None if char == "0" else values[int(char) - 1])
            else:
                return
            self._set_mode(None)
            self.set_stance(pending["target"], value, pending.get("quote"), value_given)

    def make_trigger(self, type_: str) -> None:
        """The selection (or focused word) as an event trigger of this type (the mouse's E, type key)."""
        if not self._writable():
            return
        assert self.state is not None
        where = self._selection_or_focus()
        if where is None:
            self.message.emit("Select the trigger word before making an event.")
            return
        doc_id = self.state.document.id
        self._push(lambda: commands.AddEvent(self, doc_id, type_, where[0], where[1]))

    def cite_evidence(self, target: str) -> None:
        """Cite the selected quote as evidence for a stance target (the mouse's S, target, Enter)."""
        if not self._writable():
            return
        start, end = self._snapped_selection()
        if start < end:
            self.set_stance(target, None, (start, end), set_value=False)

    def set_stance_target(self, target: str) -> None:
        self.stance_target = target
        self.active_changed.emit()

    def set_stance(
        self, target: str, value: str | None, quote: tuple[int, int] | None = None, set_value: bool = True
    ) -> None:
        """Set a stance value and/or cite a quote as evidence, as one undo step."""
        if not self._writable():
            return
        assert self.state is not None
        doc_id = self.state.document.id
        cited = quote is not None and any((e.start, e.end) == quote for e in self.state.stance_evidence.get(target, []))
        steps = []
        if set_value and self.state.stance.get(target) != value:
            steps.append(lambda: commands.SetStance(self, doc_id, target, value))
        if quote is not None and not (cited and set_value):
            steps.append(lambda: commands.ToggleEvidence(self, doc_id, target, *quote))
        if not steps:
            return
        self.undo_stack.beginMacro(f"Stance {target}")
        try:
            for step in steps:
                self._push(step)
        finally:
            self.undo_stack.endMacro()
        if quote is not None:  # a quote is cited once; the next S should not cite it again by accident
            cursor = self.view.textCursor()
            cursor.clearSelection()
            self.view.setTextCursor(cursor)

    def toggle_flag(self, flag: str) -> None:
        if not self._writable():
            return
        assert self.state is not None
        flags = set(self.state.flags) ^ {flag}
        doc_id = self.state.document.id
        self._push(lambda: commands.SetFlags(self, doc_id, sorted(flags)))
        self.message.emit(f"Flag “{flag}” {'set' if flag in flags else 'removed'}")

    def set_note(self, note: str) -> bool:
        """Save the note; False if it could not be saved (the caller keeps the typed text on screen)."""
        if not self._writable():
            return False
        assert self.state is not None
        if note != self.state.note:
            doc_id = self.state.document.id
            return self._push(lambda: commands.SetNote(self, doc_id, note))
        return True

    def remove_argument(self, event_key: tuple[int, int, str], role: str, start: int, end: int) -> None:
        if not self._writable():
            return
        assert self.state is not None
        doc_id = self.state.document.id
        self._push(lambda: commands.ToggleArgument(self, doc_id, event_key, role, start, end))
