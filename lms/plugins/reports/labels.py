"""The words the reports show for statuses, and small formatting shared by page and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "expired": _l("Expired"),
    "expiring": _l("Expiring soon"),
    "completed": _l("Completed"),
    "overdue": _l("Overdue"),
    "in_progress": _l("In progress"),
    "enrolled": _l("Enrolled"),
    "assigned": _l("Assigned, not enrolled"),
    "withdrawn": _l("Withdrawn"),
}

# Column headings of the count tables (short forms of the statuses).
STATUS_HEADINGS = {
    "expired": _l("Expired"),
    "expiring": _l("Expiring"),
    "completed": _l("Completed"),
    "overdue": _l("Overdue"),
    "in_progress": _l("In progress"),
    "enrolled": _l("Enrolled"),
    "assigned": _l("Assigned"),
    "withdrawn": _l("Withdrawn"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def cert_code(code: str | None) -> str:
    """As certificates are printed: groups of four, so it reads like the paper copy."""
    if not code:
        return ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
