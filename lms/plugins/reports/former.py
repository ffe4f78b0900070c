"""People who left a centre stay in its people list and exports, as "moved to X on date".

A person is counted at their *current* centre (:mod:`.query`), so a move would otherwise
drop them from the old centre's list, an overdue course and all. The core records every
membership (``centre_membership``, :mod:`lms.membership`); here the old centre's list gets,
for each person whose newest membership there has ended (and who is not back), their
courses from the reports' status table with the status ``left`` and the date and centre they
left for. What happened after they left is not shown to the old centre (:func:`.people_list`
blanks later dates). The figures (dashboard counts) stay about the current staff.

Nothing here is stored: the rows are read from the core's table and the reports' own table
when a page asks, so the reports' tables still agree with the records at all times.
"""

from __future__ import annotations

from sqlalchemy import DateTime, Integer, Select, and_, cast, func, literal, null, or_, select, true

from lms.models import CentreMembership, MembershipStatus, User
from lms.plugins.reports.query import Filter, copied_conditions

LEFT = "left"


def extra_columns(left_at=None, moved_to_id=None) -> list:
    """The two columns the people list adds to every row (NULL for current members)."""
    return [
        (left_at if left_at is not None else cast(null(), DateTime)).label("left_at"),
        (moved_to_id if moved_to_id is not None else cast(null(), Integer)).label("moved_to_id"),
    ]


def former_rows(source, filt: Filter) -> Select | None:
    """Rows of people who left ``filt.centre_id`` (None for other scopes), with the same
    columns as ``status_rows(..., detail=True)`` plus :func:`extra_columns`."""
    if filt.all_centres or filt.centre_id is None:
        return None
    centre_id = filt.centre_id
    m = CentreMembership.__table__
    newest = (
        select(m.c.user_id, func.max(m.c.id).label("membership_id"))
        .where(m.c.centre_id == centre_id)
        .group_by(m.c.user_id)
        .subquery("newest_here")
    )
    left = m.alias("left_membership")
    users = User.__table__
    f = source.c
    wider = Filter(
        all_centres=True,
        course_ids=filt.course_ids,
        profession=filt.profession,
        user_ids=filt.user_ids,
    )
    holds_record = or_(f.comp_at.isnot(None), f.revoked == 1)
    return (
        select(
            f.user_id,
            f.course_id,
            f.profession,
            literal(centre_id, Integer).label("centre_id"),
            literal(LEFT).label("status"),
            users.c.name,
            users.c.email,
            f.active,
            f.enrolled_at,
            f.comp_at,
            f.revoked,
            f.due_on,
            f.cert_code,
            f.expires_on,
            *extra_columns(left.c.ended_at, left.c.moved_to_id),
        )
        .select_from(source)
        .join(newest, newest.c.user_id == f.user_id)
        .join(
            left,
            and_(
                left.c.id == newest.c.membership_id,
                left.c.status == MembershipStatus.ended.value,
            ),
        )
        .join(users, users.c.id == f.user_id)
        .where(
            or_(f.centre_id.is_(None), f.centre_id != centre_id),
            or_(f.active == true(), holds_record),
            *copied_conditions(source, wider),
        )
    )
