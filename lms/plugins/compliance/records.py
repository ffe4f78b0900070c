"""Read-only views of other plugins' tables (SQLAlchemy Core, ``db.metadata.tables``).

Like the reports plugin, compliance never imports another plugin and never writes its
tables: it reads assignments, completions, certificates and training done elsewhere (the
records plugin's ``records_external_training``) here, and asks for writes through
``assignment_requested`` / ``assignment_withdrawn``. A table whose plugin is switched off
reads as absent (None).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import Table, and_, exists, false, func, or_, select

from lms.extensions import db
from lms.plugins import enabled_plugins


def table(plugin: str, name: str) -> Table | None:
    """``name`` when its plugin is enabled in this app, else None."""
    if plugin not in enabled_plugins(current_app):
        return None
    return db.metadata.tables.get(name)


def assignments() -> Table | None:
    return table("enrolment", "enrolment_assignment")


def completions() -> Table | None:
    return table("enrolment", "enrolment_completion")


def cycles() -> Table | None:
    return table("enrolment", "enrolment_cycle")


def certificates() -> Table | None:
    return table("certificates", "certificates_certificate")


def external() -> Table | None:
    """Training done elsewhere (records plugin), or None when that plugin is off."""
    return table("records", "records_external_training")


def valid_external_condition(ext: Table, today: date):
    """SQL condition on ``ext``: the outside training counts as a course (``course_id`` set;
    a free-text record counts as nothing) and is valid on ``today`` (Stockholm date;
    ``valid_until`` None: no expiry). Outside records are never withdrawn (append-only), so
    there is no other state to check. Rule: issue 19 §3, it counts towards requirements like
    our own certificates."""
    return and_(
        ext.c.course_id.is_not(None),
        or_(ext.c.valid_until.is_(None), ext.c.valid_until >= today),
    )


def valid_externals(user_ids_query, course_ids: list[int], today: date):
    """Per (person, course): the latest ``valid_until`` of their valid outside training on
    ``today`` (None: without expiry, which beats any date), as a dict
    {(user_id, course_id): date | None}; empty without the records plugin."""
    ext = external()
    if ext is None or not course_ids:
        return {}
    found: dict[tuple[int, int], date | None] = {}
    rows = db.session.execute(
        select(ext.c.user_id, ext.c.course_id, ext.c.valid_until).where(
            ext.c.user_id.in_(user_ids_query),
            ext.c.course_id.in_(course_ids),
            valid_external_condition(ext, today),
        )
    )
    for user_id, course_id, until in rows:
        key = (user_id, course_id)
        held = found.get(key, until)
        if key not in found or (held is not None and (until is None or until > held)):
            found[key] = until
    return found


def held_externally(user_col, course_col, today: date):
    """SQL condition: the person in ``user_col`` holds valid outside training for the course
    in ``course_col`` on ``today``; a false condition without the records plugin."""
    ext = external()
    if ext is None:
        return false()
    return exists().where(
        ext.c.user_id == user_col,
        ext.c.course_id == course_col,
        valid_external_condition(ext, today),
    )


def counting_completion(c: Table):
    """SQL condition: the completion still counts (its certificate was not revoked, which
    starts a cycle that ends it)."""
    cy = cycles()
    return ~exists().where(cy.c.ends_completion_id == c.c.id)


def open_assignment_condition(a: Table):
    """SQL condition on ``a``: not withdrawn, no counting completion of the course after it
    was made, and no newer not-withdrawn assignment of the course (the newest governs)."""
    c = completions()
    newer = a.alias("newer")
    return and_(
        a.c.withdrawn_at.is_(None),
        ~exists().where(
            c.c.user_id == a.c.user_id,
            c.c.course_id == a.c.course_id,
            c.c.completed_at >= a.c.created_at,
            counting_completion(c),
        ),
        ~exists().where(
            newer.c.user_id == a.c.user_id,
            newer.c.course_id == a.c.course_id,
            newer.c.withdrawn_at.is_(None),
            newer.c.id > a.c.id,
        ),
    )


def valid_certificate_condition(cert: Table, today: date):
    """SQL condition on ``cert``: not revoked and not expired on ``today`` (Stockholm)."""
    return and_(
        cert.c.revoked_at.is_(None), or_(cert.c.expires_on.is_(None), cert.c.expires_on >= today)
    )


def holders(user_ids: list[int], course_id: int, today: date) -> set[int]:
    """Which of ``user_ids`` hold the course on ``today`` (Stockholm date): a valid
    certificate, or valid training done elsewhere that counts as the course."""
    if not user_ids:
        return set()
    found: set[int] = set()
    cert = certificates()
    if cert is not None:
        found |= set(
            db.session.scalars(
                select(cert.c.user_id).where(
                    cert.c.course_id == course_id,
                    cert.c.user_id.in_(user_ids),
                    valid_certificate_condition(cert, today),
                )
            )
        )
    ext = external()
    if ext is not None:
        found |= set(
            db.session.scalars(
                select(ext.c.user_id).where(
                    ext.c.course_id == course_id,
                    ext.c.user_id.in_(user_ids),
                    valid_external_condition(ext, today),
                )
            )
        )
    return found


def newest_certificates(user_ids_query, course_ids: list[int]):
    """Per (person, course): the newest not revoked certificate (id, expires_on), as a
    select of (user_id, course_id, expires_on); None without the certificates plugin."""
    cert = certificates()
    if cert is None:
        return None
    newest = (
        select(func.max(cert.c.id))
        .where(cert.c.revoked_at.is_(None), cert.c.course_id.in_(course_ids))
        .where(cert.c.user_id.in_(user_ids_query))
        .group_by(cert.c.user_id, cert.c.course_id)
    )
    return select(cert.c.user_id, cert.c.course_id, cert.c.expires_on, cert.c.id).where(
        cert.c.id.in_(newest)
    )


def requirement_holders(requirement_id: int) -> list[int]:
    """People with a not withdrawn assignment made by the requirement."""
    a = assignments()
    if a is None:
        return []
    return list(
        db.session.scalars(
            select(a.c.user_id)
            .where(a.c.requirement_id == requirement_id, a.c.withdrawn_at.is_(None))
            .distinct()
        )
    )
