"""The Scheme menu of the main window: asks for names and confirmations, then runs `scheme_edits`."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from annotator.core.errors import AnnotatorError
from annotator.gui import scheme_edits
from annotator.gui.plain import ask_yes, literal_html, show_message


class SchemeActions:
    """Mixed into MainWindow (uses its project, session, documents, guidelines and status bar)."""

    def confirm(self, text: str) -> bool:
        return ask_yes(self, "annotator", text)

    def _edit_scheme(self, edit, description: str = "Edit scheme", using: tuple[str, ...] = (), renamed=None) -> bool:
        """Run one scheme edit; errors are explained, the window picks up the new labels, keys and colours."""
        if self.project is None or self.project.readonly:
            self.statusBar().showMessage("This project is open read-only: the scheme cannot change.", 6000)
            return False
        project = self.project
        layers = [layer for label in using for layer in project.layers_using_label(label)]
        try:
            # one undoable step: the scheme and every layer the edit may rewrite are captured (core.operations)
            self.record(description, edit, lambda: layers, scheme=True, name="scheme_edit", renamed=renamed)
        except AnnotatorError as exc:
            show_message(self, "Scheme", str(exc))
            return False
        return True

    def _ask(self, title: str, label: str, items: list[str] | None = None) -> str | None:
        if items is not None:
            value, ok = QInputDialog.getItem(self, title, label, items, 0, False)
        else:
            value, ok = QInputDialog.getText(self, title, label)
        return value.strip() if ok and value and value.strip() else None

    def add_entity(self) -> None:
        name = self._ask("Add entity label", "Label (e.g. WEAPON):")
        if name:
            self._edit_scheme(lambda: scheme_edits.add_entity(self.project, name), f"Add label {name}")

    def add_event_type(self) -> None:
        name = self._ask("Add event type", "Event type (e.g. ARREST):")
        roles = self._ask("Add event type", "Roles, separated by commas (e.g. Agent, Person, Place):") if name else None
        if name:
            self._edit_scheme(
                lambda: scheme_edits.add_event_type(self.project, name, (roles or "").split(",")),
                f"Add event type {name}",
            )

    def add_role(self) -> None:
        assert self.project is not None
        type_ = self._ask("Add role", "Event type:", self.project.scheme.event_types)
        role = self._ask("Add role", literal_html(f"New role of {type_}:")) if type_ else None
        if type_ and role:
            self._edit_scheme(lambda: scheme_edits.add_role(self.project, type_, role), f"Add role {role}")

    def _add_simple(self, what: str) -> None:
        name = self._ask(f"Add {what}", f"New {what}:")
        func = scheme_edits.add_stance_target if what == "stance target" else scheme_edits.add_stance_value
        if name:
            self._edit_scheme(lambda: func(self.project, name), f"Add {what} {name}")

    def rename_label(self, label: str | None = None) -> None:
        assert self.project is not None
        label = label or self._ask("Rename label", "Label:", self.project.scheme.entity_labels)
        if not label:
            return
        new, ok = QInputDialog.getText(
            self, "Rename label", literal_html(f"New name for {label} (spans and suggestions follow):")
        )
        if ok and new.strip():
            self._edit_scheme(
                lambda: scheme_edits.rename_label(self.project, label, new.strip()),
                f"Rename label {label} → {new.strip()}",
                using=(label,),
                renamed=(label, new.strip()),
            )

    def delete_label(self, label: str | None = None) -> None:
        assert self.project is not None
        label = label or self._ask("Delete label", "Label:", self.project.scheme.entity_labels)
        if not label:
            return
        usage = scheme_edits.label_usage(self.project, label)
        used = sum(usage.values())
        if used:
            who = ", ".join(f"{name}: {n}" for name, n in usage.items())
            text = (
                f"{label} is used by {used} span(s) ({who}). Deleting the label deletes those spans too "
                f"(rename the label instead to keep them). Delete {label} and its spans?"
            )
        else:
            text = f"Delete the label {label}? No span uses it."
        if self.confirm(text):
            self._edit_scheme(
                lambda: scheme_edits.delete_label(self.project, label, delete_spans=True),
                f"Delete label {label}",
                using=(label,),
            )
