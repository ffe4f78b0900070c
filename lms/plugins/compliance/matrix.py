"""The training matrix of a centre: one row per person, one column per required course.

Each cell is one of: ``valid`` (until a date, or without expiry), ``expiring`` (valid, runs
out within 30 days), ``due`` (an open assignment, due on a date), ``overdue``, ``expired``
(the newest certificate ran out and nothing replaced it), ``missing`` (required, nothing
held or assigned yet) or ``not_required``. Valid training done elsewhere (the records
plugin) counts like a certificate: its cell is valid or expiring until its ``valid_until``,
marked ``external``, and it wins over an open assignment (the record satisfies it). A
course's column also says how many of the people who must hold it do (valid or
expiring): "is this centre qualified for product X", over everyone the filters leave, not
just the page.

Built in a constant number of queries whatever the number of people, with the filters
applied in SQL: the page's people and their certificates, assignments and outside training
(the enrolment, certificates and records plugins' tables, read-only, :mod:`.records`); the
number of people and the column counts from the counts kept current (:mod:`.tally`: a
centre's groups of profession, unit and date, not its people). Dates are Europe/Stockholm
dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import get_locale
from sqlalchemy import func, select

from lms import clock
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import Centre, User
from lms.plugins.compliance import digest, records, tally
from lms.plugins.compliance.models import Requirement

VALID, EXPIRING, DUE, OVERDUE, EXPIRED, MISSING, NOT_REQUIRED = (
    "valid",
    "expiring",
    "due",
    "overdue",
    "expired",
    "missing",
    "not_required",
)
QUALIFIED = (VALID, EXPIRING)
PEOPLE_LIMIT = 5000


@dataclass(frozen=True)
class Filters:
    unit: str | None = None
    profession: str | None = None
    requirement_id: int | None = None


@dataclass(frozen=True)
class Cell:
    status: str
    on: date | None = None  # valid until, due on, expired on
    external: bool = False  # held through training done elsewhere (records plugin)


NOT_REQUIRED_CELL = Cell(NOT_REQUIRED)


@dataclass
class Column:
    course_id: int
    slug: str
    title: str
    required: int = 0
    qualified: int = 0


@dataclass
class Matrix:
    centre: Centre
    today: date
    requirements: list[Requirement]
    columns: list[Column]
    people: list[User]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    total: int = 0  # people the filters leave at the centre (``people`` may be one page)

    def cell(self, user_id: int, course_id: int) -> Cell:
        return self.cells.get((user_id, course_id), NOT_REQUIRED_CELL)

    def rows(self, start: int = 0, stop: int | None = None) -> list[tuple[User, list[Cell]]]:
        """Each person (of ``people[start:stop]``) with their cells, in column order."""
        cells, ids = self.cells, [c.course_id for c in self.columns]
        return [
            (p, [cells.get((pid, cid), NOT_REQUIRED_CELL) for cid in ids])
            for p in self.people[start:stop]
            for pid in (p.id,)
        ]

    def dates(self, formatter) -> dict[date, str]:
        """Each distinct date of the cells, formatted once (a page of 2,000 people has a few
        dozen distinct dates, not 20,000)."""
        return {on: formatter(on) for on in {c.on for c in self.cells.values() if c.on}}


def requirements_at(centre_id: int) -> list[Requirement]:
    """The requirements in force at a centre (its own and every centre's), oldest first."""
    return list(
        db.session.scalars(
            select(Requirement)
            .where(
                Requirement.withdrawn_at.is_(None),
                (Requirement.centre_id == centre_id) | Requirement.centre_id.is_(None),
            )
            .order_by(Requirement.id)
        )
    )


def course_titles(course_ids, lang: str) -> dict[int, tuple[str, str]]:
    """Course id -> (slug, title in ``lang`` of its published or latest version)."""
    rows = db.session.execute(
        select(Course.id, Course.slug, CourseVersion)
        .join(
            CourseVersion,
            CourseVersion.id
            == func.coalesce(Course.published_version_id, Course.latest_version_id),
        )
        .where(Course.id.in_(list(course_ids)))
    )
    return {cid: (slug, version.text(lang)["title"]) for cid, slug, version in rows}


def _people(centre_id: int, filters: Filters, start: int, limit: int):
    """The filtered people in name order, ``limit`` of them from ``start`` (a select)."""
    query = select(User).where(User.centre_id == centre_id, User.active.is_(True))
    if filters.unit:
        query = query.where(func.lower(User.unit) == filters.unit.lower())
    if filters.profession:
        query = query.where(User.profession == filters.profession)
    return query.order_by(User.name, User.id).offset(start).limit(limit)


def _group_matches(r: Requirement, profession: str, unit: str) -> bool:
    """:meth:`.Requirement.matches` for a group of people sharing a profession and unit
    (the centre is the requirement's or every centre, as :func:`requirements_at` gives)."""
    if r.profession and profession != r.profession:
        return False
    return not r.unit or unit.casefold() == r.unit.casefold()


def _counted(matrix: Matrix, filters: Filters) -> None:
    """The number of people and each column's required / holding counts, from the tallies
    (over everyone the filters leave, whatever page ``matrix.people`` is)."""
    centre_id, in_force = matrix.centre.id, matrix.requirements
    groups = db.session.execute(
        tally.people_groups(centre_id, filters.profession, filters.unit)
    ).all()
    matrix.total = sum(int(n) for _p, _u, n in groups)
    if not matrix.columns:
        return
    columns = {c.course_id: c for c in matrix.columns}

    def required(profession: str, unit: str, course_id: int) -> bool:
        return any(
            r.course_id == course_id and _group_matches(r, profession, unit) for r in in_force
        )

    for profession, unit, n in groups:
        for course_id, column in columns.items():
            if required(profession, unit, course_id):
                column.required += int(n)
    held = tally.held_groups(
        centre_id, list(columns), matrix.today, filters.profession, filters.unit
    )
    for profession, unit, course_id, n in db.session.execute(held):
        if course_id in columns and required(profession, unit, course_id):
            columns[course_id].qualified += int(n)


def build(
    centre: Centre, filters: Filters = Filters(), start: int = 0, limit: int = PEOPLE_LIMIT
) -> Matrix:
    """The matrix of ``centre`` on today (Europe/Stockholm) with ``filters`` applied: the
    cells of ``limit`` people from ``start`` in name order (a page; the exports take the
    first :data:`PEOPLE_LIMIT`), the number of people and column counts over everyone."""
    today = clock.local_today()
    lang = str(get_locale() or "sv")
    in_force = requirements_at(centre.id)
    if filters.requirement_id:
        in_force = [r for r in in_force if r.id == filters.requirement_id]
    titles = course_titles({r.course_id for r in in_force}, lang) if in_force else {}
    columns: dict[int, Column] = {}
    for r in in_force:
        if r.course_id not in columns and r.course_id in titles:
            columns[r.course_id] = Column(r.course_id, *titles[r.course_id])
    chosen = _people(centre.id, filters, start, limit)
    people = list(db.session.scalars(chosen))
    matrix = Matrix(centre, today, in_force, list(columns.values()), people)
    _counted(matrix, filters)
    if not columns or not people:
        return matrix
    course_ids = list(columns)
    # A page's few ids as a list; the exports' thousands as the same select again.
    ids = chosen.with_only_columns(User.id).subquery()
    centre_people = [p.id for p in people] if len(people) <= 1000 else select(ids.c.id)
    certs: dict[tuple[int, int], date | None] = {}
    newest = records.newest_certificates(centre_people, course_ids)
    if newest is not None:
        certs = {(u, c): e for u, c, e, _id in db.session.execute(newest)}
    done: set[tuple[int, int]] = set()
    comp = records.completions()
    if comp is not None and newest is None:  # no certificates: a counting completion holds
        done = set(
            db.session.execute(
                select(comp.c.user_id, comp.c.course_id)
                .where(
                    comp.c.user_id.in_(centre_people),
                    comp.c.course_id.in_(course_ids),
                    records.counting_completion(comp),
                )
                .distinct()
            ).all()
        )
    due: dict[tuple[int, int], date | None] = {}
    a = records.assignments()
    if a is not None:
        due = {
            (u, c): d
            for u, c, d in db.session.execute(
                select(a.c.user_id, a.c.course_id, a.c.due_on).where(
                    a.c.user_id.in_(centre_people),
                    a.c.course_id.in_(course_ids),
                    records.open_assignment_condition(a),
                )
            )
        }
    externals = records.valid_externals(centre_people, course_ids, today)
    soon = today + timedelta(days=digest.EXPIRING_DAYS)
    for person in people:
        required = {r.course_id for r in in_force if r.matches(person)}
        for column in matrix.columns:
            if column.course_id not in required:
                continue
            key = (person.id, column.course_id)
            cell = _status(key, certs, done, due, today, soon)
            if key in externals:
                cell = _with_external(cell, externals[key], soon)
            matrix.cells[key] = cell
    return matrix


def _with_external(cell: Cell, until: date | None, soon: date) -> Cell:
    """The cell once valid outside training (valid until ``until``, None: no expiry) is
    counted: it replaces anything not held, and a held cell that runs out sooner."""
    outside = Cell(VALID if until is None or until > soon else EXPIRING, until, external=True)
    if cell.status not in QUALIFIED:
        return outside
    if cell.on is not None and (until is None or until > cell.on):
        return outside
    return cell


def _status(key, certs, done, due, today: date, soon: date) -> Cell:
    if key in certs:
        until = certs[key]
        if until is None or until > soon:
            return Cell(VALID, until)
        if until >= today:
            return Cell(EXPIRING, until)
    if key in done:
        return Cell(VALID)
    if key in due:
        on = due[key]
        return Cell(OVERDUE if on is not None and on < today else DUE, on)
    if key in certs:
        return Cell(EXPIRED, certs[key])
    return Cell(MISSING)
