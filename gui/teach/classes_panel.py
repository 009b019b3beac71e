"""The class builder: one card per class, named, holding the images and folders dropped on it.

A person either picks a folder with one sub-folder per class (the cards then show those
sub-folders) or adds classes and drops, pastes or picks images onto each card. Every change asks
for a scan (``gui.teach.jobs``, off the GUI thread, a moment after the last change); its answer
gives each card its count and thumbnails and the panel its warnings (``core.dataset``).
Images pasted or dropped without a file are saved in the app's data folder first
(``gui.teach.storage``), never beside the user's pictures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import arg
from gui.inputs import can_accept, image_patterns, read_mime
from gui.messages import text
from gui.teach.jobs import JobRunner, Scanned, ScanRequest
from gui.teach.storage import save_pasted
from gui.thumbnails import ThumbnailLoader

THUMB = 48
THUMBS_PER_CLASS = 5
RESCAN_DELAY_MS = 150


class ClassCard(QFrame):
    """One class: its name, what was dropped on it, its count and a few thumbnails."""

    changed = Signal()
    removeRequested = Signal(object)  # self

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.items: list[Path] = []  # files and folders, in the order given
        self.added: list[Path] = []  # of ``items``: those added from the results since the last training
        self.name_edit = QLineEdit(name, placeholderText=self.tr("Class name"))
        self.name_edit.textChanged.connect(self.changed)
        self.name_edit.installEventFilter(self)  # Ctrl+V with a picture goes to the class
        # A name stays readable when the panel is narrow: the buttons give way, not the name.
        widest = arg(self.tr("Class %1"), "00")
        self.name_edit.setMinimumWidth(self.name_edit.fontMetrics().horizontalAdvance(widest) + 12)
        self.count_label = QLabel(self.tr("Drop images or a folder here"))
        add = QPushButton(self.tr("Add Images…"))
        add.clicked.connect(self.pick_images)
        paste = QPushButton(self.tr("Paste"))
        paste.setToolTip(self.tr("Add the image or files on the clipboard (Ctrl+V)"))
        paste.clicked.connect(self.paste)
        remove = QToolButton(text="✕", autoRaise=True, toolTip=self.tr("Remove this class"))
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        self.thumbs = QHBoxLayout()
        self.thumbs.setSpacing(4)
        self.thumbs.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.name_edit, 1)
        top.addWidget(add)
        top.addWidget(paste)
        top.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addLayout(self.thumbs)
        self.error = ""

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    def add_paths(self, paths: list[Path]) -> None:
        new = [p for p in paths if p not in self.items]
        if new:
            self.items += new
            self.changed.emit()

    def add_image(self, image: QImage) -> None:
        """An image without a file: saved in the data folder, then used like a file."""
        try:
            self.add_paths([save_pasted(image, self.name or "class")])
        except OSError as exc:
            self.count_label.setText(str(exc))

    def pick_images(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            arg(self.tr("Add Images to %1"), self.name),
            "",
            arg(self.tr("Images (%1);;All files (*)"), image_patterns()),
        )
        self.add_paths([Path(f) for f in files])

    def paste(self) -> bool:
        """Add the clipboard's images or files; False when it holds none (or while training)."""
        if not self.acceptDrops():  # locked while training
            return False
        return self.take_mime(QApplication.clipboard().mimeData())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+V in the name field: a person pasting a picture means it for this class; only a
        clipboard of plain text (no picture, no file) is pasted into the name."""
        if (
            watched is self.name_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
        ):
            return self.paste()
        return super().eventFilter(watched, event)

    def take_mime(self, mime: Any) -> bool:
        inputs = read_mime(mime)
        self.add_paths(list(inputs.paths))
        if inputs.image is not None:
            self.add_image(inputs.image)
        return bool(inputs)

    def show_count(self, count: int, unreadable: int) -> None:
        if not self.items:
            text = self.tr("Drop images or a folder here")
        elif unreadable:
            text = arg(self.tr("%n image(s), %1 unreadable (skipped)", "", count), unreadable)
        else:
            text = self.tr("%n image(s)", "", count)
        if self.added:
            text += "\n" + self.tr("%n added since the last training", "", len(self.added))
        self.count_label.setText(text)

    def show_thumbnail(self, index: int, image: QImage) -> None:
        label = QLabel()
        label.setPixmap(QPixmap.fromImage(image))
        label.setFixedSize(THUMB, THUMB)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbs.insertWidget(min(index, self.thumbs.count() - 1), label)

    def clear_thumbnails(self) -> None:
        while self.thumbs.count() > 1:
            widget = self.thumbs.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if can_accept(event.mimeData()):
            event.acceptProposedAction()
            self.setStyleSheet("ClassCard { border: 2px solid palette(highlight); }")

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.setStyleSheet("")

    def dropEvent(self, event: QDropEvent) -> None:
        self.setStyleSheet("")
        if self.take_mime(event.mimeData()):
            event.acceptProposedAction()


class ClassesPanel(QWidget):
    """The cards, the folder choice, the scan's warnings; ``datasetChanged`` carries each new
    :class:`core.dataset.TrainingSet` (``None`` while there is nothing to train on)."""

    datasetChanged = Signal(object)
    scanFailed = Signal(str)

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        jobs.jobs.scanned.connect(self._on_scanned)
        jobs.jobs.failed.connect(self._on_failed)
        jobs.jobs.scanProgress.connect(self._on_scan_progress)
        self.cards: list[ClassCard] = []
        self.folder: Path | None = None  # the folder chosen, while the cards are as it gave them
        self.training_set: Any = None
        self.warnings: tuple[Any, ...] = ()
        self.scanning = False
        self._scan_number = 0
        self._loader = ThumbnailLoader(THUMB, self)
        self._loader.ready.connect(self._on_thumbnail)
        self._thumb_slots: dict[str, tuple[ClassCard, int]] = {}
        self._preview_cards: dict[str, ClassCard] = {}  # a preview scan's keys and their cards
        self._preview_number = 0  # its request: its progress and failure leave the summary alone
        self._timer = QTimer(self, singleShot=True, interval=RESCAN_DELAY_MS)
        self._timer.timeout.connect(self.rescan)
        choose = QPushButton(self.tr("Choose Folder…"))
        choose.setToolTip(self.tr("A folder with one sub-folder of images per class"))
        choose.clicked.connect(self.pick_folder)
        self.add_button = QPushButton(self.tr("Add Class"))
        self.add_button.clicked.connect(lambda: self.add_class())
        buttons = QHBoxLayout()
        buttons.addWidget(choose)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self.cards_box = QVBoxLayout()
        self.cards_box.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.cards_box)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(holder)
        self.summary = QLabel(self.tr("Add at least two classes, with a few images each."))
        self.summary.setWordWrap(True)
        self.warning_list = QListWidget()
        # Warnings are sentences: wrapped to the panel's width, never a sideways scroll.
        self.warning_list.setWordWrap(True)
        self.warning_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warning_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.warning_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path line
        self.warning_list.setMaximumHeight(150)
        self.warning_list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning_list)
        for _ in range(2):  # where a person starts: two empty classes to name and fill
            self.add_class()

    # -- building ------------------------------------------------------------------------------

    def add_class(self, name: str = "", items: list[Path] | None = None) -> ClassCard:
        card = ClassCard(name or arg(self.tr("Class %1"), len(self.cards) + 1))
        card.items = list(items or [])
        card.changed.connect(self._on_card_changed)
        card.removeRequested.connect(self.remove_class)
        self.cards.append(card)
        self.cards_box.insertWidget(self.cards_box.count() - 1, card)
        if items is None:
            self._on_card_changed()
        return card

    def remove_class(self, card: ClassCard) -> None:
        self.cards.remove(card)
        card.deleteLater()
        self._on_card_changed()

    def pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a Folder of Classes"))
        if folder:
            self.use_folder(Path(folder))

    def use_folder(self, folder: Path) -> None:
        """Train on ``folder``'s sub-folders: the scan fills the cards."""
        for card in list(self.cards):
            self.cards.remove(card)
            card.deleteLater()
        self.folder = folder
        self._timer.stop()
        self._request(ScanRequest(folder=folder))

    def _on_card_changed(self) -> None:
        self.folder = None  # the cards now say what the classes are
        self._timer.start()

    def project_classes(self) -> list[Any]:
        """The cards as ``core.projects.ProjectClass`` (names, pictures, what was added)."""
        from core.projects import ProjectClass

        return [ProjectClass(card.name, list(card.items), list(card.added)) for card in self.cards]

    def sync_classes(self, classes: list[Any]) -> None:
        """Make the cards say what ``classes`` (``ProjectClass``) say: a card per class, by name,
        kept where it exists (its thumbnails stay until the scan), made where it does not."""
        wanted = {c.name: c for c in classes}
        for card in [card for card in self.cards if card.name not in wanted]:
            self.cards.remove(card)
            card.deleteLater()
        by_name = {card.name: card for card in self.cards}
        for c in classes:
            card = by_name.get(c.name) or self.add_class(c.name, [])
            card.items, card.added = list(c.items), list(c.added)
        self._on_card_changed()

    def training_done(self) -> None:
        """What was added is now trained on: the cards stop counting it."""
        for card in self.cards:
            card.added.clear()

    def class_files(self) -> dict[str, list[Path]]:
        return {card.name: list(card.items) for card in self.cards}

    def problem(self) -> str:
        """Why the cards cannot be trained on as they are ("" when they can)."""
        names = [card.name for card in self.cards]
        if len(self.cards) < 2:
            return self.tr("Add at least two classes.")
        if any(not n for n in names):
            return self.tr("Every class needs a name.")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            return arg(self.tr("Two classes are called %1."), twice[0])
        empty = [card.name for card in self.cards if not card.items]
        if empty:
            return arg(self.tr("%1 has no images yet."), empty[0])
        return ""

    def rescan(self) -> None:
        if self.folder is not None:
            self._request(ScanRequest(folder=self.folder))
            return
        problem = self.problem()
        if problem:
            self._scan_number = 0  # an answer still on its way is stale
            self.scanning = False
            self._set_training_set(None, (), show_cards=False)
            self.summary.setText(problem)
            self._preview()
            return
        self._request(ScanRequest(classes=self.class_files()))

    def _preview(self) -> None:
        """The cards cannot be trained on yet, but still show what they hold: each filled card
        is scanned under a key of its own (two may share a name), its count and thumbnails kept."""
        self._preview_cards = {f"{i:04d}": card for i, card in enumerate(self.cards) if card.items}
        for card in self.cards:
            if not card.items:
                card.clear_thumbnails()
                card.show_count(0, 0)
        if self._preview_cards:
            classes = {key: list(card.items) for key, card in self._preview_cards.items()}
            self._scan_number = self._preview_number = self.jobs.scan(
                ScanRequest(classes=classes, preview=True)
            )

    def _request(self, request: ScanRequest) -> None:
        self.scanning = True
        self.summary.setText(self.tr("Looking at the images…"))
        self._scan_number = self.jobs.scan(request)

    # -- the scan's answers --------------------------------------------------------------------

    def _on_scan_progress(self, number: int, done: int, total: int) -> None:
        if number == self._scan_number != self._preview_number:
            self.summary.setText(arg(self.tr("Looking at the images… %1 of %2"), done, total))

    def _on_failed(self, number: int, kind: str, message: str) -> None:
        if kind == "scan" and number == self._scan_number != self._preview_number:
            self.scanning = False
            self._set_training_set(None, ())
            self.summary.setText(message)
            self.scanFailed.emit(message)

    def _on_scanned(self, number: int, scanned: Scanned) -> None:
        if number != self._scan_number:
            return
        ts = scanned.training_set
        if scanned.preview:  # counts and thumbnails only: the summary still says what is missing
            self._show_cards(ts, self._preview_cards)
            return
        self.scanning = False
        if self.folder is not None and not self.cards:
            root = Path(ts.origin or self.folder)
            for name in ts.classes:
                self.add_class(name, [root / name])  # filled by the scan: not an edit
        self._set_training_set(ts, scanned.warnings)

    def _set_training_set(self, ts: Any, warnings: tuple[Any, ...], show_cards: bool = True) -> None:
        self.training_set, self.warnings = ts, warnings
        if show_cards:
            self._show_cards(ts, {card.name: card for card in self.cards})
        self._show_warnings(warnings)
        if ts is not None:
            counts = ts.counts()
            self.summary.setText(
                arg(self.tr("%n class(es), %1 images", "", len(ts.classes)), sum(counts.values()))
            )
        self.datasetChanged.emit(ts)

    def _show_cards(self, ts: Any, cards: dict[str, ClassCard]) -> None:
        """Counts and thumbnails from ``ts``, whose classes are the keys of ``cards``."""
        self._loader.forget()
        self._thumb_slots.clear()
        counts = ts.counts() if ts is not None else {}
        unreadable = self._unreadable_per_card(ts)
        keys = {id(card): key for key, card in cards.items()}
        for card in self.cards:
            key = keys.get(id(card))
            card.clear_thumbnails()
            card.show_count(counts.get(key, 0) if key else 0, unreadable.get(id(card), 0))
        if ts is None:
            return
        shown: dict[int, int] = {}
        for path, index in ts.samples:
            card = cards.get(ts.classes[index])
            if card is None or shown.get(index, 0) >= THUMBS_PER_CLASS:
                continue
            key = f"{self._scan_number}:{path}"
            self._thumb_slots[key] = (card, shown.get(index, 0))
            shown[index] = shown.get(index, 0) + 1
            self._loader.request(key, path)

    def _unreadable_per_card(self, ts: Any) -> dict[int, int]:
        """Skipped files per card (by the card's ``id``: two cards may share a name)."""
        if ts is None:
            return {}
        found: dict[int, int] = {}
        for path, _why in ts.unreadable:
            for card in self.cards:
                if any(path == item or item in path.parents for item in card.items):
                    found[id(card)] = found.get(id(card), 0) + 1
                    break
        return found

    def _on_thumbnail(self, key: str, image: QImage) -> None:
        slot = self._thumb_slots.pop(key, None)
        if slot is not None and slot[0] in self.cards:
            slot[0].show_thumbnail(slot[1], image)

    def _show_warnings(self, warnings: tuple[Any, ...]) -> None:
        self.warning_list.clear()
        for warning in warnings:
            item = QListWidgetItem("⚠ " + text(warning.what))
            if warning.paths:
                item.setToolTip("\n".join(str(p) for p in warning.paths[:20]))
            self.warning_list.addItem(item)
            for path in warning.paths[:5] if warning.kind == "unreadable" else ():
                self.warning_list.addItem(QListWidgetItem(f"    {path}"))
        self.warning_list.setVisible(bool(warnings))

    def set_locked(self, locked: bool) -> None:
        """While training: the classes cannot change, but stay readable (not greyed out)."""
        for button in self.findChildren(QAbstractButton):
            button.setEnabled(not locked)
        for card in self.cards:
            card.setAcceptDrops(not locked)
            card.name_edit.setReadOnly(locked)

    def shutdown(self) -> None:
        self._timer.stop()
        self._loader.close()
