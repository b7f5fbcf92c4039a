"""The main window: document list | article view | span panel, menus, status bar, drag-and-drop import."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator import settings
from annotator.core import keymap, operations
from annotator.core.errors import AnnotatorError, ReadOnlyProjectError
from annotator.core.project import Project
from annotator.core.scheme import Scheme
from annotator.gui import workers
from annotator.gui.article_view import ArticleView
from annotator.gui.changes import change_hub
from annotator.gui.commands import RecordedCommand
from annotator.gui.context_menu import article_menu
from annotator.gui.dialogs import GuidelinesDock, ShortcutsDialog, ask_annotator, locked_choice
from annotator.gui.document_list import DocumentList
from annotator.gui.event_panel import EventTree
from annotator.gui.file_actions import FileActions
from annotator.gui.keys import ArticleKeys
from annotator.gui.label_bar import LabelBar
from annotator.gui.lock import ProjectLock
from annotator.gui.plain import plain_tooltip
from annotator.gui.review import add_merge_action, add_review_menu, close_windows
from annotator.gui.scheme_actions import SchemeActions
from annotator.gui.search_hits import SearchHits
from annotator.gui.session import Session
from annotator.gui.span_panel import SpanPanel
from annotator.gui.stance_panel import StancePanel
from annotator.gui.suggest_process import SuggestProcess, TrainProcess
from annotator.gui.watcher import ProjectWatcher
from annotator.gui.window_keys import fit_to_screen
from annotator.nlp.trained import summary as trained_summary
from annotator.nlp.trained import summary_lines

NO_AUTO_SUGGEST = "ANNOTATOR_NO_AUTO_SUGGEST"  # set to 1 to never start the suggestion process by itself


def _keys(command: str) -> list[QKeySequence]:
    """The menu action's keys, from the one keymap table."""
    return [QKeySequence(k) for k in keymap.keys_of(command)]


BUSY_WAIT_SECONDS = 0.1  # the longest a write may block the window when another program holds the file


class ProjectRefused(AnnotatorError):
    """The user chose not to open a project another window holds."""


class MainWindow(FileActions, SchemeActions, QMainWindow):
    jobs_done = Signal()  # every background job (import, export) has finished

    def __init__(
        self,
        project_path: str | Path,
        annotator: str,
        *,
        on_locked: str = "ask",
        auto_suggest: bool | None = None,
        document_id: str | None = None,
        readonly: bool = False,
    ):
        super().__init__()
        self.setObjectName("mainWindow")
        fit_to_screen(self, 1360, 860)
        self.setAcceptDrops(True)
        self.annotator = annotator
        self.auto_suggest = (
            (os.environ.get(NO_AUTO_SUGGEST, "") not in ("1", "true", "yes")) if auto_suggest is None else auto_suggest
        )
        self.on_locked = on_locked
        self.force_readonly = readonly
        self.project: Project | None = None
        self.lock: ProjectLock | None = None
        self.suggester: SuggestProcess | None = None
        self.trainer: TrainProcess | None = None
        self.jobs: list[workers.Job] = []
        self._suggest_done = (0, 0)
        self._suggesting = False
        self._shown_status: dict[str, str | None] = {}
        self._closing_anyway = False  # a close was refused once to keep an unsaved note on screen
        self._panel_timer = QTimer(self, singleShot=True, interval=0)
        self._panel_timer.timeout.connect(self._refresh_panel)
        # Commits of other connections (other processes, the suggestion process, merge and import jobs) are shown
        # within half a second; the window's own commits never trigger it.
        self.watcher = ProjectWatcher(self)
        self.watcher.changed.connect(self.refresh_from_file)
        self.file_refreshes = 0  # how often the window re-read the file for others' commits (tests, benchmarks)
        self._build_status_bar()
        self._build_menus()
        change_hub().changed.connect(self._changes_arrived)
        change_hub().failed.connect(self._show_failure)
        self.open_project(project_path, document_id=document_id)

    # -- project life cycle ------------------------------------------------------------------------------------
    def open_project(self, path: str | Path, document_id: str | None = None) -> None:
        path = Path(path)
        readonly = self.force_readonly
        # Reopening the project this window holds (Switch annotator, File > Recent) keeps its lock: releasing and
        # taking it again would leave a moment in which another window could become the writer.
        if self.lock is not None and self.lock.held and self.lock.project == path.resolve():
            lock, holder = self.lock, None
        else:
            lock = ProjectLock(path)
            holder = None if readonly else lock.acquire()
        if holder is not None:
            choice = self.on_locked if self.on_locked != "ask" else locked_choice(self, str(path), holder.describe())
            if choice != "readonly":
                raise ProjectRefused(f"{path}: open in {holder.describe()}; not opened")
            readonly = True
        why_readonly = ""
        try:
            # a busy file blocks the window at most 100 ms; the session retries in the background
            try:
                project = Project.open(path, readonly=readonly, wait=BUSY_WAIT_SECONDS)
            except ReadOnlyProjectError as exc:  # a read-only file, folder or disk: shown, not written
                if readonly:
                    raise
                project = Project.open(path, readonly=True, wait=BUSY_WAIT_SECONDS)
                why_readonly = str(exc)
        except Exception:
            if lock is not self.lock:
                lock.release()
            raise
        if lock is self.lock:
            self.lock = None  # kept across close_project, which releases only a lock it still finds here
        self.close_project()
        self.project, self.lock = project, lock
        self.suggest_action.setEnabled(not readonly)
        self.train_action.setEnabled(not readonly)
        if not readonly:  # the annotator is registered by their first action, not by opening the window
            settings.add_recent_project(path)
        self._build_central(project)
        self._refresh_recent()
        start = document_id or project.last_document(self.annotator)
        if start is None or not project.has_document(start):
            start = self.documents.model.doc_id(0)
        if start is not None:
            self.open_document(start)
            self._panel_timer.stop()
            self._refresh_panel()
        else:
            self.view.setPlainText("No articles yet: use File > Import, or drop files on this window.")
        self.update_status()
        self._show_health(project, why_readonly)
        if self.auto_suggest and not project.readonly and self._needs_suggestions():
            self.start_suggestions()

    def close_project(self) -> None:
        self._panel_timer.stop()
        self.watcher.stop()
        if self.suggester is not None:
            self.suggester.cancel()
            self.suggester = None
        if self.trainer is not None:
            self.trainer.cancel()
            self.trainer = None
        for job in self.jobs:
            job.wait()
        self.jobs.clear()
        if self.project is not None:
            self.stance.note.commit()  # closing never loses a note being typed
            self.documents.shutdown()
            self.project.close()
            self.project = None
        if self.lock is not None:  # last, once the connection is closed
            self.lock.release()
            self.lock = None

    def _build_central(self, project: Project) -> None:
        self.view = ArticleView()
        self.session = Session(project, self.annotator, self.view, self)
        self.view.handler = ArticleKeys(self.session, self.navigate, self.mark_done_and_next, self.edit_note, self.zoom)
        self.view.set_zoom(int(settings.get("zoom", 0) or 0))
        self.documents = DocumentList(project, self.annotator)
        self.session.show_all_arguments = self.all_arguments_action.isChecked()
        self.hits = SearchHits(self.view)
        self.documents.search.textChanged.connect(self._show_hits)
        self.documents.search.returnPressed.connect(self.next_hit)
        self.panel = SpanPanel()
        self.events = EventTree()
        self.stance = StancePanel()
        self.stance.set_readonly(project.readonly)
        side = QSplitter(Qt.Vertical)
        side.addWidget(self.panel)
        side.addWidget(self.events)
        side.addWidget(self.stance)
        side.setSizes([380, 170, 260])  # the stance panel needs its targets, note and flags whole
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.documents)
        # the label bar above the article: every label with its key, clickable
        self.label_bar = LabelBar(self.session.label_key)
        article = QWidget()
        column = QVBoxLayout(article)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.label_bar)
        column.addWidget(self.view, 1)
        splitter.addWidget(article)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(
            lambda pos: article_menu(self.session, pos).exec(self.view.viewport().mapToGlobal(pos))
        )
        splitter.addWidget(side)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 720, 360])
        self.setCentralWidget(splitter)
        self.documents.document_chosen.connect(self.open_document)
        self.session.layer_changed.connect(self._layer_changed)
        self.session.focus_changed.connect(lambda item: self.panel.show_focus(item.key if item else None))
        self.session.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.session.article_opened.connect(self._article_opened)
        self.panel.item_chosen.connect(self._panel_chose)
        self.session.prompt.connect(self._prompt)
        self.session.active_changed.connect(self._refresh_side)
        self.events.item_chosen.connect(self._panel_chose)
        self.events.argument_removed.connect(self.session.remove_argument)
        self.stance.stance_chosen.connect(lambda target, value: self.session.set_stance(target, value))
        self.stance.target_chosen.connect(self.session.set_stance_target)
        self.stance.note_committed.connect(self._note_committed)
        self.stance.note.leave.connect(self.view.setFocus)
        self.stance.flag_toggled.connect(self.session.toggle_flag)
        self._bind_undo(self.session)
        self.session.restore_history()
        self.guidelines.set_scheme(project.scheme)
        self.label_bar.set_scheme(project.scheme)
        self.label_bar.setEnabled(not project.readonly)  # a read-only window offers no labelling
        self.view.setFocus()
        self.watcher.watch(project)

    # -- articles ------------------------------------------------------------------------------------------
    def open_document(self, doc_id: str) -> None:
        self.stance.note.commit()  # a note being typed belongs to the article being left
        if self.stance.note.unsaved and doc_id != self.session.doc_id:
            return  # leaving would drop a note that could not be saved: the status bar says what to do
        self.session.open_document(doc_id)

    def _article_opened(self, doc_id: str) -> None:
        self.documents.select(doc_id)
        # The article first; the panel (a model reset, ~10 ms with 1,000 spans) fills in on the next loop turn.
        self._panel_timer.start()
        self._fresh_article = True  # the panels start at their top, with nothing selected
        self._show_hits()
        self.stance.show_note(self.session.state)  # at once: a note typed right away belongs to this article
        ro = " [read-only]" if self.session.readonly else ""
        self.setWindowTitle(f"{doc_id} — {self.project.path.name}{ro} — annotator")  # type: ignore[union-attr]
        self.view.setFocus()

    def _layer_changed(self, doc_id: str) -> None:
        if self._panel_timer.isActive():  # the article was just opened: the pending refresh covers it
            self._panel_timer.stop()
        self._refresh_panel()
        state = self.session.state
        status = state.status if state is not None and state.document.id == doc_id else None
        if status is None or status != self._shown_status.get(doc_id):
            # the list row and the progress figures change only with the article's status
            self._shown_status[doc_id] = status
            self.documents.model.refresh_document(doc_id)
            self.update_status()

    def refresh_from_file(self) -> None:
        """Show what other connections committed: new articles and statuses in the list, the open article's layer
        and suggestions, the side panels (never a note being typed), the scheme and the status bar."""
        if self.project is None:
            return
        self.watcher.sync()  # from here on everything is re-read: those commits are covered
        self.file_refreshes += 1
        scheme_changed = self.project.reload_scheme()
        if scheme_changed:
            self.documents.set_labels(self.project.scheme.entity_labels)
            self.guidelines.set_scheme(self.project.scheme)
            self.label_bar.set_scheme(self.project.scheme)
        self.documents.reload()
        state = self.session.state
        if state is None:
            if self.documents.model.rowCount():  # the first articles arrived
                self.open_document(self.documents.model.doc_id(0))  # type: ignore[arg-type]
        elif self.session.refresh_from_file(scheme_changed=scheme_changed):
            self._shown_status[state.document.id] = state.status
            self._panel_timer.start()  # the panels in a turn of their own, as after suggestions arrive
        self.update_status()
        change_hub().external.emit(str(self.project.path.resolve()))  # the review window re-reads too

    def _refresh_panel(self) -> None:
        state = self.session.state
        if state is None:
            return
        self.panel.set_items(state.items, state.document.text, self.session.colors(), self.session.focus_key)
        self._refresh_side()
        if getattr(self, "_fresh_article", False):
            self._fresh_article = False
            for view in (self.panel.table, self.events):
                view.clearSelection()
                view.scrollToTop()

    def _refresh_side(self) -> None:
        """Events and stance panels: a few rows, re-filled after each change."""
        session = self.session
        scheme = session.project.scheme
        self.events.set_events(session.state, scheme, session.active_event)
        self.stance.set_state(session.state, scheme, session.stance_target)

    def _prompt(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _note_committed(self, doc_id: str, note: str) -> None:
        if doc_id != self.session.doc_id or self.session.readonly:
            return
        if not self.session.set_note(note):
            self.stance.note.unsaved = True
            self.statusBar().showMessage(
                "Your note could not be saved (see the message before this one); it stays in the note box: "
                "copy it, or free the disk and press Ctrl+Enter in the note to save it again.",
                20000,
            )

    def edit_note(self) -> None:
        self.stance.note.setFocus()

    def _panel_chose(self, key) -> None:
        self.session.focus_item(key)

    def navigate(self, step: int) -> None:
        target = self.documents.neighbour(self.session.doc_id, step)
        if target is None:
            self.statusBar().showMessage("No more articles in the list.", 4000)
            return
        self.open_document(target)

    def mark_done_and_next(self) -> None:
        doc_id = self.session.doc_id
        self.stance.note.commit()
        if doc_id is None or not self.session.mark_done():
            return
        nxt = self.session.project.next_not_done(self.annotator, doc_id)
        if nxt is None:
            self.statusBar().showMessage("Every article is done. Well done!", 8000)
        else:
            self.open_document(nxt)

    # -- status bar ------------------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_annotator = QLabel()
        self.status_model = QLabel()
        self.status_progress = QLabel()
        self.status_suggest = QLabel()
        self.status_health = QLabel()
        self.status_health.setObjectName("statusHealth")
        self.status_health.setTextFormat(Qt.PlainText)
        self.status_health.setVisible(False)
        bar.addWidget(self.status_health, 1)
        for name, label in (
            ("statusAnnotator", self.status_annotator),
            ("statusModel", self.status_model),
            ("statusProgress", self.status_progress),
            ("statusSuggestions", self.status_suggest),
        ):
            label.setObjectName(name)
            label.setTextFormat(Qt.PlainText)
            bar.addPermanentWidget(label)

    def _show_health(self, project: Project, why_readonly: str) -> None:
        """Say in the status bar, for as long as the project is open, why it is read-only or that it looks damaged."""
        notes = []
        if why_readonly:
            notes.append(f"Opened read-only: {why_readonly}")
        if project.damage:
            notes.append(
                f"Warning: this project file looks damaged ({project.damage[0]}); run `annotator check "
                f"{project.path}` and keep a copy before going on"
            )
        self.status_health.setText(" | ".join(notes))
        self.status_health.setToolTip("\n".join(notes))
        self.status_health.setVisible(bool(notes))

    def update_status(self) -> None:
        if self.project is None:
            return
        done, total = self.project.progress(self.annotator)
        self.status_annotator.setText(
            f"annotator: {self.annotator}" + (" (read-only)" if self.project.readonly else "")
        )
        model = self.project.suggestion_model() or self.project.model or "none yet"
        shown = f"{self.project.path}\n{model}"  # the training runs are read once per project and model, not per action
        if shown != self.status_model.property("shown"):
            self.status_model.setText(f"model: {model}")
            self.status_model.setToolTip(plain_tooltip("\n".join(self.model_information())))
            self.status_model.setProperty("shown", shown)
        self.status_progress.setText(f"done {done}/{total}")
        if self._suggesting:
            d, t = self._suggest_done
            self.status_suggest.setText(f"suggesting {d}/{t}")
        else:
            model = self.project.suggestion_model()
            n = self.project.suggested_count(model) if model else 0
            self.status_suggest.setText(f"suggestions {n}/{total}")

    # -- suggestions -----------------------------------------------------------------------------------------
    def _needs_suggestions(self) -> bool:
        assert self.project is not None
        model = self.project.suggestion_model()
        if self.project.document_count() == 0:
            return False
        if model is None:
            return True
        return self.project.has_stale_suggestions(model)

    def start_suggestions(self) -> None:
        if self.project is None or self.project.readonly or (self.suggester and self.suggester.running()):
            return
        self.suggester = SuggestProcess(str(self.project.path), self)
        self.suggester.started.connect(self._suggest_started)
        self.suggester.document_done.connect(self._suggest_document)
        self.suggester.finished.connect(self._suggest_finished)
        self.suggester.notice.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._suggesting = True
        self.cancel_suggest_action.setEnabled(True)
        self.suggest_action.setEnabled(False)
        self.suggester.start()
        self.status_suggest.setText("suggesting…")

    def start_training(self, extra: list[str] | None = None) -> None:
        """Suggestions > Train a model: `annotator train` on gold if the project has it, else on this annotator's
        done articles, in a separate process; when it ends, the suggestions are recomputed from the new model."""
        if self.project is None or self.project.readonly or (self.trainer and self.trainer.running()):
            return
        options = [] if "gold" in self.project.annotators() else ["--annotator", self.annotator]
        options += extra or []
        self.trainer = TrainProcess(str(self.project.path), options, self)
        self.trainer.progressed.connect(self.status_suggest.setText)
        self.trainer.finished.connect(self._training_finished)
        self.train_action.setEnabled(False)
        self.cancel_train_action.setEnabled(True)
        self.trainer.start()
        self.status_suggest.setText("training…")

    def model_information(self) -> list[str]:
        """Where suggestions come from: the base pipeline, and the trained model's choice per label."""
        if self.project is None:
            return []
        model = self.project.suggestion_model() or self.project.model or "auto (none computed yet)"
        lines = [f"suggestions: {model}"]
        info = trained_summary(self.project)
        return lines + (summary_lines(info) if info else ["no model trained on this project yet"])

    def show_model_information(self) -> None:
        """Suggestions > Model information: the lines of `model_information`, as plain text."""
        box = QMessageBox(QMessageBox.Information, "Model information", "\n".join(self.model_information()))
        box.setObjectName("modelInformation")
        box.setTextFormat(Qt.PlainText)
        box.exec()

    def cancel_training(self) -> None:
        if self.trainer is not None:
            self.trainer.cancel(wait=False)

    def _training_finished(self, ok: bool, message: str) -> None:
        self.train_action.setEnabled(self.project is not None and not self.project.readonly)
        self.cancel_train_action.setEnabled(False)
        self.status_suggest.setText(message if len(message) < 70 else message[:67] + "…")
        self.statusBar().showMessage(message, 10000)
        if ok:
            self.start_suggestions()  # the new model's suggestions, article by article

    def cancel_suggestions(self) -> None:
        if self.suggester is not None:
            self.suggester.cancel(wait=False)  # "suggestions cancelled" arrives with the process's end

    def _suggest_started(self, total: int, model: str) -> None:
        self._suggest_done = (0, total)
        self.status_suggest.setText(f"suggesting 0/{total}")

    def _suggest_document(self, doc_id: str, done: int, total: int) -> None:
        self._suggest_done = (done, total)
        self.status_suggest.setText(f"suggesting {done}/{total}")
        if doc_id == self.session.doc_id:
            # The batch is committed: show it now rather than at the next tick. In a later event-loop turn (the
            # watcher's), since a batch's lines arrive together and parsing them, re-reading the article and
            # repainting it in one turn added up to a visible stall.
            self.watcher.check_soon()

    def _suggest_finished(self, ok: bool, message: str) -> None:
        self._suggesting = False
        self.cancel_suggest_action.setEnabled(False)
        self.suggest_action.setEnabled(self.project is not None and not self.project.readonly)
        self.statusBar().showMessage(message, 8000)
        self.watcher.check()  # the last batch, at once (re-reads only if the process committed since)
        self.update_status()
        if not ok:
            self.status_suggest.setText(message if len(message) < 60 else message[:57] + "…")

    def _merged(self, _report) -> None:
        """File > Merge ran on a connection of its own: show its outcome at once rather than at the next tick."""
        self.refresh_from_file()
        self.statusBar().showMessage("merged (Ctrl+Z takes the whole merge back)", 10000)
        if self.auto_suggest and self._needs_suggestions():
            self.start_suggestions()  # articles the merge added

    # -- menus -----------------------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New project…", self.new_project, QKeySequence.New, "actionNew")
        self._action(file, "&Open project…", self.choose_project, QKeySequence.Open, "actionOpen")
        self.recent_menu = file.addMenu("Recent projects")
        file.addSeparator()
        self._action(file, "&Import files…", self.choose_import, "Ctrl+I", "actionImport")
        self._action(file, "&Export…", self.choose_export, "Ctrl+E", "actionExport")
        add_merge_action(
            file,
            lambda: self.project and self.project.path,
            self._merged,
            self.push_changes,
        )
        file.addSeparator()
        self._action(file, "&Quit", self.close, _keys("quit"), "actionQuit")
        self.edit_menu = bar.addMenu("&Edit")
        go = bar.addMenu("&Go")
        self._action(go, "Next article", lambda: self.navigate(1), _keys("next_article"), "actionNext")
        self._action(go, "Previous article", lambda: self.navigate(-1), _keys("previous_article"), "actionPrevious")
        self._action(
            go,
            "Mark done and open next",
            self.mark_done_and_next,
            _keys("done_next"),
            "actionDone",
        )
        view_menu = bar.addMenu("&View")
        self.all_arguments_action = self._action(
            view_menu, "Show all events' arguments", self._toggle_all_arguments, None, "actionAllArguments"
        )
        self.all_arguments_action.setCheckable(True)
        self._action(view_menu, "Larger text", lambda: self.zoom(1), None, "actionZoomIn")
        self._action(view_menu, "Smaller text", lambda: self.zoom(-1), None, "actionZoomOut")
        self._action(view_menu, "Normal text size", lambda: self.zoom(None), None, "actionZoomReset")
        self._action(go, "Search articles", self._focus_search, _keys("search"), "actionFind")
        self._action(go, "Next search hit", lambda: self.next_hit(1), _keys("next_hit"), "actionNextHit")
        self._action(go, "Previous search hit", lambda: self.next_hit(-1), _keys("previous_hit"), "actionPreviousHit")
        scheme = bar.addMenu("S&cheme")
        self._action(scheme, "Add entity label…", self.add_entity, None, "actionAddLabel")
        self._action(scheme, "Add event type…", self.add_event_type, None, "actionAddEventType")
        self._action(scheme, "Add role to an event type…", self.add_role, None, "actionAddRole")
        self._action(scheme, "Add stance target…", lambda: self._add_simple("stance target"), None, "actionAddTarget")
        self._action(scheme, "Add stance value…", lambda: self._add_simple("stance value"), None, "actionAddValue")
        scheme.addSeparator()
        self._action(scheme, "Rename label…", lambda: self.rename_label(), None, "actionRenameLabel")
        self._action(scheme, "Delete label…", lambda: self.delete_label(), None, "actionDeleteLabel")
        who = bar.addMenu("&Annotator")
        self._action(who, "Switch annotator…", self.switch_annotator, None, "actionSwitchAnnotator")
        sugg = bar.addMenu("&Suggestions")
        self.suggest_action = self._action(
            sugg, "Compute suggestions now", self.start_suggestions, None, "actionSuggest"
        )
        self.cancel_suggest_action = self._action(
            sugg, "Cancel suggestions", self.cancel_suggestions, None, "actionCancelSuggest"
        )
        self.cancel_suggest_action.setEnabled(False)  # only while the suggestion process runs
        sugg.addSeparator()
        self.train_action = self._action(
            sugg, "Train a model on this project", lambda: self.start_training(), None, "actionTrain"
        )
        self.cancel_train_action = self._action(
            sugg, "Cancel training", self.cancel_training, None, "actionCancelTrain"
        )
        self.cancel_train_action.setEnabled(False)
        self._action(sugg, "Model information…", self.show_model_information, None, "actionModelInfo")
        add_review_menu(
            bar,
            lambda: self.project and self.project.path,
            lambda: self.session.doc_id,
            lambda: {"project": self.project, "undo_stack": self.session.undo_stack},
        )
        help_ = bar.addMenu("&Help")
        self._action(help_, "Keyboard shortcuts", self.show_shortcuts, _keys("help"), "actionShortcuts")
        self.guidelines = GuidelinesDock(Scheme(name=""), self)
        self.addDockWidget(Qt.RightDockWidgetArea, self.guidelines)
        self.guidelines.hide()
        self._action(help_, "Guidelines", self.show_guidelines, None, "actionGuidelines")

    def _bind_undo(self, session: Session) -> None:
        self.edit_menu.clear()
        undo = session.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence.Undo])
        redo = session.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        undo.setObjectName("actionUndo")
        redo.setObjectName("actionRedo")
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.addAction(undo)
        self.addAction(redo)

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_projects():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self._open_other(p))

    def _focus_search(self) -> None:
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.session.project.scheme, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_guidelines(self) -> None:
        self.guidelines.show()
        self.guidelines.raise_()

    def switch_annotator(self) -> None:
        assert self.project is not None
        name = ask_annotator(self, self.annotator, self.project.annotators())
        if name and name != self.annotator:
            self.set_annotator(name)

    def set_annotator(self, name: str) -> None:
        """Show and edit another annotator's layer (the undo stack belongs to the previous one)."""
        settings.set_annotator_name(name)
        self.annotator = name
        path, doc = self.project.path, self.session.doc_id  # type: ignore[union-attr]
        self.open_project(path, document_id=doc)

    def keyPressEvent(self, event) -> None:
        # Keys that reach the window itself (sent to it, or unhandled by a side panel) act on the article like keys
        # typed in the article view.
        handler = getattr(getattr(self, "view", None), "handler", None)
        if handler is not None and handler.handles(event):
            handler.handle(event)
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        # Ctrl+Q ends the process: the review and agreement windows close first (their decisions are written
        # through this window's project), then the project, and the lock goes last.
        if self.project is not None and not self._closing_anyway:
            self.stance.note.commit()
            if self.stance.note.unsaved:  # the first close keeps the window and the note; a second one closes
                self._closing_anyway = True
                self.statusBar().showMessage(
                    "Your note could not be saved and is still in the note box: copy it, then close again.", 30000
                )
                event.ignore()
                return
        close_windows()
        self.close_project()
        super().closeEvent(event)

    # -- changes made by operations of this process (review decisions, scheme edits, merges, undo/redo) --------
    def _changes_arrived(self, changes) -> None:
        if self.project is None or not hasattr(self, "session") or not changes.concerns(self.project):
            return
        if changes.scheme:
            self.project.reload_scheme()
            self.documents.set_labels(self.project.scheme.entity_labels)
            self.guidelines.set_scheme(self.project.scheme)
            self.label_bar.set_scheme(self.project.scheme)
        if changes.documents_added or changes.scheme:
            self.documents.apply_filters()
        doc_id = self.session.doc_id
        if doc_id is not None and (changes.scheme or doc_id in changes.documents):
            if self.project.has_document(doc_id):
                self.session.open_document(doc_id)
            else:
                first = self.documents.model.doc_id(0)
                if first is not None:
                    self.open_document(first)
            self._refresh_panel()
        self.update_status()

    def _toggle_all_arguments(self, on: bool = False) -> None:
        self.session.set_show_all_arguments(self.all_arguments_action.isChecked())

    def _show_hits(self, _text: str = "") -> None:
        """Highlight the search box's words in the open article and count them in the status bar."""
        state = self.session.state
        query = self.documents.search.text()
        if state is None:
            return
        n = self.hits.show(state.document.text, query, state.positions.to_qt)
        if query.strip():
            self.statusBar().showMessage(
                f"{n} hit(s) for “{query.strip()}” in this article" + ("   (Enter or F3: next)" if n else ""), 8000
            )

    def next_hit(self, step: int = 1) -> None:
        number = self.hits.next(step)
        if number is not None:
            self.statusBar().showMessage(f"hit {number} of {len(self.hits.hits)}", 4000)

    def zoom(self, step: int | None) -> None:
        """Ctrl+plus / Ctrl+minus / Ctrl+0: the article's text and tags larger, smaller, normal; remembered."""
        steps = 0 if step is None else self.view.zoom_steps + step
        self.view.set_zoom(steps)
        settings.put("zoom", self.view.zoom_steps)
        doc_id, focus = self.session.doc_id, self.session.focus_key
        if doc_id is not None:
            self.session.open_document(doc_id)  # the line spacing follows the new tag size
            if focus is not None:
                self.session.focus_item(focus)
        self.statusBar().showMessage(f"Text size {round(100 * 1.12**self.view.zoom_steps)}%", 3000)

    def _show_failure(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def record(self, description: str, work, layers, **options):
        """Run a bulk operation as one undoable step on this window's undo stack (see core.operations)."""
        options.setdefault("annotator", self.annotator)  # the step belongs to this annotator's undo history
        result, changes = operations.record(self.project, description, work, layers, **options)
        self.push_changes(changes)
        return result

    def push_changes(self, changes) -> None:
        self.session.undo_stack.push(RecordedCommand(self.project, changes))
