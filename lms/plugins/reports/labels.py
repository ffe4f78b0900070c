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
    "left": _l("Left the centre"),  # people list only: see .former
    "no_record": _l("No training yet"),  # people list only: see .people_list
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


def left_label(row, centre_name, iso: bool = False) -> str:
    """ "Moved to Umeå on 3 Mar 2026" / "Left the centre on ..." for a row of status left;
    with ``iso`` (exports) the date as 2026-03-03."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    if row.left_on is None:
        when = "?"
    else:
        when = row.left_on.isoformat() if iso else format_date(row.left_on, "medium")
    if row.moved_to_id is not None:
        return _("Moved to %(centre)s on %(date)s", centre=centre_name(row.moved_to_id), date=when)
    return _("Left the centre on %(date)s", date=when)


def cert_code(code: str | None) -> str:
    """As certificates are printed: groups of four, so it reads like the paper copy."""
    if not code:
        return ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
