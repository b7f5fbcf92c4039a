"""Text from files and projects shown as what it is, never as markup.

Qt guesses: a QMessageBox, a QLabel or a tooltip whose text "might be rich text" (`Qt::mightBeRichText`: it starts
with something like a tag) is rendered as HTML, so an error quoting an imported file could show a heading or a
clickable link from that file, and a span reading `<h1>` would become a heading in its tooltip. Every message box
here is built with `Qt.PlainText`; tooltips, which have no text-format switch, are escaped and wrapped so that every
character shows as itself.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def literal_html(text: str) -> str:
    """For widgets without a text-format switch (QInputDialog's label): escaped rich text that shows `text`."""
    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


def plain_tooltip(text: str) -> str:
    """A tooltip Qt renders literally, line breaks and spaces kept."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.PlainText)
    box.setText(text)
    return box


def show_message(parent: QWidget | None, title: str, text: str, icon=QMessageBox.Warning) -> None:
    """QMessageBox.warning/critical, with the text shown as plain text."""
    box = message_box(parent, icon, title, text)
    box.setStandardButtons(QMessageBox.Ok)
    box.exec()


def ask_yes(parent: QWidget | None, title: str, text: str) -> bool:
    """QMessageBox.question (Yes / Cancel, Cancel by default), with the text shown as plain text."""
    box = message_box(parent, QMessageBox.Question, title, text)
    box.setStandardButtons(QMessageBox.Yes | QMessageBox.Cancel)
    box.setDefaultButton(QMessageBox.Cancel)
    return box.exec() == QMessageBox.Yes


def escape_menu_text(text: str) -> str:
    """Menu and button texts treat '&' as a shortcut marker: a label or target from a file is shown as written."""
    return text.replace("&", "&&")
