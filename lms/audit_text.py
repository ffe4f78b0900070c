"""Audit events in words, in the reader's language: one sentence per action code.

A sentence may name details of the event as ``%(name)s`` (``old``, ``new``, ``course``…);
a detail the event lacks reads as a dash. An action missing here is shown as its code, so
a new action never breaks a page (add its sentence here when you add the action).
"""

from __future__ import annotations

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.labels import roles_label

SENTENCES = {
    "authoring.course_created": _l("Created the course %(course)s for authoring"),
    "authoring.file_added": _l("Added the file %(path)s to the draft of %(course)s"),
    "authoring.file_saved": _l("Saved the file %(path)s in the draft of %(course)s"),
    "authoring.file_deleted": _l("Deleted the file %(path)s from the draft of %(course)s"),
    "authoring.file_renamed": _l("Renamed a file in the draft of %(course)s"),
    "authoring.picture_added": _l("Added the picture %(path)s to the draft of %(course)s"),
    "authoring.picture_replaced": _l("Replaced the picture %(path)s in the draft of %(course)s"),
    "authoring.folder_imported": _l("Imported a folder into the draft of %(course)s"),
    "authoring.zip_uploaded": _l("Uploaded a ZIP file into the draft of %(course)s"),
    "authoring.imported": _l("Took %(course)s over for authoring in the browser"),
    "authoring.owner_added": _l("Made this person an owner of %(course)s"),
    "authoring.published": _l("Published %(course)s"),
    "centre.domain_added": _l("Added the e-mail domain %(domain)s to the centre %(centre)s"),
    "centre.domain_removed": _l("Removed the e-mail domain %(domain)s from the centre %(centre)s"),
    "certificate.revoked": _l("Revoked the certificate %(code)s"),
    "content.course_taken_over": _l("Moved %(course)s back to the course files"),
    "email.verification_sent": _l("Sent a link to verify the e-mail address"),
    "email.verified": _l("Verified the e-mail address"),
    "enrolment.assigned": _l("Assigned %(course)s, due %(due_on)s"),
    "enrolment.due_date_changed": _l(
        "Changed the due date of %(course)s from %(previous_due_on)s to %(due_on)s"
    ),
    "enrolment.enrolled": _l("Enrolled in %(course)s"),
    "enrolment.assignment_withdrawn": _l("Withdrew an assignment, due %(due_on)s"),
    "enrolment.rejoined": _l("Enrolled again in %(course)s"),
    "enrolment.imported": _l("Enrolled from a CSV file in %(course)s"),
    "enrolment.key_changed": _l("Changed the enrolment key of %(course)s"),
    "enrolment.retake_required": _l("Asked to take %(course)s again"),
    "enrolment.version_moved": _l("Moved onto a new version of %(course)s"),
    "enrolment.withdrawn": _l("Left %(course)s"),
    "login.failed": _l("A login failed"),
    "login.succeeded": _l("Logged in"),
    "logout": _l("Logged out"),
    "membership.requested": _l("Asked to join the centre %(centre)s"),
    "membership.cancelled": _l("Withdrew the request to join the centre %(centre)s"),
    "membership.confirmed": _l("Confirmed as a member of the centre %(new_centre)s"),
    "membership.declined": _l("Declined as a member of the centre %(centre)s"),
    "membership.ended": _l("Membership of the centre %(old_centre)s ended"),
    "membership.moved": _l("Moved from the centre %(old_centre)s to %(new_centre)s"),
    "password.changed": _l("Changed the password"),
    "password.reset": _l("Set a new password from a reset link"),
    "password.reset_requested": _l("Asked for a password reset link"),
    "person.updated": _l("Changed the profession or unit"),
    "personal_data.downloaded": _l("Downloaded their personal data"),
    "job_title.mapped": _l("Mapped the job title %(title)s to a profession: %(old)s → %(new)s"),
    "profile.updated": _l("Changed the name in the profile"),
    "compliance.requirement_created": _l("Made the training requirement %(name)s"),
    "compliance.requirement_withdrawn": _l("Withdrew a training requirement"),
    "quiz.attempts_granted": _l("Granted %(extra)s extra attempts at the quiz %(quiz)s"),
    "records.signed": _l("Signed: read and understood %(course)s, version %(version)s"),
    "records.external_recorded": _l("Recorded training done elsewhere: %(title)s"),
    "records.pack_built": _l("Built an inspection pack for the centre %(centre)s"),
    "role.changed": _l("Changed the role from %(old)s to %(new)s"),
    "sso.centre_policy": _l("Changed how the centre %(centre)s signs in"),
    "sso.identity_linked": _l("Linked an account at an identity provider"),
    "sso.identity_removed": _l("Removed a link to an identity provider"),
    "sso.login": _l("Logged in through an identity provider"),
    "sso.login_failed": _l("A login through an identity provider failed"),
    "user.activated": _l("Activated the account"),
    "user.anonymised": _l("Anonymised the account"),
    "user.deactivated": _l("Deactivated the account"),
    "user.invited": _l("Invited to %(course)s"),
    "user.registered": _l("Registered an account"),
}

_ROLE_ACTIONS = {"role.changed"}


class _Details(dict):
    def __missing__(self, key: str) -> str:
        return "–"


class _Ellipsis(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def action_label(action: str) -> str:
    """The action's sentence with its details left out, for a list to choose from."""
    sentence = SENTENCES.get(action)
    return str(sentence) % _Ellipsis() if sentence is not None else action


def _value(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list):  # a set of values, e.g. the roles of role.changed
        return ", ".join(_value(item) for item in value) if value else "–"
    if isinstance(value, dict):  # {"old": ..., "new": ...} of one field
        return f"{_value(value.get('old'))} → {_value(value.get('new'))}"
    return str(value)


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """(course address -> title in the current locale, centre address -> name), read once
    per request and locale (two small queries: a few dozen courses, seven centres)."""
    from flask import g, has_app_context

    from lms.content.models import Course, CourseVersion
    from lms.extensions import db
    from lms.models import Centre

    locale = str(get_locale())
    memo = g.setdefault("audit_text_names", {}) if has_app_context() else {}
    if locale not in memo:
        courses = {}
        for slug, title, translations in db.session.execute(
            select(Course.slug, CourseVersion.title, CourseVersion.translations).join(
                CourseVersion,
                CourseVersion.id
                == func.coalesce(Course.published_version_id, Course.latest_version_id),
            )
        ):
            courses[slug] = ((translations or {}).get(locale) or {}).get("title") or title
        centres = {
            slug: name for slug, name in db.session.execute(select(Centre.slug, Centre.name))
        }
        memo[locale] = (courses, centres)
    return memo[locale]


def describe(action: str, details: dict | None) -> str:
    """The event as a sentence in the current locale (str). Never raises: an unknown
    action is its code, a missing detail a dash. A course or centre named by its address
    in the details reads as its title or name (the address when it is no longer known)."""
    sentence = SENTENCES.get(action)
    if sentence is None:
        return action
    values = _Details({key: _value(value) for key, value in (details or {}).items()})
    if "course" in values or "centre" in values:
        courses, centres = _names()
        if "course" in values:
            values["course"] = courses.get(values["course"], values["course"])
        if "centre" in values:
            values["centre"] = centres.get(values["centre"], values["centre"])
    if action in _ROLE_ACTIONS:
        for key in ("old", "new"):
            if key in (details or {}):
                values[key] = roles_label(details[key])
    if action == "quiz.attempts_granted" and str(values.get("extra", "")).isdigit():
        extra = int(values["extra"])
        return ngettext(
            "Granted %(num)d extra attempt at the quiz %(quiz)s",
            "Granted %(num)d extra attempts at the quiz %(quiz)s",
            extra,
            quiz=values["quiz"],
        )
    try:
        return str(sentence) % values
    except (TypeError, ValueError, KeyError):
        return str(sentence)


def changes(details: dict | None) -> list[tuple[str, str, str]]:
    """(field, old, new) for each change the details record: ``old``/``new`` of the event,
    ``previous_<field>``/``<field>`` pairs, and fields stored as ``{"old":, "new":}``."""
    details = details or {}
    found: list[tuple[str, str, str]] = []
    if "old" in details or "new" in details:
        found.append(("", _value(details.get("old")), _value(details.get("new"))))
    if "old_centre" in details or "new_centre" in details:
        old, new = details.get("old_centre"), details.get("new_centre")
        found.append(("centre", _value(old), _value(new)))
    for key, value in details.items():
        if key.startswith("previous_"):
            field = key[len("previous_") :]
            found.append((field, _value(value), _value(details.get(field))))
        elif isinstance(value, dict) and ("old" in value or "new" in value):
            found.append((key, _value(value.get("old")), _value(value.get("new"))))
    return found


def reason_of(details: dict | None) -> str:
    """The reason the actor typed, or an empty string."""
    reason = (details or {}).get("reason")
    return reason if isinstance(reason, str) else ""


def unknown_person() -> str:
    return _("nobody (the system)")
