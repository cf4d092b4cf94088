"""Settings: thresholds and path rules (saved to the mlaudit config, applied to the next scoring) and the theme."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlaudit.core.config import THRESHOLDS, AuditConfig, load_config, save_config
from mlaudit.core.roles import ROLES
from mlaudit.gui.theme import THEME_CHOICES, apply_theme
from mlaudit.gui.widgets import human_size


def _load_every_threshold() -> None:
    """Import the checks so every module declares its thresholds before the dialog lists them."""
    from mlaudit.checks.base import all_checks

    all_checks()


class SettingsDialog(QDialog):
    """Edit the persisted AuditConfig and the GUI theme; OK saves both."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("mlaudit settings")
        self.resize(760, 560)
        _load_every_threshold()
        self.config = load_config()
        tabs = QTabWidget()
        tabs.addTab(self._thresholds_tab(), "Thresholds")
        tabs.addTab(self._rules_tab(), "Path rules")
        tabs.addTab(self._appearance_tab(), "Appearance")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        box = QVBoxLayout(self)
        box.addWidget(tabs)
        note = QLabel("Saved settings apply to the next scoring: OK rescans the open audit.")
        note.setObjectName("viewSubtitle")
        box.addWidget(note)
        box.addWidget(buttons)

    def _thresholds_tab(self) -> QWidget:
        """Every declared threshold with its meaning, in a scrolling list (there are dozens)."""
        page = QWidget()
        form = QFormLayout(page)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for name, spec in sorted(THRESHOLDS.items()):
            spin = QDoubleSpinBox()
            spin.setObjectName(f"threshold_{name}")
            # counts, sizes and seconds are whole numbers; shares and p-values keep four decimals
            spin.setDecimals(0 if float(spec.default).is_integer() and abs(spec.default) >= 2 else 4)
            spin.setRange(-1e12, 1e12)
            spin.setGroupSeparatorShown(True)  # 4,294,967,296 rather than 4294967296
            spin.setValue(self.config.threshold(name))
            spin.setToolTip(f"{spec.help}\nDefault: {spec.default:g}")
            caption = QLabel(name)
            caption.setToolTip(spec.help)
            default = f"{spec.default:,.0f}" if float(spec.default).is_integer() else f"{spec.default:g}"
            if "bytes" in name or name.endswith("_size"):
                default += f" bytes = {human_size(int(spec.default))}"
            meaning = QLabel(f"{spec.help} (default {default})")
            meaning.setObjectName("viewSubtitle")
            meaning.setWordWrap(True)
            field = QWidget()
            field_box = QVBoxLayout(field)
            field_box.setContentsMargins(0, 0, 0, 6)
            field_box.setSpacing(2)
            field_box.addWidget(spin)
            field_box.addWidget(meaning)
            form.addRow(caption, field)
            self.spins[name] = spin
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _rules_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel("Extra path rules, tried before the built-in ones: a glob (e.g. datasets/**/*.bin) and the role it gives."))
        self.rules = QTableWidget(0, 2)
        self.rules.setObjectName("pathRules")
        self.rules.setHorizontalHeaderLabels(["glob", "role"])
        self.rules.horizontalHeader().setStretchLastSection(True)
        self.rules.setColumnWidth(0, 420)
        for pattern, role in self.config.path_rules:
            self.add_rule(pattern, role)
        row = QHBoxLayout()
        add = QPushButton("Add rule")
        add.clicked.connect(lambda: self.add_rule("", "data"))
        remove = QPushButton("Remove selected")
        remove.clicked.connect(lambda: self.rules.removeRow(self.rules.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        box.addWidget(self.rules, 1)
        box.addLayout(row)
        return page

    def add_rule(self, pattern: str, role: str) -> None:
        row = self.rules.rowCount()
        self.rules.insertRow(row)
        self.rules.setItem(row, 0, QTableWidgetItem(pattern))
        combo = QComboBox()
        combo.addItems(list(ROLES))
        combo.setCurrentText(role)
        self.rules.setCellWidget(row, 1, combo)

    def _appearance_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        self.theme.addItems(list(THEME_CHOICES))
        self.theme.setCurrentText(str(self.window_.settings.value("theme", "system")))
        self.theme.setToolTip("system follows the desktop's light or dark setting")
        form.addRow("Theme", self.theme)
        return page

    def restore_defaults(self) -> None:
        for name, spin in self.spins.items():
            spin.setValue(THRESHOLDS[name].default)

    def edited_config(self) -> AuditConfig:
        """The configuration as edited: only thresholds that differ from their defaults are stored."""
        thresholds = {n: s.value() for n, s in self.spins.items() if abs(s.value() - THRESHOLDS[n].default) > 1e-12}
        rules = []
        for row in range(self.rules.rowCount()):
            item = self.rules.item(row, 0)
            combo = self.rules.cellWidget(row, 1)
            if item is not None and item.text().strip():
                rules.append((item.text().strip(), cast(QComboBox, combo).currentText()))  # each rule row holds a role combo
        return AuditConfig(thresholds=thresholds, path_rules=rules)

    def accept(self) -> None:
        save_config(self.edited_config())
        self.window_.settings.setValue("theme", self.theme.currentText())
        apply_theme(cast(QApplication, QApplication.instance()), self.theme.currentText())  # a dialog runs inside the app
        super().accept()

