"""The agreement view: pairwise F1 matrix, per-label F1 bars, label confusion, stance coefficients, and the articles
ranked by disagreement (double-click one to review it). Computed off the UI thread on its own connection."""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QThread, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport, ModeResult, project_agreement
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.gui.window_keys import add_window_keys, fit_to_screen

ARTICLES_SHOWN = 500


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


class AgreementJob(QThread):
    """Computes the report on a read-only connection of its own."""

    computed = Signal(object)
    failed = Signal(str)

    def __init__(self, project_path: str | Path, annotators: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.project_path, self.annotators = project_path, annotators

    def run(self) -> None:
        try:
            with Project.open(self.project_path, readonly=True) as project:
                report = project_agreement(project, self.annotators)
                ranked = report.document_disagreement()[:ARTICLES_SHOWN]
                titles = {d: project.document(d).title for d, _ in ranked}
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception:  # a bug: show it rather than lose it in a thread
            self.failed.emit(traceback.format_exc())
        else:
            self.computed.emit((report, titles))


class BarChart(QWidget):
    """Horizontal bars, one per label, for values in [0, 1] (None drawn as an empty bar marked "–")."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("agreementBars")
        self.bars: list[tuple[str, float | None]] = []
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, float | None]]) -> None:
        self.bars = bars
        self.setMinimumHeight(24 * len(bars) + 20)
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
        row_h = 24
        for i, (name, value) in enumerate(self.bars):
            y = 10 + i * row_h
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(
                QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
            frame = QRectF(label_w, y + 4, width, row_h - 8)
            painter.setPen(QPen(QColor("#b0b0b0")))
            painter.drawRect(frame)
            if value is not None:
                painter.fillRect(
                    QRectF(label_w, y + 4, width * max(0.0, min(1.0, value)), row_h - 8), QBrush(QColor("#4363d8"))
                )
            painter.setPen(QPen(self.palette().text().color()))
            painter.drawText(QRectF(label_w + width + 6, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter, fmt(value))
        painter.end()


def _table(name: str) -> QTableWidget:
    table = QTableWidget(objectName=name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
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


class AgreementWindow(QMainWindow):
    computed = Signal()
    review_requested = Signal(str)  # a document id

    def __init__(self, project_path: str | Path, annotators: list[str] | None = None):
        super().__init__()
        self.setObjectName("agreementWindow")
        self.setWindowTitle(f"Agreement — {Path(project_path).name}")
        add_window_keys(self)
        fit_to_screen(self, 1100, 720)
        self.project_path = project_path
        self.report: AgreementReport | None = None
        self.titles: dict[str, str] = {}

        self.layer_box = QComboBox(objectName="agreementLayer")
        self.layer_box.addItems(["entities", "events", "arguments"])
        self.mode_box = QComboBox(objectName="agreementMode")
        self.mode_box.addItems(["exact", "overlap", "unlabelled"])
        self.pair_box = QComboBox(objectName="agreementPair")
        self.summary = QLabel("computing…", objectName="agreementSummary")
        self.summary.setTextFormat(Qt.PlainText)  # names and messages from the project: never markup
        for box in (self.layer_box, self.mode_box, self.pair_box):
            box.currentIndexChanged.connect(self._show)

        self.matrix = _table("agreementMatrix")
        self.bars = BarChart()
        self.confusion = _table("agreementConfusion")
        self.articles = _table("agreementArticles")
        self.articles.cellDoubleClicked.connect(self._article_chosen)
        self.stance = _table("agreementStance")

        tabs = QTabWidget(objectName="agreementTabs")
        tabs.addTab(self.matrix, "Pairs (F1)")
        per_label = QWidget()
        pl = QVBoxLayout(per_label)
        pair_row = QHBoxLayout()
        pair_row.addWidget(QLabel("Pair:"))
        pair_row.addWidget(self.pair_box)
        pair_row.addStretch(1)
        pl.addLayout(pair_row)
        pl.addWidget(self.bars)
        tabs.addTab(per_label, "Per label")
        tabs.addTab(self.confusion, "Label confusion")
        tabs.addTab(self.articles, "Articles by disagreement")
        tabs.addTab(self.stance, "Stance and flags")

        top = QHBoxLayout()
        for text, box in (("Layer:", self.layer_box), ("Matching:", self.mode_box)):
            top.addWidget(QLabel(text))
            top.addWidget(box)
        top.addStretch(1)
        central = QWidget()
        box = QVBoxLayout(central)
        box.addLayout(top)
        box.addWidget(self.summary)
        box.addWidget(tabs)
        self.setCentralWidget(central)

        self.job = AgreementJob(project_path, annotators, self)
        self.job.computed.connect(self._computed)
        self.job.failed.connect(self._failed)
        self.job.start()

    # -- results -----------------------------------------------------------------------------------------------
    def _failed(self, message: str) -> None:
        self.summary.setText(f"Agreement could not be computed: {message}")

    def _computed(self, result) -> None:
        self.report, self.titles = result
        self.pair_box.blockSignals(True)
        self.pair_box.clear()
        self.pair_box.addItem("mean over pairs")
        for a, b in ((p.a, p.b) for p in self.report.entities["exact"].pairs):
            self.pair_box.addItem(f"{a} / {b}")
        self.pair_box.blockSignals(False)
        self._show()
        self._fill_static()
        self.computed.emit()

    def result(self) -> ModeResult | None:
        if self.report is None:
            return None
        layer = {"entities": self.report.entities, "events": self.report.events, "arguments": self.report.arguments}
        return layer[self.layer_box.currentText()][self.mode_box.currentText()]

    def _show(self) -> None:
        result = self.result()
        if result is None or self.report is None:
            return
        names = self.report.annotators
        self.summary.setText(
            f"{len(names)} annotator(s), {len(self.report.documents)} article(s) marked done by two or more; "
            f"mean F1 {fmt(result.mean_f1)}"
        )
        f1 = {(p.a, p.b): p.score.micro.f1 for p in result.pairs}
        rows = [["—" if a == b else fmt(f1.get((a, b), f1.get((b, a)))) for b in names] for a in names]
        _fill(self.matrix, names, rows, names)
        self.bars.set_bars(self.label_bars())

    def label_bars(self) -> list[tuple[str, float | None]]:
        """Per-label F1 of the chosen pair, or the mean over pairs (pairs where it is undefined left out)."""
        result = self.result()
        if result is None:
            return []
        index = self.pair_box.currentIndex()
        pairs = result.pairs if index <= 0 else [result.pairs[index - 1]]
        labels = sorted({label for p in pairs for label in p.score.per_label})
        bars = []
        for label in labels:
            values = [p.score.per_label[label].f1 for p in pairs if label in p.score.per_label]
            values = [v for v in values if v is not None]
            bars.append((label, sum(values) / len(values) if values else None))
        return bars

    def _fill_static(self) -> None:
        report = self.report
        assert report is not None
        swaps = sorted(
            [
                *(("entity", a, b, n) for (a, b), n in report.entity_confusion.items()),
                *(("event", a, b, n) for (a, b), n in report.event_confusion.items()),
            ],
            key=lambda r: (-r[3], r[0], r[1], r[2]),
        )
        _fill(
            self.confusion,
            ["layer", "first annotator's label", "second annotator's label", "times"],
            [[k, a, b, str(n)] for k, a, b, n in swaps],
        )
        ranked = report.document_disagreement()[:ARTICLES_SHOWN]  # the most disputed: 10,000 rows help nobody
        _fill(
            self.articles,
            ["article", "disagreements", "title"],
            [[d, str(n), self.titles.get(d, "")] for d, n in ranked],
        )
        rows = []
        for kind, results in (("stance", report.stance), ("flag", report.flags)):
            for name, r in results.items():
                cohen = ", ".join(f"{a}/{b} {fmt(k)}" for a, b, k, _ in r.cohen)
                rows.append(
                    [
                        kind,
                        name,
                        str(r.units),
                        fmt(r.observed_agreement),
                        fmt(r.krippendorff_alpha),
                        fmt(r.fleiss_kappa),
                        cohen,
                    ]
                )
        _fill(
            self.stance, ["kind", "label", "units", "observed", "Krippendorff α", "Fleiss κ", "Cohen κ per pair"], rows
        )

    def _article_chosen(self, row: int, _column: int) -> None:
        item = self.articles.item(row, 0)
        if item is not None:
            self.review_requested.emit(item.text())

    def closeEvent(self, event) -> None:
        self.job.wait()
        super().closeEvent(event)
