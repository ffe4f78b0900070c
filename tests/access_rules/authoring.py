"""Authoring: educators and site admins only; a course's owners are checked in the views
(tests/authoring/test_access.py), so the matrix sees a 404 for a course that is not there."""

from lms.models import Role
from tests.access_rules import PUBLIC

AUTHORS = {Role.educator, Role.site_admin}

RULES = {
    "authoring.static": PUBLIC,
    "authoring.index": AUTHORS,
    "authoring.new": AUTHORS,
    "authoring.course": AUTHORS,
    "authoring.check": AUTHORS,
    "authoring.publish": AUTHORS,
    "authoring.add_owner": {Role.site_admin},
    "authoring.import_course": AUTHORS,
    "authoring.edit": AUTHORS,
    "authoring.new_file": AUTHORS,
    "authoring.rename": AUTHORS,
    "authoring.delete": AUTHORS,
    "authoring.upload_picture": AUTHORS,
    "authoring.upload_zip": AUTHORS,
    "authoring.download": AUTHORS,
    "authoring.raw": AUTHORS,
    "authoring.preview_start": AUTHORS,
    "authoring.preview_course": AUTHORS,
    "authoring.preview_module": AUTHORS,
    "authoring.preview_quiz": AUTHORS,
}

SAMPLE_ARGS = {"preview_lang": "en"}
