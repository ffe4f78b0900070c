"""Bulk enrolment from a staff file: read it, show what will happen row by row, then write
everything or nothing once the admin confirms.

A file is read by :mod:`lms.plugins.enrolment.sheets` (CSV or XLSX, Swedish or English
headings). :func:`parse` keeps only the columns the platform uses (e-mail, name, job title,
unit) and the problems of each row; :func:`stage` stores that as an
:class:`~lms.plugins.enrolment.models.ImportBatch` (never a personnummer); :func:`plan` says
for every row what the import would do, against the accounts as they are now; :func:`apply`
writes it in one transaction. Every problem is reported as "line N: ..." with N the line in
the file (the sheet's row for XLSX).

Text is taken as spreadsheets write it: decomposed letters are composed (NFC), and a name
is one line of printable text, so a line break typed in a cell (Alt+Enter) or a control
character pasted into it becomes a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, events, people
from lms.auth.services import normalise_email
from lms.clock import utcnow
from lms.content.models import Course
from lms.extensions import db
from lms.membership import services as membership
from lms.models import (
    Centre,
    CentreMembership,
    MembershipSource,
    MembershipStatus,
    Profession,
    User,
)
from lms.plugins.enrolment import assignments, invitations, sheets, titles
from lms.plugins.enrolment.models import ImportBatch
from lms.text import one_line

EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
Unreadable = sheets.Unreadable


def max_bytes() -> int:
    return int(current_app.config.get("LMS_CSV_MAX_BYTES", 1024 * 1024))


def max_rows() -> int:
    return int(current_app.config.get("LMS_CSV_MAX_ROWS", 2000))


def read_upload(stream) -> tuple[bytes | None, str | None]:
    """The file's bytes, or an error when it is larger than allowed (read no further)."""
    data = stream.read(max_bytes() + 1)
    if len(data) > max_bytes():
        return None, _("The file is larger than %(kb)d kB.", kb=max_bytes() // 1024)
    return data, None


def _line(n: int, message: str) -> str:
    return _("line %(n)d: %(message)s", n=n, message=message)


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    problems: list[list] = field(default_factory=list)  # [line, message]
    ignored: list[str] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)


def parse(data: bytes) -> Parsed:
    """The used columns of every row, and each row's problems. Raises
    :class:`sheets.Unreadable` when the file as a whole cannot be used."""
    sheet = sheets.read(data, max_rows())
    found = sheets.columns(sheet)
    where = found.where
    has_name = "name" in where or ("first_name" in where and "last_name" in where)
    missing = [c for c in ("email",) if c not in where]
    missing += [] if has_name else ["name"]
    missing += [] if "title" in where else ["profession"]
    if missing:
        message = _(
            "the header must name the columns email, name and profession (or job title; "
            "missing: %(missing)s).",
            missing=", ".join(missing),
        )
        raise Unreadable(_line(sheet.header_line, message))
    if not sheet.rows:
        raise Unreadable(_("The file has no rows under the header."))
    result = Parsed(ignored=found.ignored, identity=found.identity)
    seen: dict[str, int] = {}

    def cell(cells, name) -> str:
        index = where.get(name)
        return one_line(cells[index]) if index is not None and index < len(cells) else ""

    for line, cells in sheet.rows:
        email = normalise_email(cell(cells, "email"))
        name = cell(cells, "name") or one_line(
            f"{cell(cells, 'first_name')} {cell(cells, 'last_name')}"
        )
        problems = []
        if not EMAIL_RE.match(email) or len(email) > 254:
            problems.append(_("“%(email)s” is not an e-mail address", email=email))
        if not name or len(name) > 200:
            problems.append(_("the name is missing or too long"))
        if not cell(cells, "title"):
            problems.append(_("the profession or job title is missing"))
        if email in seen:
            problems.append(
                _("%(email)s is also on line %(other)d", email=email, other=seen[email])
            )
        result.problems.extend([line, p] for p in problems)
        if not problems:
            seen[email] = line
            result.rows.append(
                {
                    "line": line,
                    "email": email,
                    "name": name,
                    "title": cell(cells, "title")[:120],
                    "unit": people.clean_unit(cell(cells, "unit")),
                }
            )
    return result


def stage(parsed: Parsed, *, centre, actor, course, assign, due_on, file_name) -> ImportBatch:
    """Store the parsed file for the preview (commits). Drafts older than a day go."""
    db.session.execute(
        delete(ImportBatch).where(ImportBatch.created_at < utcnow() - timedelta(days=1))
    )
    batch = ImportBatch(
        centre_id=centre.id,
        actor_id=actor.id,
        course_id=course.id,
        assign=bool(assign),
        due_on=due_on,
        file_name=one_line(file_name or "")[:200],
        rows=parsed.rows,
        problems=parsed.problems,
        ignored=parsed.ignored,
        identity_columns=parsed.identity,
        titles={},
    )
    db.session.add(batch)
    db.session.commit()
    return batch


# What the import does with a row.
NEW, JOINS, ALREADY, INVITED, MOVES = "new", "joins", "already", "invited", "moves"


@dataclass
class Row:
    line: int
    email: str
    name: str
    title: str
    unit: str | None
    profession: Profession | None
    user: User | None = None
    action: str | None = None  # one of the constants above; None: a problem
    moves_from: Centre | None = None
    unit_change: tuple[str | None, str | None] | None = None


@dataclass
class Plan:
    rows: list[Row]
    problems: list[str]
    unmapped: dict[str, list[int]]  # title as written -> lines
    moves: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            if row.action:
                counts[row.action] = counts.get(row.action, 0) + 1
        return counts


def plan(batch: ImportBatch, actor: User) -> Plan:
    """What importing ``batch`` would do now, row by row, with every problem."""
    mapping = titles.table(batch.titles)
    problems: list[tuple[int, str]] = [(line, message) for line, message in batch.problems]
    rows, unmapped = [], {}
    for data in batch.rows:
        profession = mapping.get(titles.key(data["title"]))
        rows.append(Row(**data, profession=profession))
        if profession is None:
            unmapped.setdefault(data["title"], []).append(data["line"])
            problems.append(
                (
                    data["line"],
                    _(
                        "unknown job title “%(title)s”: map it to a profession below",
                        title=data["title"],
                    ),
                )
            )
    result = Plan(rows, [], unmapped)
    _match_accounts(result, batch.centre_id, actor, problems)
    problems.sort(key=lambda p: p[0])
    result.problems = [_line(n, message) for n, message in problems]
    return result


def _match_accounts(result: Plan, centre_id: int, actor: User, problems: list) -> None:
    emails = [row.email for row in result.rows]
    users = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in db.session.scalars(select(User).where(func.lower(User.email).in_(chunk))):
            users[user.email.lower()] = user
    asking = {
        row.user_id: row.centre_id
        for row in db.session.scalars(
            select(CentreMembership).where(
                CentreMembership.user_id.in_([u.id for u in users.values()]),
                CentreMembership.status == MembershipStatus.requested,
            )
        )
    }
    for row in result.rows:
        user = row.user = users.get(row.email)
        if user is None:
            row.action = NEW
            continue

        def problem(message, row=row):
            problems.append((row.line, message))

        if not user.active:
            problem(_("the account of %(email)s is deactivated", email=row.email))
        elif user.centre_id is None and asking.get(user.id) == centre_id:
            row.action = JOINS  # asked to join this centre: the import confirms it
        elif user.centre_id is None:
            problem(
                _(
                    "%(email)s has an account but is not a member of this centre: they "
                    "can ask to join it from their profile, and you confirm it on the "
                    "members page",
                    email=row.email,
                )
            )
        elif user.centre_id != centre_id:
            if membership.may_decide(actor, user, user.centre_id) and membership.may_decide(
                actor, user, centre_id
            ):
                row.action, row.moves_from = MOVES, user.centre
                result.moves += 1
            else:
                problem(
                    _(
                        "%(email)s belongs to another centre (%(centre)s); only a site admin "
                        "can move them, or they ask to move from their profile",
                        email=row.email,
                        centre=user.centre.name,
                    )
                )
        else:
            row.action = INVITED if user.password_hash is None else ALREADY
        if row.action and row.unit and row.unit != user.unit:
            row.unit_change = (user.unit, row.unit)


@dataclass
class Imported:
    created: list[User]
    enrolled: int
    assigned: int
    moved: int


def apply(batch: ImportBatch, checked: Plan, course: Course, *, actor: User) -> Imported:
    """Write a plan without problems in one transaction: accounts (with their unit), their
    membership of the centre (people from another centre only in a plan whose moves the
    admin confirmed), units of existing people (:func:`lms.people.update`, audited),
    invitations (queued in the outbox), enrolments, assignments, audit; the batch is deleted.
    Raises assignments.Conflict (nothing stored) if someone got in first."""
    created = []
    centre = db.session.get(Centre, batch.centre_id)
    try:
        for row in checked.rows:
            if row.user is None:
                row.user = User(
                    email=row.email,
                    name=row.name,
                    password_hash=None,
                    centre_id=None,
                    profession=row.profession,
                    unit=row.unit,
                )
                db.session.add(row.user)
                created.append(row.user)
            elif row.unit_change:
                people.update(row.user, unit=row.unit, actor=actor, via="import")
        db.session.flush()
        for row in checked.rows:
            if row.user.centre_id != centre.id:
                membership.place(
                    row.user,
                    centre,
                    actor=actor,
                    reason=None,
                    via="import",
                    source=MembershipSource.import_,
                    move=row.action == MOVES,
                )
        lang_titles = {lang: course.published_version.text(lang)["title"] for lang in ("sv", "en")}
        for user in created:
            audit.record("user.invited", actor=actor, subject=user, course=course.slug)
            invitations.queue_invitation(user, lang_titles)
        users = [row.user for row in checked.rows]
        if batch.assign:
            result = assignments.assign(
                course, users, actor=actor, due_on=batch.due_on, method="import", commit=False
            )
            enrolled, assigned = result.enrolled, result.assigned
        else:
            enrolled = assignments.enrol_many(course, users, actor=actor, method="import")
            assigned = 0
        audit.record(
            "enrolment.imported",
            actor=actor,
            course=course.slug,
            rows=len(users),
            created=len(created),
            enrolled=enrolled,
            assigned=assigned,
            moved=checked.moves,
            ignored_columns=batch.ignored,
            identity_columns_ignored=len(batch.identity_columns),
        )
        db.session.delete(batch)
        db.session.commit()
    except (IntegrityError, membership.Conflict, membership.MembershipError) as exc:
        db.session.rollback()
        raise assignments.Conflict from exc
    for user in created:
        events.emit(
            events.user_registered,
            events.UserRegistered(user_id=user.id, centre_id=user.centre_id, at=user.created_at),
        )
    return Imported(created, enrolled, assigned, checked.moves)
