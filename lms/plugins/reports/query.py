"""The training status of every person × course, as one SQL statement.

Reports read the enrolment and certificates plugins' tables through SQLAlchemy Core
(``db.metadata.tables``), never through their Python packages, and never write them.

How a status is decided, per person and course, first match wins:

``expired``
    the newest non-revoked certificate has ``expires_on`` before today and no newer
    completion exists;
``expiring``
    the newest non-revoked certificate expires within ``LMS_EXPIRY_WARNING_DAYS`` (60);
``completed``
    a non-revoked certificate that is still valid, or a completion whose certificate was
    not revoked (a completion without a certificate, e.g. with the certificates plugin off,
    counts);
``overdue``
    the newest assignment's due date is before today and nothing above applies;
``in_progress``
    an active enrolment with at least one progress row;
``enrolled``
    an active enrolment without progress;
``assigned``
    assigned, but not (or no longer) enrolled;
``withdrawn``
    withdrew from the course and holds nothing of the above.

A revoked certificate does not count as completed: its completion stays in the records and
the person is shown with a "revoked" mark, but the status falls through to the rules below.

Who is counted: people are counted at their *current* centre (``user_account.centre_id``).
A deactivated (or anonymised) person is counted only for the courses where they hold a
training record (a completion or a certificate, revoked or not): their history stays visible
to an inspector, while their unfinished enrolments and assignments are no longer the
centre's concern.

How it is computed: one ``UNION ALL`` of facts from enrolments, assignments, completions and
certificates, each branch already narrowed by centre, course and profession through the
indexed ``user_id`` columns, grouped once by (person, course); the newest assignment and
certificate are then fetched by primary key. Every page groups or pages this statement in
SQL, so the number of rows never reaches Python and the number of queries stays constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)

from lms.models import User

STATUSES = (
    "expired",
    "expiring",
    "completed",
    "overdue",
    "in_progress",
    "enrolled",
    "assigned",
    "withdrawn",
)

ENROLMENT_TABLES = (
    "enrolment_enrolment",
    "enrolment_progress",
    "enrolment_completion",
    "enrolment_assignment",
)
CERTIFICATE_TABLE = "certificates_certificate"


@dataclass(frozen=True)
class Tables:
    """The other plugins' tables this app may read; ``cert`` is None without certificates."""

    enrolment: Table
    progress: Table
    completion: Table
    assignment: Table
    cert: Table | None


@dataclass(frozen=True)
class Filter:
    """What the statement is narrowed to. ``centre_id`` None with ``all_centres`` False
    means "nobody" (a centre admin without a centre); ``course_ids`` None means all."""

    centre_id: int | None = None
    all_centres: bool = False
    course_ids: tuple[int, ...] | None = None
    profession: str | None = None


def _null_int():
    return cast(null(), Integer)


def people_conditions(table: Table, filt: Filter, users: Table) -> list:
    """Conditions on a branch: its user's centre and profession, its course."""
    conditions = [users.c.id == table.c.user_id]
    if not filt.all_centres:
        # No centre: match nobody (a primary key is never NULL). Not ``false()``: SQLAlchemy
        # would fold the join condition away with it.
        centre = filt.centre_id
        conditions.append(
            users.c.centre_id == centre if centre is not None else users.c.id.is_(None)
        )
    if filt.profession is not None:
        conditions.append(users.c.profession == filt.profession)
    if filt.course_ids is not None:
        conditions.append(table.c.course_id.in_(filt.course_ids))
    return conditions


def _facts(t: Tables, filt: Filter, detail: bool):
    """One row per fact, all with the same columns; NULL where a branch knows nothing.

    Each branch carries its person's profession, centre and active flag (it joins the
    person anyway, to filter by centre), so the grouped rows need no second look-up.
    A completion enters through its certificate when it has one that is not revoked, and
    by itself only when it has no certificate at all: a completion whose certificate was
    revoked does not count, and the check is an index-only probe of the unique
    ``completion_id``.
    """
    users = User.__table__
    e, p, c, a, cert = t.enrolment, t.progress, t.completion, t.assignment, t.cert
    no_date = cast(null(), DateTime)

    def branch(table, **values):
        columns = [
            table.c.user_id.label("user_id"),
            table.c.course_id.label("course_id"),
            users.c.profession.label("profession"),
            users.c.centre_id.label("centre_id"),
            users.c.active.label("active"),
        ]
        for name in FACTS:
            if name == "enrolled_at" and not detail:
                continue
            empty = no_date if name in ("enrolled_at", "comp_at") else _null_int()
            columns.append(values.get(name, empty).label(name))
        return select(*columns).where(*people_conditions(table, filt, users))

    branches = [
        branch(
            e,
            enrolled=case((e.c.status == "active", 1), else_=0),
            progress=case((exists().where(p.c.enrolment_id == e.c.id), 1), else_=0),
            enrolled_at=e.c.enrolled_at,
        ),
        branch(a, assign_id=a.c.id),
    ]
    completion = branch(c, comp_at=c.c.completed_at)
    if cert is not None:
        valid = cert.c.revoked_at.is_(None)
        completion = completion.where(~exists().where(cert.c.completion_id == c.c.id))
        branches.append(
            branch(
                cert,
                comp_at=case((valid, cert.c.completed_at)),
                cert_id=case((valid, cert.c.id)),
                revoked=case((valid, 0), else_=1),
            )
        )
    branches.append(completion)
    return union_all(*branches).subquery("facts")


FACTS = ("enrolled", "progress", "enrolled_at", "assign_id", "comp_at", "cert_id", "revoked")


def status_rows(
    t: Tables, filt: Filter, *, today: date, warn_until: date, detail: bool = False
) -> Select:
    """Per person and course: ``status`` with the person's profession and centre; with
    ``detail`` also the name, e-mail, dates and certificate (for the people list)."""
    facts = _facts(t, filt, detail)
    keys = [facts.c.user_id, facts.c.course_id, facts.c.profession, facts.c.centre_id]
    keys.append(facts.c.active)
    aggregates = [
        (func.min if name == "enrolled_at" else func.max)(facts.c[name]).label(name)
        for name in FACTS
        if name != "enrolled_at" or detail
    ]
    agg = select(*keys, *aggregates).group_by(*keys).subquery("agg")
    assignment = t.assignment.alias("newest_assignment")
    joined = agg.outerjoin(assignment, assignment.c.id == agg.c.assign_id)
    if t.cert is not None:
        cert = t.cert.alias("newest_cert")
        joined = joined.outerjoin(cert, cert.c.id == agg.c.cert_id)
        has_cert = cert.c.id.isnot(None)
        no_newer = or_(agg.c.comp_at.is_(None), agg.c.comp_at <= cert.c.completed_at)
        cert_cols = [
            cert.c.code.label("cert_code"),
            cert.c.expires_on.label("expires_on"),
        ]
        cert_rules = [
            (and_(has_cert, cert.c.expires_on < today, no_newer), "expired"),
            (
                and_(has_cert, cert.c.expires_on >= today, cert.c.expires_on <= warn_until),
                "expiring",
            ),
        ]
    else:
        has_cert = false()
        # Typed NULLs: PostgreSQL cannot guess the type of a bare NULL parameter.
        cert_cols = [
            cast(null(), String).label("cert_code"),
            cast(null(), Date).label("expires_on"),
        ]
        cert_rules = []
    status = case(
        *cert_rules,
        (or_(has_cert, agg.c.comp_at.isnot(None)), "completed"),
        (assignment.c.due_on < today, "overdue"),
        (and_(agg.c.enrolled == 1, agg.c.progress == 1), "in_progress"),
        (agg.c.enrolled == 1, "enrolled"),
        (agg.c.assign_id.isnot(None), "assigned"),
        else_="withdrawn",
    ).label("status")
    holds_record = or_(agg.c.comp_at.isnot(None), agg.c.revoked == 1)
    columns = [agg.c.user_id, agg.c.course_id, agg.c.profession, agg.c.centre_id, status]
    if detail:
        users = User.__table__
        joined = joined.join(users, users.c.id == agg.c.user_id)
        columns += [
            users.c.name,
            users.c.email,
            agg.c.active,
            agg.c.enrolled_at,
            agg.c.comp_at,
            agg.c.revoked,
            assignment.c.due_on,
            *cert_cols,
        ]
    return select(*columns).select_from(joined).where(or_(agg.c.active == true(), holds_record))
