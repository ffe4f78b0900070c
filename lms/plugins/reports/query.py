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
    an active enrolment with at least one progress row in its current cycle;
``enrolled``
    an active enrolment without progress;
``assigned``
    assigned, but not (or no longer) enrolled (a withdrawn assignment counts for nothing);
``withdrawn``
    withdrew from the course and holds nothing of the above.

A revoked certificate does not count as completed: its completion stays in the records and
the person is shown with a "revoked" mark, but the status falls through to the rules below.

Who is counted: people are counted at their *current* centre (``user_account.centre_id``).
A deactivated (or anonymised) person is counted only for the courses where they hold a
training record (a completion or a certificate, revoked or not): their history stays visible
to an inspector, while their unfinished enrolments and assignments are no longer the
centre's concern.

How it is computed: :func:`fact_rows` is one ``UNION ALL`` of facts from enrolments,
assignments, completions and certificates, grouped once by (person, course), with the newest
assignment and certificate fetched by primary key. Those facts do not depend on the date, so
the plugin keeps them in its own table (:mod:`.store`, refreshed in the transaction that
changes them) and :func:`status_rows` decides the status from that table when a page asks:
one table, no union, whatever the date. Pages group or page this statement in SQL, so the
rows never reach Python and the number of queries stays constant.
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
    user_ids: tuple[int, ...] | None = None


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
    if filt.user_ids is not None:
        conditions.append(table.c.user_id.in_(filt.user_ids))
    return conditions


def _progress_of(e: Table, p: Table) -> list:
    """Progress of the enrolment's current cycle only: a learner asked to take the course
    again (after a revoked certificate) starts from nothing. (Tables reflected before the
    cycles existed, as migration 0007 sees them, have one cycle.)"""
    conditions = [p.c.enrolment_id == e.c.id]
    if "cycle" in p.c and "cycle" in e.c:
        conditions.append(p.c.cycle == e.c.cycle)
    return conditions


def _facts(t: Tables, filt: Filter):
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
            cast(users.c.profession, String).label("profession"),
            users.c.centre_id.label("centre_id"),
            users.c.active.label("active"),
        ]
        for name in AGGREGATED:
            empty = no_date if name in ("enrolled_at", "comp_at") else _null_int()
            columns.append(values.get(name, empty).label(name))
        return select(*columns).where(*people_conditions(table, filt, users))

    branches = [
        branch(
            e,
            enrolled=case((e.c.status == "active", 1), else_=0),
            progress=case((exists().where(*_progress_of(e, p)), 1), else_=0),
            enrolled_at=e.c.enrolled_at,
        ),
        branch(a, assign_id=a.c.id),
    ]
    if "withdrawn_at" in a.c:  # (migrations before 0015 read the table without it)
        branches[1] = branches[1].where(a.c.withdrawn_at.is_(None))
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


AGGREGATED = ("enrolled", "progress", "enrolled_at", "assign_id", "comp_at", "cert_id", "revoked")
# What :func:`fact_rows` returns and the reports' table stores, in this order.
FACT_COLUMNS = (
    "user_id",
    "course_id",
    "profession",
    "centre_id",
    "active",
    *AGGREGATED,
    "due_on",
    "cert_code",
    "cert_completed_at",
    "expires_on",
)


def fact_rows(t: Tables, filt: Filter) -> Select:
    """Per person and course, everything the status depends on except the date, computed
    from the other plugins' tables (columns: :data:`FACT_COLUMNS`)."""
    facts = _facts(t, filt)
    keys = [facts.c.user_id, facts.c.course_id, facts.c.profession, facts.c.centre_id]
    keys.append(facts.c.active)
    aggregates = [
        (func.min if name == "enrolled_at" else func.max)(facts.c[name]).label(name)
        for name in AGGREGATED
    ]
    agg = select(*keys, *aggregates).group_by(*keys).subquery("agg")
    assignment = t.assignment.alias("newest_assignment")
    joined = agg.outerjoin(assignment, assignment.c.id == agg.c.assign_id)
    if t.cert is not None:
        cert = t.cert.alias("newest_cert")
        joined = joined.outerjoin(cert, cert.c.id == agg.c.cert_id)
        cert_cols = [cert.c.code, cert.c.completed_at, cert.c.expires_on]
    else:
        # Typed NULLs: PostgreSQL cannot guess the type of a bare NULL parameter.
        cert_cols = [cast(null(), String), cast(null(), DateTime), cast(null(), Date)]
    names = ("cert_code", "cert_completed_at", "expires_on")
    return select(
        *agg.c,
        assignment.c.due_on.label("due_on"),
        *(column.label(name) for column, name in zip(cert_cols, names, strict=True)),
    ).select_from(joined)


def copied_conditions(source, filt: Filter) -> list:
    """The filter on one of the reports' own tables (centre and profession copied in)."""
    f = source.c
    conditions = []
    if not filt.all_centres:
        centre = filt.centre_id
        conditions.append(f.centre_id == centre if centre is not None else false())
    if filt.profession is not None:
        conditions.append(f.profession == filt.profession)
    if filt.course_ids is not None:
        conditions.append(f.course_id.in_(filt.course_ids))
    if filt.user_ids is not None:
        conditions.append(f.user_id.in_(filt.user_ids))
    return conditions


def status_rows(
    source, filt: Filter, *, today: date, warn_until: date, detail: bool = False
) -> Select:
    """Per person and course in ``source`` (the reports' table, or ``fact_rows(...)`` as a
    subquery): ``status`` with the person's profession and centre; with ``detail`` also the
    name, e-mail, dates and certificate (for the people list)."""
    f = source.c
    has_cert = f.cert_id.isnot(None)
    no_newer = or_(f.comp_at.is_(None), f.comp_at <= f.cert_completed_at)
    status = case(
        (and_(has_cert, f.expires_on < today, no_newer), "expired"),
        (and_(has_cert, f.expires_on >= today, f.expires_on <= warn_until), "expiring"),
        (or_(has_cert, f.comp_at.isnot(None)), "completed"),
        (f.due_on < today, "overdue"),
        (and_(f.enrolled == 1, f.progress == 1), "in_progress"),
        (f.enrolled == 1, "enrolled"),
        (f.assign_id.isnot(None), "assigned"),
        else_="withdrawn",
    ).label("status")
    holds_record = or_(f.comp_at.isnot(None), f.revoked == 1)
    conditions = [or_(f.active == true(), holds_record), *copied_conditions(source, filt)]
    columns = [f.user_id, f.course_id, f.profession, f.centre_id, status]
    joined = source
    if detail:
        users = User.__table__
        joined = joined.join(users, users.c.id == f.user_id)
        columns += [
            users.c.name,
            users.c.email,
            f.active,
            f.enrolled_at,
            f.comp_at,
            f.revoked,
            f.due_on,
            f.cert_code,
            f.expires_on,
        ]
    return select(*columns).select_from(joined).where(*conditions)


COMPLETION_COLUMNS = ("completion_id", "user_id", "course_id", "profession", "centre_id")
COMPLETION_COLUMNS += ("completed_at",)


def counted_completions(t: Tables, filt: Filter) -> Select:
    """Every completion the month chart counts: not one whose certificate was revoked
    (columns: :data:`COMPLETION_COLUMNS`)."""
    users = User.__table__
    c = t.completion
    query = select(
        c.c.id,
        c.c.user_id,
        c.c.course_id,
        cast(users.c.profession, String),
        users.c.centre_id,
        c.c.completed_at,
    ).where(*people_conditions(c, filt, users))
    if t.cert is not None:
        query = query.where(
            ~exists().where(t.cert.c.completion_id == c.c.id, t.cert.c.revoked_at.isnot(None))
        )
    return query
