"""The views of an open audit, in navigation order."""

from mlaudit.gui.views.compare import CompareView
from mlaudit.gui.views.data import DataView
from mlaudit.gui.views.drift import DriftView
from mlaudit.gui.views.findings import FindingsView
from mlaudit.gui.views.history import HistoryView
from mlaudit.gui.views.leakage import LeakageView
from mlaudit.gui.views.models import ModelsView
from mlaudit.gui.views.overview import OverviewView
from mlaudit.gui.views.report import ReportView

VIEW_CLASSES = [OverviewView, HistoryView, DataView, DriftView, LeakageView, ModelsView, CompareView, FindingsView, ReportView]

__all__ = ["VIEW_CLASSES"]
