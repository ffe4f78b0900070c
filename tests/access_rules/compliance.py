"""Compliance: requirements and the training matrix are centre admins' and site admins'."""

from lms.models import Role

ADMINS = frozenset({Role.centre_admin, Role.site_admin})

RULES = {
    "compliance.requirements": ADMINS,
    "compliance.withdraw_requirement": ADMINS,
    "compliance.matrix": ADMINS,
    "compliance.matrix_csv": ADMINS,
    "compliance.matrix_xlsx": ADMINS,
}

SAMPLE_ARGS = {"requirement_id": 1}
