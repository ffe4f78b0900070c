"""Reports: figures for educators (their own courses), names and exports for admins only."""

from lms.models import Role

RULES = {
    "reports.dashboard": frozenset({Role.educator, Role.centre_admin, Role.site_admin}),
    "reports.people": frozenset({Role.centre_admin, Role.site_admin}),
    "reports.export_csv": frozenset({Role.centre_admin, Role.site_admin}),
    "reports.export_xlsx": frozenset({Role.centre_admin, Role.site_admin}),
}
