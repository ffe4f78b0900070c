"""Which audit events a viewer may read, filtered: the one query behind the audit list, its
CSV export, a person's history and the inspection pack.

Scope (deny by default): a site admin reads every event; a centre admin the events about
people whose confirmed centre is theirs; anyone else nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import aliased

from lms import audit_text, clock
from lms.extensions import db, unicode_lower
from lms.models import AuditEvent, Role, User
from lms.params import contains_pattern
from lms.text import spreadsheet_text


@dataclass(frozen=True)
class AuditFilter:
    """``start``/``end``: Stockholm calendar dates, both included; ``person``: a search
    term for the subject's name or e-mail; ``centre_id``: only for site admins."""

    action: str = ""
    person: str = ""
    start: date | None = None
    end: date | None = None
    centre_id: int | None = None
    subject_ids: tuple[int, ...] | None = None


def _utc_start(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=clock.local_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _base() -> tuple[Select, type[User], type[User]]:
    actor = aliased(User)
    subject = aliased(User)
    statement = (
        select(AuditEvent, actor, subject)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .outerjoin(subject, AuditEvent.subject_id == subject.id)
        .order_by(AuditEvent.id.desc())
    )
    return statement, actor, subject


def about_people(user_ids: Iterable[int], start: date | None = None) -> Select:
    """Every event about these people (from the Stockholm date ``start``), newest first:
    the scope is the people asked for (the inspection pack), not a viewer."""
    statement, _actor, _subject = _base()
    statement = statement.where(AuditEvent.subject_id.in_(list(user_ids) or [0]))
    if start is not None:
        statement = statement.where(AuditEvent.at >= _utc_start(start))
    return statement


def scoped(viewer: User, flt: AuditFilter) -> Select:
    """SELECT (AuditEvent, actor User|None, subject User|None), newest first."""
    statement, _actor, subject = _base()
    if viewer.has_role(Role.site_admin):
        if flt.centre_id is not None:
            statement = statement.where(subject.centre_id == flt.centre_id)
    elif viewer.has_role(Role.centre_admin) and viewer.centre_id is not None:
        statement = statement.where(subject.centre_id == viewer.centre_id)
    else:
        statement = statement.where(false())
    if flt.action:
        statement = statement.where(AuditEvent.action == flt.action)
    if flt.person:
        pattern = contains_pattern(flt.person.lower())
        statement = statement.where(
            or_(
                unicode_lower(subject.name).like(pattern, escape="\\"),
                unicode_lower(subject.email).like(pattern, escape="\\"),
            )
        )
    if flt.start is not None:
        statement = statement.where(AuditEvent.at >= _utc_start(flt.start))
    if flt.end is not None:
        statement = statement.where(AuditEvent.at < _utc_start(flt.end + timedelta(days=1)))
    if flt.subject_ids is not None:
        statement = statement.where(AuditEvent.subject_id.in_(flt.subject_ids))
    return statement


def may_see_person(viewer: User, person: User) -> bool:
    """A site admin sees everyone's history; a centre admin their centre's people's."""
    if viewer.has_role(Role.site_admin):
        return True
    return (
        viewer.has_role(Role.centre_admin)
        and viewer.centre_id is not None
        and person.centre_id == viewer.centre_id
    )


def _name(user: User | None) -> str:
    return user.name if user is not None else audit_text.unknown_person()


def csv_headings() -> list[str]:
    from flask_babel import gettext as _

    return [
        _("Time (UTC)"),
        _("Time (Stockholm)"),
        _("Event"),
        _("Code"),
        _("By"),
        _("About"),
        _("Changes"),
        _("Reason"),
        _("Event id"),
    ]


def csv_row(event: AuditEvent, actor: User | None, subject: User | None) -> list[str]:
    changed = "; ".join(
        f"{field + ': ' if field else ''}{old} → {new}"
        for field, old, new in audit_text.changes(event.details)
    )
    cells = [
        event.at.strftime("%Y-%m-%d %H:%M:%S"),
        clock.to_local(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        audit_text.describe(event.action, event.details),
        event.action,
        _name(actor),
        subject.name if subject is not None else "",
        changed,
        audit_text.reason_of(event.details),
        str(event.id),
    ]
    return [spreadsheet_text(cell) for cell in cells]


def csv_lines(rows: Iterable[tuple]) -> Iterator[bytes]:
    """The CSV (UTF-8 with BOM, ``;``, as Swedish Excel opens it) line by line, so an
    export of a large trail is streamed, never held whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(csv_headings())
    yield buffer.getvalue().encode("utf-8")
    for event, actor, subject in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(csv_row(event, actor, subject))
        yield buffer.getvalue().encode("utf-8")


def stream(statement: Select, chunk: int = 500) -> Iterator[tuple]:
    """The rows of ``statement`` fetched ``chunk`` at a time by id (keyset), newest first."""
    last: int | None = None
    while True:
        page = statement
        if last is not None:
            page = page.where(AuditEvent.id < last)
        rows = db.session.execute(page.limit(chunk)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0].id


def person_history(user_id: int) -> Select:
    """Every event about or by the person (a site admin's view), newest first."""
    statement, _actor, _subject = _base()
    return statement.where(or_(AuditEvent.subject_id == user_id, AuditEvent.actor_id == user_id))
