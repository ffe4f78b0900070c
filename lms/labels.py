"""Translatable names for the enums people see."""

from flask_babel import lazy_gettext as _l

from lms.models import MembershipStatus, Profession, Role

PROFESSION_LABELS = {
    Profession.nurse: _l("Nurse"),
    Profession.pharmacist: _l("Pharmacist"),
    Profession.researcher: _l("Researcher"),
    Profession.physician: _l("Physician"),
    Profession.assistant_nurse: _l("Assistant nurse"),
    Profession.biomedical_scientist: _l("Biomedical scientist"),
    Profession.pharmacy_technician: _l("Pharmacy technician"),
    Profession.prescriptionist: _l("Prescriptionist"),
    Profession.other: _l("Other"),
}

ROLE_LABELS = {
    Role.learner: _l("Learner"),
    Role.educator: _l("Educator"),
    Role.centre_admin: _l("Centre admin"),
    Role.site_admin: _l("Site admin"),
}

MEMBERSHIP_STATUS_LABELS = {
    MembershipStatus.requested: _l("Asked to join"),
    MembershipStatus.confirmed: _l("Member"),
    MembershipStatus.declined: _l("Request declined"),
    MembershipStatus.cancelled: _l("Request withdrawn"),
    MembershipStatus.ended: _l("Membership ended"),
}


def membership_status_label(value) -> str:
    try:
        return str(MEMBERSHIP_STATUS_LABELS[MembershipStatus(value)])
    except ValueError:
        return str(value)


def profession_label(value) -> str:
    try:
        return str(PROFESSION_LABELS[Profession(value)])
    except ValueError:
        return str(value)


def roles_label(values) -> str:
    """A set of roles as one phrase ("Educator, Centre admin"): the roles beyond learner in
    the enum's order, or "Learner" when there are none. ``values``: Role members or stored
    values (a single string is one role: audit events before 0019_user_roles)."""
    if isinstance(values, str):
        values = [values]
    held = [r for r in Role if r.value in {str(v) for v in values or ()} and r != Role.learner]
    return ", ".join(role_label(r) for r in held) if held else role_label(Role.learner)


def role_label(value) -> str:
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return str(value)
