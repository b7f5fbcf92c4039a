"""Right-click on the article: everything the keys do, for the mouse. On a span or suggestion: accept, reject,
relabel, delete; on a selection: label as…, make an event trigger of a type, cite as evidence for a target. The
menu calls the same session actions as the keys (each one undoable operation)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from annotator.gui.article import EVENT, EVENT_SUGGESTION, SPAN, SUGGESTION
from annotator.gui.plain import escape_menu_text


def article_menu(session, pos: QPoint) -> QMenu:
    view = session.view
    menu = QMenu(view)
    menu.setObjectName("articleMenu")
    scheme = session.project.scheme
    writable = not session.readonly and session.state is not None
    has_selection = view.textCursor().hasSelection()
    item = None
    if session.state is not None and not has_selection:
        offset = session.state.positions.to_core(view.cursorForPosition(pos).position())
        under = [i for i in session.state.items if i.start <= offset < i.end]
        item = min(under, key=lambda i: i.end - i.start) if under else None
        if item is not None:
            session.focus_item(item.key)

    def add(parent: QMenu, text: str, slot, name: str = "") -> QAction:
        action = parent.addAction(escape_menu_text(text))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        action.setEnabled(writable)
        return action

    if item is not None:
        shown = item.label
        if item.kind in (SUGGESTION, EVENT_SUGGESTION):
            add(menu, f"Accept {shown}", session.accept_focused, "menuAccept")
            add(menu, f"Reject {shown}", session.reject_or_delete, "menuReject")
        if item.kind in (SPAN, SUGGESTION):
            relabel = menu.addMenu("Relabel as")
            relabel.setObjectName("menuRelabel")
            for entity in scheme.entities:
                if entity.label != item.label:
                    add(
                        relabel,
                        f"{entity.label}  ({entity.key})",
                        lambda _c=False, lb=entity.label: session.label_key(lb),
                    )
        if item.kind in (SPAN, EVENT):
            add(menu, f"Delete {shown}", session.reject_or_delete, "menuDelete")
    if has_selection:
        label_as = menu.addMenu("Label as")
        label_as.setObjectName("menuLabelAs")
        for entity in scheme.entities:
            add(label_as, f"{entity.label}  ({entity.key})", lambda _c=False, lb=entity.label: session.label_key(lb))
        trigger = menu.addMenu("Make event trigger")
        trigger.setObjectName("menuTrigger")
        for event in scheme.events:
            add(trigger, event.type, lambda _c=False, t=event.type: session.make_trigger(t))
        cite = menu.addMenu("Cite as evidence for")
        cite.setObjectName("menuCite")
        for target in scheme.stance_targets:
            add(cite, target, lambda _c=False, t=target: session.cite_evidence(t))
    if not menu.isEmpty():
        menu.addSeparator()
    copy = menu.addAction("Copy")
    copy.setEnabled(has_selection)
    copy.triggered.connect(view.copy)
    return menu
