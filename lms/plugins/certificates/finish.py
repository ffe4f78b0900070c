"""The learner's certificate where they finish: on the last quiz's result page, on the
course page, and as an expiry badge on the catalogue's cards (connected in ``init_app``).

Module-level receivers (blinker keeps weak references); each reads only this plugin's own
table and returns Markup from this plugin's templates or plain :class:`lms.events.CourseBadge`
values.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import bindparam, select

from lms import events
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.plugins.certificates import codes, services
from lms.plugins.certificates.models import Certificate
from lms.urls import BaseUrlMissing, absolute_url


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The newest certificate of ``user_id`` for ``course_id`` that is not revoked, or None.
    An expired one is returned too (its page says so)."""
    return db.session.scalars(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(1)
    ).first()


def _share_url(code: str) -> str:
    """The verification page's address to give others: absolute under ``LMS_BASE_URL``;
    the site path where no base URL is configured (development)."""
    try:
        return absolute_url("certificates.verify", code=code)
    except BaseUrlMissing:
        return url_for("certificates.verify", code=code)


def _panel(certificate: Certificate, template: str) -> Markup:
    shown = codes.display(certificate.code)
    version = db.session.get(CourseVersion, certificate.version_id)
    locale = str(get_locale())
    title = version.text(locale)["title"] if version is not None else certificate.course_title
    return Markup(
        render_template(
            template,
            certificate=certificate,
            title=title,
            code=shown,
            status=services.status(certificate),
            share_url=_share_url(shown),
        )
    )


def on_quiz_result(sender, payload: events.QuizResultPage, **_extra) -> Markup | None:
    """The certificate this passed attempt earned: issued for the attempt's course version,
    not revoked. Nothing for a failed attempt or a course not yet complete."""
    if not payload.passed:
        return None
    certificate = current_certificate(payload.user_id, payload.course_id)
    if certificate is None or certificate.version_id != payload.version_id:
        return None
    return _panel(certificate, "certificates/_finish.html")


def on_course_page(sender, payload: events.CoursePage, **_extra) -> Markup | None:
    """A link to the person's certificate of this course (any version), if they hold one."""
    if payload.user_id is None:
        return None
    certificate = current_certificate(payload.user_id, payload.course_id)
    if certificate is None:
        return None
    return _panel(certificate, "certificates/_course_link.html")


# Built once (issue 18): the columns a card needs, not whole certificates.
_CARD_CERTIFICATES = (
    select(
        Certificate.course_id,
        Certificate.expires_on,
        Certificate.revoked_at,
    )
    .where(
        Certificate.user_id == bindparam("user_id"),
        Certificate.course_id.in_(bindparam("course_ids", expanding=True)),
        Certificate.revoked_at.is_(None),
    )
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)


def on_catalogue_states(sender, payload: events.CatalogueStates, **_extra) -> dict:
    """course id -> [CourseBadge("expiring"|"expired", expiry date)] for the person's current
    certificates that run out within ``LMS_EXPIRY_WARNING_DAYS`` or have run out. One query."""
    if not payload.course_ids:
        return {}
    rows = db.session.execute(
        _CARD_CERTIFICATES,
        {"user_id": payload.user_id, "course_ids": sorted(set(payload.course_ids))},
    )
    on, found = services.today(), {}
    for certificate in rows:  # rows carry expires_on and revoked_at, as services reads
        if certificate.course_id in found:
            continue  # an older certificate of a course already seen
        found[certificate.course_id] = []
        if services.expiring_soon(certificate, on):
            found[certificate.course_id].append(
                events.CourseBadge("expiring", certificate.expires_on)
            )
        elif services.status(certificate, on) == services.EXPIRED:
            found[certificate.course_id].append(
                events.CourseBadge("expired", certificate.expires_on)
            )
    return {course: badges for course, badges in found.items() if badges}
