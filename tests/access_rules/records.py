"""Records: the audit trail for admins (a centre admin: their centre's people); signing for
any logged-in learner (their own enrolment only)."""

from lms.models import Role

ADMINS = frozenset({Role.centre_admin, Role.site_admin})

RULES = {
    "records.audit_list": ADMINS,
    "records.audit_csv": ADMINS,
    "records.history": ADMINS,
    "records.sign": "any",
    "records.inspection_pack": ADMINS,
    "records.external_list": ADMINS,
    "records.evidence": "any",
}
SAMPLE_ARGS = {"record_id": 1}
