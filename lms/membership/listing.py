"""What the members page shows about one centre, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import CentreMembership, MembershipStatus, User

LIMIT = 500


@dataclass
class Page:
    pending: list[CentreMembership]
    members: list[CentreMembership]
    former: list[CentreMembership]
    # user id -> their own request to move to another centre (shown beside members)
    moving: dict[int, CentreMembership] = field(default_factory=dict)
    limit: int = LIMIT


def _rows(*conditions, order, limit=LIMIT) -> list[CentreMembership]:
    return list(
        db.session.scalars(
            select(CentreMembership)
            .join(User, User.id == CentreMembership.user_id)
            .where(*conditions)
            .options(
                joinedload(CentreMembership.user).selectinload(User.role_rows),
                joinedload(CentreMembership.moved_to),
                joinedload(CentreMembership.centre),
            )
            .order_by(*order)
            .limit(limit)
        )
    )


def page(centre_id: int) -> Page:
    m = CentreMembership
    pending = _rows(
        m.centre_id == centre_id, m.status == MembershipStatus.requested, order=[m.requested_at]
    )
    members = _rows(
        m.centre_id == centre_id,
        m.status == MembershipStatus.confirmed,
        order=[User.name, User.id],
    )
    former = _rows(
        m.centre_id == centre_id,
        m.status == MembershipStatus.ended,
        order=[m.ended_at.desc(), m.id.desc()],
        limit=100,
    )
    ids = [row.user_id for row in members]
    moving = {}
    if ids:
        for row in _rows(m.user_id.in_(ids), m.status == MembershipStatus.requested, order=[m.id]):
            moving[row.user_id] = row
    return Page(pending, members, former, moving)
