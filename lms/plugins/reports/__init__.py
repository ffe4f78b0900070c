"""Centre reports: who holds which training and when it runs out.

Read-only over the enrolment and certificates plugins' tables through SQL (see
:mod:`lms.plugins.reports.query` for the status rules); it imports neither plugin, writes
nothing and connects no receivers. Without the certificates plugin the reports still count
enrolments and completions; without the enrolment plugin they say they are unavailable.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.plugins import NavEntry, Plugin
from lms.plugins.reports.views import VIEWERS, bp


def nav(user) -> list[NavEntry]:
    if user is not None and user.role in VIEWERS:
        return [NavEntry(_l("Centre report"), "reports.dashboard", order=60)]
    return []


plugin = Plugin(
    name="reports",
    blueprint=bp,
    url_prefix="/centre",
    nav=nav,
    description="Centre dashboards, people lists, charts and CSV/XLSX exports.",
)
