"""Read-only views of other plugins' tables (SQLAlchemy Core, ``db.metadata.tables``).

Like the reports plugin, compliance never imports another plugin and never writes its
tables: it reads assignments, completions and certificates here, and asks for writes through
``assignment_requested`` / ``assignment_withdrawn``. A table whose plugin is switched off
reads as absent (None).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import Table, and_, exists, func, or_, select

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
    """Which of ``user_ids`` hold a valid certificate of the course on ``today``."""
    cert = certificates()
    if cert is None or not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(cert.c.user_id).where(
                cert.c.course_id == course_id,
                cert.c.user_id.in_(user_ids),
                valid_certificate_condition(cert, today),
            )
        )
    )


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
