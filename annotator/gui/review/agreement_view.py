"""The agreement view: choose annotators (ticked layers only) and articles, then see the pair matrix coloured by F1
or kappa, per-label F1 as bars, label confusion as a heat map, stance and flag coefficients with their bootstrap
intervals, and the articles ranked by disagreement (double-click one to review it).

Everything is computed off the UI thread on a read-only connection of its own (`AgreementJob`); a change of choice
starts a new job once the running one ends. Charts are painted with QPainter; names and labels from the project are
drawn as plain text, never markup.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport, ModeResult, project_agreement
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.formats.agreement_html import colour
from annotator.gui.window_keys import add_window_keys, fit_to_screen

ARTICLES_SHOWN = 500
CI_SAMPLES = 1000  # the CLI's default, so the view and `agreement --ci` print the same intervals


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def fmt_ci(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f" [{interval[0]:.2f}, {interval[1]:.2f}]"


class AgreementJob(QThread):
    """Computes the report (with intervals), the ranking and the titles on a read-only connection of its own."""

    computed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        project_path: str | Path,
        annotators: list[str] | None = None,
        article_filter: str = "",
        parent=None,
    ):
        super().__init__(parent)
        self.project_path, self.annotators, self.article_filter = project_path, annotators, article_filter

    def run(self) -> None:
        try:
            with Project.open(self.project_path, readonly=True) as project:
                known = project.annotators()
                articles = None
                if self.article_filter:
                    needle = self.article_filter.casefold()
                    articles = [
                        d.id
                        for d in project.iter_documents()
                        if needle in d.id.casefold() or needle in (d.title or "").casefold()
                    ]
                report = project_agreement(project, self.annotators, articles)
                report.with_intervals(CI_SAMPLES, 0)
                ranked = report.document_disagreement()[:ARTICLES_SHOWN]
                titles = {d: project.document(d).title for d, _ in ranked}
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception:  # a bug: show it rather than lose it in a thread
            self.failed.emit(traceback.format_exc())
        else:
            self.computed.emit((report, titles, known))


class BarChart(QWidget):
    """Horizontal bars, one per label, for values in [0, 1] (None drawn as an empty bar marked "–")."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementBars")
        self.bars: list[tuple[str, float | None]] = []
        self.setMinimumHeight(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, float | None]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no labels to compare")
            painter.end()
            return
        metrics = painter.fontMetrics()
        label_w = max(metrics.horizontalAdvance(name) for name, _ in self.bars) + 12
        value_w = metrics.horizontalAdvance("0.000") + 12
        width = max(self.width() - label_w - value_w - 10, 10)
        row_h = max(14.0, min(26.0, (self.height() - 10) / len(self.bars)))
        for i, (name, value) in enumerate(self.bars):
            y = 5 + i * row_h
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(
                QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
            frame = QRectF(label_w, y + 3, width, row_h - 6)
            painter.setPen(QPen(QColor("#b0b0b0")))
            painter.drawRect(frame)
            if value is not None:
                bar = QRectF(label_w, y + 3, width * max(0.0, min(1.0, value)), row_h - 6)
                painter.fillRect(bar, QBrush(QColor(colour(value))))
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(QRectF(label_w + width + 6, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter, fmt(value))
        painter.end()


class HeatMap(QWidget):
    """Label confusion: the first annotator's label (rows) by the second's (columns), shaded by count."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementHeatMap")
        self.rows: list[str] = []
        self.columns: list[str] = []
        self.counts: dict[tuple[str, str], int] = {}
        self.setMinimumHeight(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_counts(self, counts: dict[tuple[str, str], int]) -> None:
        self.counts = dict(counts)
        self.rows = sorted({a for a, _ in counts})
        self.columns = sorted({b for _, b in counts})
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        text = self.palette().text().color()
        if not self.counts:
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap  # a narrow panel wraps, never clips
            painter.drawText(
                self.rect().adjusted(6, 0, -6, 0), flags, "no label confusion: same boundaries, same labels"
            )
            painter.end()
            return
        metrics = painter.fontMetrics()
        label_w = max(metrics.horizontalAdvance(x) for x in self.rows) + 10
        head_h = min(90, max(metrics.horizontalAdvance(x) for x in self.columns) + 8)  # labels written upwards
        cell_w = min(60.0, max(20.0, (self.width() - label_w - 4) / len(self.columns)))
        cell_h = min(40.0, max(16.0, (self.height() - head_h - 20) / len(self.rows)))
        top = max(self.counts.values())
        painter.setPen(QPen(text))
        for j, b in enumerate(self.columns):
            painter.save()
            painter.translate(label_w + j * cell_w + cell_w / 2 + metrics.ascent() / 2 - 2, head_h - 4)
            painter.rotate(-90)
            painter.drawText(0, 0, metrics.elidedText(b, Qt.TextElideMode.ElideRight, head_h - 6))
            painter.restore()
        for i, a in enumerate(self.rows):
            y = head_h + i * cell_h
            painter.setPen(QPen(text))
            painter.drawText(
                QRectF(0, y, label_w - 6, cell_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, a
            )
            for j, b in enumerate(self.columns):
                n = self.counts.get((a, b), 0)
                rect = QRectF(label_w + j * cell_w, y, cell_w, cell_h)
                shade = int(255 - 200 * n / top) if n else 255
                painter.fillRect(rect, QColor(shade, shade, 255))
                painter.setPen(QPen(QColor("#cccccc")))
                painter.drawRect(rect)
                if n:
                    painter.setPen(QPen(QColor("#ffffff") if shade < 140 else QColor("#000000")))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n))
        painter.setPen(QPen(text))
        legend = "rows: first annotator · columns: second"
        painter.drawText(QRectF(0, self.height() - 18, self.width(), 18), Qt.AlignmentFlag.AlignLeft, legend)
        painter.end()


def _table(name: str) -> QTableWidget:
    table = QTableWidget(objectName=name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]], row_headers: list[str] | None = None) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    if row_headers is not None:
        table.setVerticalHeaderLabels(row_headers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()


def _panel(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        layout.addWidget(w)
    return box


class AgreementWindow(QMainWindow):
    computed = Signal()
    review_requested = Signal(str)  # a document id

    def __init__(self, project_path: str | Path, annotators: list[str] | None = None):
        super().__init__()
        self.setObjectName("agreementWindow")
        self.setWindowTitle(f"Agreement — {Path(project_path).name}")
        add_window_keys(self)
        fit_to_screen(self, 1340, 740)
        self.project_path = project_path
        self.report: AgreementReport | None = None
        self.titles: dict[str, str] = {}
        self.checks: dict[str, QCheckBox] = {}
        self.job: AgreementJob | None = None
        self._pending = False
        self._closing = False

        # -- the choices (left) ------------------------------------------------------------------------------------
        self.annotator_box = QGroupBox("Annotators")
        self.annotator_layout = QVBoxLayout(self.annotator_box)
        self.annotator_layout.setContentsMargins(6, 6, 6, 6)
        self.article_filter = QLineEdit(objectName="agreementArticleFilter")
        self.article_filter.setPlaceholderText("id or title contains…")
        self.article_filter.setClearButtonEnabled(True)
        self.layer_box = QComboBox(objectName="agreementLayer")
        self.layer_box.addItems(["entities", "events", "arguments"])
        self.mode_box = QComboBox(objectName="agreementMode")
        self.mode_box.addItems(["exact", "overlap", "unlabelled"])
        self.colour_box = QComboBox(objectName="agreementColour")
        self.colour_box.addItem("F1 (layer, matching)")
        self.pair_box = QComboBox(objectName="agreementPair")
        self.summary = QLabel("computing…", objectName="agreementSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # names and messages from the project: never markup
        self.summary.setWordWrap(True)
        for box in (self.layer_box, self.mode_box, self.pair_box, self.colour_box):
            box.currentIndexChanged.connect(self._show)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.recompute_timer = QTimer(self, singleShot=True, interval=400)
        self.recompute_timer.timeout.connect(self.recompute)
        self.article_filter.textChanged.connect(lambda _: self.recompute_timer.start())

        form = QFormLayout()
        form.addRow("Articles:", self.article_filter)
        form.addRow("Layer:", self.layer_box)
        form.addRow("Matching:", self.mode_box)
        form.addRow("Colour by:", self.colour_box)
        form.addRow("Bars for:", self.pair_box)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.annotator_box)
        side_layout.addLayout(form)
        side_layout.addWidget(self.summary)
        side_layout.addStretch(1)
        side.setMaximumWidth(260)

        # -- the figures (middle) and the articles (right) ---------------------------------------------------------
        self.matrix = _table("agreementMatrix")
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bars = BarChart()
        self.heat = HeatMap()
        self.confusion_box = QComboBox(objectName="agreementConfusionLayer")
        self.confusion_box.addItems(["entities", "event types"])
        self.confusion_box.currentIndexChanged.connect(self._show_confusion)
        self.stance = _table("agreementStance")
        self.articles = _table("agreementArticles")
        self.articles.cellDoubleClicked.connect(self._article_chosen)
        self.articles.horizontalHeader().setStretchLastSection(True)
        self.matrix_panel = _panel("Pairs", self.matrix)
        for table in (self.stance, self.articles):
            table.verticalHeader().hide()
        grid = QGridLayout()
        grid.addWidget(self.matrix_panel, 0, 0)
        grid.addWidget(_panel("Per-label F1", self.bars), 0, 1)
        grid.addWidget(_panel("Label confusion", self.confusion_box, self.heat), 0, 2)
        grid.addWidget(_panel("Stance and flags [95% bootstrap interval]", self.stance), 1, 0, 1, 3)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        for i in range(3):
            grid.setColumnStretch(i, 1)
        middle = QWidget()
        middle.setLayout(grid)
        right = _panel("Articles by disagreement", self.articles)
        self.articles.setToolTip("Units where the annotators' versions differ; double-click an article to review it")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (side, middle, right):
            splitter.addWidget(w)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([210, 860, 280])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage("Double-click an article to review it · Esc closes the window")
        self.recompute(annotators)

    # -- computing ----------------------------------------------------------------------------------------------
    def chosen_annotators(self) -> list[str]:
        return [name for name, box in self.checks.items() if box.isChecked()]

    def recompute(self, annotators: list[str] | None = None) -> None:
        """Start a job for the current choice (or `annotators`); one job at a time, the latest choice wins."""
        if self._closing:
            return
        if self.job is not None and self.job.isRunning():
            self._pending = True
            return
        names = annotators if annotators is not None else (self.chosen_annotators() if self.checks else None)
        self.summary.setText("computing…")
        self.job = AgreementJob(self.project_path, names, self.article_filter.text().strip(), self)
        self.job.computed.connect(self._computed)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._job_finished)
        self.job.start()

    def _job_finished(self) -> None:
        if self._pending and not self._closing:
            self._pending = False
            self.recompute()

    def _failed(self, message: str) -> None:
        self.summary.setText(f"Agreement could not be computed: {message}")

    def _computed(self, result) -> None:
        report, self.titles, known = result
        self.report = report
        if not self.checks:
            for name in known:
                box = QCheckBox(name)
                box.setChecked(name in report.annotators)
                box.toggled.connect(lambda _checked: self.recompute_timer.start())
                self.checks[name] = box
                self.annotator_layout.addWidget(box)
            if not known:
                self.annotator_layout.addWidget(QLabel("no annotators yet"))
        for combo, items in (
            (self.pair_box, ["mean over pairs", *(f"{p.a} / {p.b}" for p in report.entities["exact"].pairs)]),
            (
                self.colour_box,
                [
                    "F1 (layer, matching)",
                    *(f"Cohen's κ: stance {t}" for t in report.stance),
                    *(f"Cohen's κ: flag {f}" for f in report.flags),
                ],
            ),
        ):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            if current in items:
                combo.setCurrentText(current)
            combo.blockSignals(False)
        self._show()
        self._fill_static()
        self.computed.emit()

    # -- showing --------------------------------------------------------------------------------------------------
    def result(self) -> ModeResult | None:
        if self.report is None:
            return None
        layer = {"entities": self.report.entities, "events": self.report.events, "arguments": self.report.arguments}
        return layer[self.layer_box.currentText()][self.mode_box.currentText()]

    def pair_values(self) -> tuple[str, dict[tuple[str, str], float | None]]:
        """What the matrix shows: F1 of the layer and matching, or Cohen's kappa of a stance target or flag."""
        report, result = self.report, self.result()
        assert report is not None and result is not None
        choice = self.colour_box.currentText()
        for kind, results in (("stance", report.stance), ("flag", report.flags)):
            for name, r in results.items():
                if choice == f"Cohen's κ: {kind} {name}":
                    return f"Cohen's κ, {kind} {name}", {(a, b): k for a, b, k, _ in r.cohen}
        label = f"F1, {self.layer_box.currentText()}, {self.mode_box.currentText()}"
        return label, {(p.a, p.b): p.score.micro.f1 for p in result.pairs}

    def _show(self) -> None:
        result = self.result()
        if result is None or self.report is None:
            return
        names = self.report.annotators
        self.summary.setText(
            f"{len(names)} annotator(s) chosen; {len(self.report.documents)} article(s) marked done by two or more "
            f"of them. Mean F1 ({self.layer_box.currentText()}, {self.mode_box.currentText()}): "
            f"{fmt(result.mean_f1)}" + ("" if len(names) >= 2 else "\nTick at least two annotators to compare.")
        )
        title, values = self.pair_values()
        self.matrix_panel.setTitle("Pairs: κ" if title.startswith("Cohen") else "Pairs: F1")
        self.matrix.setToolTip(title)
        rows = [["—" if a == b else fmt(values.get((a, b), values.get((b, a)))) for b in names] for a in names]
        _fill(self.matrix, names, rows, names)
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                item = self.matrix.item(i, j)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if a != b:
                    item.setBackground(QColor(colour(values.get((a, b), values.get((b, a))))))
                    item.setForeground(QColor("#000000"))
        self.bars.set_bars(self.label_bars())

    def label_bars(self) -> list[tuple[str, float | None]]:
        """Per-label F1 of the chosen pair, or the mean over pairs (pairs where it is undefined left out)."""
        result = self.result()
        if result is None:
            return []
        index = self.pair_box.currentIndex()
        pairs = result.pairs if index <= 0 else result.pairs[index - 1 : index]
        labels = sorted({label for p in pairs for label in p.score.per_label})
        bars = []
        for label in labels:
            values = [p.score.per_label[label].f1 for p in pairs if label in p.score.per_label]
            values = [v for v in values if v is not None]
            bars.append((label, sum(values) / len(values) if values else None))
        return bars

    def _show_confusion(self) -> None:
        if self.report is None:
            return
        entities = self.confusion_box.currentIndex() <= 0
        self.heat.set_counts(dict(self.report.entity_confusion if entities else self.report.event_confusion))

    def _fill_static(self) -> None:
        report = self.report
        assert report is not None
        self._show_confusion()
        ranked = report.document_disagreement()[:ARTICLES_SHOWN]  # the most disputed: 10,000 rows help nobody
        _fill(
            self.articles,
            ["article", "disagreements", "title"],
            [[d, str(n), self.titles.get(d, "")] for d, n in ranked],
        )
        ci = report.ci
        pairs = [(a, b) for i, a in enumerate(report.annotators) for b in report.annotators[i + 1 :]]
        rows = []
        for kind, key, results in (("stance", "stance", report.stance), ("flag", "flags", report.flags)):
            for name, r in results.items():
                intervals = ci.categorical.get((key, name), {}) if ci else {}
                cohen_ci = intervals.get("cohen", {})
                cohen = {(a, b): k for a, b, k, _ in r.cohen}
                rows.append(
                    [
                        f"{kind}: {name}",
                        str(r.units),
                        fmt(r.observed_agreement),
                        fmt(r.krippendorff_alpha) + fmt_ci(intervals.get("krippendorff_alpha")),
                        fmt(r.fleiss_kappa) + fmt_ci(intervals.get("fleiss_kappa")),
                        *(fmt(cohen.get(p)) + fmt_ci(cohen_ci.get(p)) for p in pairs),
                    ]
                )
        headers = ["label", "units", "observed", "Krippendorff α", "Fleiss κ", *(f"Cohen κ {a}/{b}" for a, b in pairs)]
        _fill(self.stance, headers, rows)

    def _article_chosen(self, row: int, _column: int) -> None:
        item = self.articles.item(row, 0)
        if item is not None:
            self.review_requested.emit(item.text())

    def closeEvent(self, event) -> None:
        self._closing = True
        self.recompute_timer.stop()
        if self.job is not None:
            self.job.wait()
        super().closeEvent(event)
