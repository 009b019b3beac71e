"""After a run: accuracy, per-class precision and recall, and a confusion matrix whose cells open
the validation images behind them (``core.train.Evaluation``, computed with the best model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import arg
from gui.thumbnails import ThumbnailLoader

MISTAKE_THUMB = 128
TINT = QColor("#1e88e5")
WRONG = QColor("#e53935")


class MistakesDialog(QDialog):
    """The validation images of one class taken for another, as thumbnails."""

    def __init__(self, title: str, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.list = QListWidget(viewMode=QListWidget.ViewMode.IconMode, movement=QListWidget.Movement.Static)
        self.list.setIconSize(QSize(MISTAKE_THUMB, MISTAKE_THUMB))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setWordWrap(True)
        self.items: dict[str, QListWidgetItem] = {}
        self.loader = ThumbnailLoader(MISTAKE_THUMB, self)
        self.loader.ready.connect(self._show_thumbnail)
        for path in paths:
            item = QListWidgetItem(path.name)
            item.setToolTip(str(path))
            self.list.addItem(item)
            self.items[str(path)] = item
            self.loader.request(str(path), path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _show_thumbnail(self, key: str, image: QImage) -> None:
        if key in self.items:
            self.items[key].setIcon(QIcon(QPixmap.fromImage(image)))

    def done(self, result: int) -> None:
        self.loader.close()
        super().done(result)


class ResultsPanel(QWidget):
    useRequested = Signal(object)  # Path of the model

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self.tr("Train a model to see how well it tells the classes apart."))
        # Which of the run's two models the panel shows: the quick one, then the fine-tuned one.
        self.which = QLabel()
        self.which.setObjectName("results-which")
        self.which.setTextFormat(Qt.TextFormat.PlainText)
        self.which.setWordWrap(True)
        self.which.setStyleSheet("font-weight: bold;")
        self.which.hide()
        self.shows = ""  # core.projects.QUICK or FINE_TUNED, "" before the first model
        self.summary.setWordWrap(True)
        self.use_button = QPushButton(self.tr("Use This Model"), enabled=False)
        self.use_button.setToolTip(self.tr("Classify with this model from now on"))
        self.use_button.clicked.connect(lambda: self.model and self.useRequested.emit(self.model))
        self.per_class = QTableWidget(0, 4)
        self.per_class.setHorizontalHeaderLabels(
            [self.tr("Class"), self.tr("Precision"), self.tr("Recall"), self.tr("Images")]
        )
        self.per_class.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.per_class.verticalHeader().hide()
        header = self.per_class.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.matrix = QTableWidget(0, 0)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.cellClicked.connect(self.open_cell)
        for header in (self.matrix.horizontalHeader(), self.matrix.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(28)
        self.matrix_label = QLabel(
            self.tr(
                "Confusion matrix: rows are the true classes, columns what the model said."
                " Click a cell to see its images."
            )
        )
        self.matrix_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.use_button)
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Per class")))
        left.addWidget(self.per_class)
        right = QVBoxLayout()
        right.addWidget(self.matrix_label)
        right.addWidget(self.matrix)
        tables.addLayout(left, 2)
        tables.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.which)
        layout.addLayout(top)
        layout.addLayout(tables, 1)
        self.model: Path | None = None
        self.evaluation: Any = None
        self.dialog: MistakesDialog | None = None

    def clear(self) -> None:
        self.model, self.evaluation, self.shows = None, None, ""
        self.which.hide()
        self.use_button.setEnabled(False)
        self.per_class.setRowCount(0)
        self.matrix.setRowCount(0)
        self.matrix.setColumnCount(0)

    def show_quick(self, outcome: Any, fine_tuning_follows: bool) -> None:
        """The quick model (``core.lite.quick_train.QuickOutcome``): usable at once; its estimate
        is k-fold on the training pictures (nothing was held out), said as such."""
        self.clear()
        self.model, self.shows = outcome.path, "quick"
        self.use_button.setEnabled(True)
        which = self.tr("Showing the quick model (a new head on the start network's features)")
        if fine_tuning_follows:
            which += " · " + self.tr("fine-tuning follows")
        self._which(which)
        seconds = f"{outcome.seconds:.1f}"
        if outcome.cv_accuracy is None:
            text = arg(self.tr("%1: ready in %2 s."), outcome.path.stem, seconds)
        else:
            text = arg(
                self.tr("%1: ready in %2 s; about %3 right (k-fold estimate on the training pictures)."),
                outcome.path.stem,
                seconds,
                percent(outcome.cv_accuracy),
            )
        self.summary.setText(text)

    def _which(self, text: str) -> None:
        self.which.setText(text)
        self.which.show()

    def show_outcome(self, outcome: Any) -> None:
        """A finished fine-tuning run (``core.train.TrainOutcome``)."""
        if outcome.weights is None and self.shows == "quick":
            return  # stopped before fine-tuning kept anything: the quick model stays shown
        self.shows = "fine-tuned"
        self._which(self.tr("Showing the fine-tuned model"))
        self.model = outcome.weights
        self.use_button.setEnabled(outcome.weights is not None)
        self.evaluation = outcome.evaluation
        self.summary.setText(self.describe(outcome))
        if outcome.evaluation is not None:
            self._fill_per_class(outcome.evaluation)
            self._fill_matrix(outcome.evaluation)

    def describe(self, outcome: Any) -> str:
        """What the run left, in whole sentences (each one translated as a whole)."""
        if outcome.weights is None:
            return self.tr("Stopped before any model was trained: nothing was saved.")
        ev, name = outcome.evaluation, outcome.weights.stem
        if ev is None:
            text = (
                arg(self.tr("Saved as %1. Stopped early: the best model so far was kept."), name)
                if outcome.stopped
                else arg(self.tr("Saved as %1."), name)
            )
        else:
            # How many images the share is of: "100 %" of one image says little.
            accuracy, images = percent(ev.accuracy), sum(map(sum, ev.confusion))
            text = (
                arg(
                    self.tr(
                        "%1: %2 of the %n validation image(s) right."
                        " Stopped early: the best model so far was kept.",
                        "",
                        images,
                    ),
                    name,
                    accuracy,
                )
                if outcome.stopped
                else arg(self.tr("%1: %2 of the %n validation image(s) right.", "", images), name, accuracy)
            )
            unchecked = [c for c, row in zip(ev.classes, ev.confusion, strict=True) if not sum(row)]
            if unchecked:
                text += "\n" + arg(
                    self.tr(
                        "Not checked: %1 had too few images to keep one for validation, so how well "
                        "the model knows it is not known."
                    ),
                    ", ".join(unchecked),
                )
        if outcome.card.get("head_only"):
            text += "\n" + self.tr(
                "This is the head-only model: the new head on the unchanged start network, not fine-tuned."
            )
        return text

    def _fill_per_class(self, ev: Any) -> None:
        self.per_class.setRowCount(len(ev.classes))
        for row, name in enumerate(ev.classes):
            # A class with no validation image has no recall, one never predicted no precision:
            # "n/a", not a "0 %" that reads as a model that is always wrong.
            total = sum(ev.confusion[row])
            predicted = sum(line[row] for line in ev.confusion)
            na = self.tr("n/a")
            precision = percent(ev.precision[row]) if predicted else na
            cells = [name, precision, percent(ev.recall[row]) if total else na, str(total)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.per_class.setItem(row, col, item)

    def _fill_matrix(self, ev: Any) -> None:
        n = len(ev.classes)
        self.matrix.setRowCount(n)
        self.matrix.setColumnCount(n)
        self.matrix.setHorizontalHeaderLabels(list(ev.classes))
        self.matrix.setVerticalHeaderLabels(list(ev.classes))
        peak = max((max(row) for row in ev.confusion), default=0) or 1
        for t, row in enumerate(ev.confusion):
            for p, count in enumerate(row):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                colour = QColor(TINT if t == p else WRONG)
                colour.setAlphaF(0.12 + 0.6 * count / peak if count else 0.0)
                item.setBackground(QBrush(colour))
                if t != p and count:
                    tip = self.tr("%n image(s) of %1 taken for %2: click to see them", "", count)
                    item.setToolTip(arg(tip, ev.classes[t], ev.classes[p]))
                self.matrix.setItem(t, p, item)

    def mistakes(self, true: int, predicted: int) -> list[Path]:
        """The validation images of class ``true`` that the model called ``predicted``."""
        if self.evaluation is None:
            return []
        return [path for path, t, p in self.evaluation.mistakes if t == true and p == predicted]

    def open_cell(self, row: int, column: int) -> MistakesDialog | None:
        paths = self.mistakes(row, column)
        if not paths:
            return None
        ev = self.evaluation
        title = arg(self.tr("%1 taken for %2"), ev.classes[row], ev.classes[column])
        self.dialog = MistakesDialog(title, paths, self)
        self.dialog.show()
        return self.dialog


def percent(value: float) -> str:
    """A share as a whole percentage, "92 %"-style digits without a translatable word."""
    return f"{value:.0%}"
