"""The light stylesheet and the colours the widgets share: one place for the look."""

from __future__ import annotations

ACCENT = "#1f7a57"  # a calm ecological green
ACCENT_LIGHT = "#e6f2ec"
ERROR = "#c62828"
ERROR_BG = "#fdecea"
WARNING = "#b26a00"  # amber text (readable on white)
WARNING_ICON = "#e08a00"  # amber marks
WARNING_BG = "#fff4e0"
QUERY = "#2f6fbf"  # the receiver asked about this place (查询)
QUERY_BG = "#eaf2fc"
MUTED = "#667085"
BORDER = "#d0d5dd"
WINDOW_BG = "#f4f6f8"

# Colours of the form states in the plan tree and the overview.
STATE_COLOURS = {
    "empty": "#98a2b3",
    "draft": "#2f6fba",
    "errors": ERROR,
    "warnings": WARNING_ICON,
    "checked": ACCENT,
    "signed": "#6941c6",
}

# Completeness matrix of a consolidation: the same colours as the consolidated workbook's fills.
COMPLETENESS_COLOURS = {
    "submitted": "#e2efda",
    "warnings": "#fff2cc",
    "missing": "#f8cbad",
    "not_required": "#ffffff",
}

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW_BG}; }}
QWidget#formPage, QWidget#overviewPage {{ background: white; }}
QScrollArea {{ border: none; background: white; }}
QLabel#formTitle {{ font-size: 15pt; font-weight: bold; color: #101828; }}
QLabel#formIntro, QLabel#muted {{ color: {MUTED}; }}
QLabel#sectionTitle {{
    font-size: 11.5pt; font-weight: bold; color: {ACCENT};
    padding-top: 10px; border-bottom: 1px solid {ACCENT_LIGHT};
}}
QLabel#headerCell {{ color: {MUTED}; font-weight: bold; }}
QLabel#fieldError {{ color: {ERROR}; }}
QLabel#fieldError[level="warning"] {{ color: {WARNING}; }}
QLabel#fieldError[level="query"] {{ color: {QUERY}; }}
QLabel#charCount {{ color: {MUTED}; }}
QLabel#charCount[problem="true"] {{ color: {WARNING}; }}
QLabel#helpStrip {{
    background: {ACCENT_LIGHT}; color: #1d2939; padding: 6px 10px; border-radius: 4px;
}}
QLabel#helpStrip[level="warning"] {{ background: {WARNING_BG}; color: #7a4a00; }}
QLabel#helpStrip[level="error"] {{ background: {ERROR_BG}; color: {ERROR}; }}
QLineEdit, QComboBox, QPlainTextEdit, QSpinBox {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 6px; background: white;
    selection-background-color: {ACCENT};
}}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit[problem="error"], QComboBox[problem="error"], QPlainTextEdit[problem="error"] {{
    border: 1px solid {ERROR}; background: {ERROR_BG};
}}
QLineEdit[problem="warning"], QComboBox[problem="warning"], QPlainTextEdit[problem="warning"] {{
    border: 1px solid {WARNING}; background: {WARNING_BG};
}}
QLineEdit[problem="query"], QComboBox[problem="query"], QPlainTextEdit[problem="query"] {{
    border: 2px solid {QUERY}; background: {QUERY_BG};
}}
QLabel#feedbackBanner {{
    background: {QUERY_BG}; color: #1d3b6b; border: 1px solid {QUERY}; border-radius: 4px;
    padding: 6px 10px;
}}
QLabel#officeNote {{
    background: #fdf2f2; color: #7f1d1d; border: 1px solid #e4a5a5; border-radius: 4px;
    padding: 6px 10px;
}}
QLineEdit:read-only {{ background: #f2f4f7; color: {MUTED}; }}
QPushButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 14px; background: white;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:default, QPushButton#primary {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #98a2b3; }}
QTreeWidget, QListWidget, QTableView {{
    border: 1px solid {BORDER}; background: white; alternate-background-color: #f9fafb;
}}
QTreeWidget::item {{ padding: 3px 0; }}
QTreeWidget::item:selected, QListWidget::item:selected {{ background: {ACCENT_LIGHT}; color: #101828; }}
QHeaderView::section {{
    background: #f2f4f7; border: none; border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER}; padding: 4px 6px; font-weight: bold;
}}
QProgressBar {{
    border: 1px solid {BORDER}; border-radius: 4px; background: #f2f4f7; text-align: center;
    max-height: 16px;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
QStatusBar {{ background: white; border-top: 1px solid {BORDER}; }}
QToolBar {{ background: white; border-bottom: 1px solid {BORDER}; spacing: 6px; padding: 3px; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: white; }}
QTabBar::tab {{ padding: 6px 14px; }}
QTabBar::tab:selected {{ color: {ACCENT}; font-weight: bold; }}
"""
