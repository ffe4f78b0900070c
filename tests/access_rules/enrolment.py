"""Enrolment: learner actions, the dashboard, centre pages, enrolment keys, invitations."""

from lms.models import Role
from tests.access_rules import ANY, PUBLIC

RULES = {
    "enrolment.enrol": ANY,
    "enrolment.unenrol": ANY,
    "enrolment.complete_module": ANY,
    "enrolment.move_version": ANY,
    "enrolment.dashboard": ANY,
    "enrolment.accept_invitation": PUBLIC,
    "enrolment.assignments": {Role.centre_admin, Role.site_admin},
    "enrolment.import_csv": {Role.centre_admin, Role.site_admin},
    "enrolment.assignment": {Role.centre_admin, Role.site_admin},
    "enrolment.withdraw_assignment": {Role.centre_admin, Role.site_admin},
    "enrolment.course_keys": {Role.site_admin, Role.educator},
    "enrolment.import_preview": {Role.centre_admin, Role.site_admin},
    "enrolment.import_title": {Role.centre_admin, Role.site_admin},
    "enrolment.job_titles": {Role.site_admin},
}

SAMPLE_ARGS = {"course": "no-such-course", "module": "01-no-such-module", "token": "not-a-token",
               "batch_id": 1, "assignment_id": 1}  # fmt: skip
