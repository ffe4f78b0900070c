"""Bulk enrolment from a CSV file: check the whole file, then write everything or nothing.

Columns ``email``, ``name``, ``profession`` (any order, any letter case; Swedish headings
``e-post``, ``namn``, ``yrke`` work too), separated by ``,`` or ``;`` (Swedish Excel),
UTF-8 with or without a BOM. A first line ``sep=;`` (or ``sep=,``), which Excel writes and
reads to know the separator, is honoured. Every problem is reported as "line N: ..." with N
the line in the file (the header is line 1, or 2 after a ``sep=`` line). A file with any
problem changes nothing.

Text is taken as spreadsheets write it: decomposed letters are composed (NFC), and a name
is one line of printable text, so a line break typed in a cell (Alt+Enter) or a control
character pasted into it becomes a space: the cell means one name, and refusing the row
would send the admin hunting for a character Excel does not show.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, events
from lms.auth.services import normalise_email
from lms.content.models import Course
from lms.extensions import db
from lms.membership import services as membership
from lms.models import (
    Centre,
    CentreMembership,
    MembershipSource,
    MembershipStatus,
    Profession,
    Role,
    User,
)
from lms.plugins.enrolment import assignments, invitations
from lms.text import nfc, one_line

COLUMNS = {
    "email": "email",
    "e-mail": "email",
    "e-post": "email",
    "epost": "email",
    "name": "name",
    "namn": "name",
    "profession": "profession",
    "yrke": "profession",
}
PROFESSIONS = {
    **{p.value: p for p in Profession},
    "sjuksköterska": Profession.nurse,
    "farmaceut": Profession.pharmacist,
    "apotekare": Profession.pharmacist,
    "forskare": Profession.researcher,
    "läkare": Profession.physician,
    "undersköterska": Profession.assistant_nurse,
    "assistant nurse": Profession.assistant_nurse,
    "biomedicinsk analytiker": Profession.biomedical_scientist,
    "biomedical scientist": Profession.biomedical_scientist,
    "apotekstekniker": Profession.pharmacy_technician,
    "pharmacy technician": Profession.pharmacy_technician,
    "receptarie": Profession.prescriptionist,
    "annan": Profession.other,
    "övrig": Profession.other,
}
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# Signatures of files people upload by mistake: PDF, ZIP (xlsx, docx), old Office, images.
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")
# Excel's hint line naming the separator: "sep=;" (any letter case, spaces around it).
SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


@dataclass
class Person:
    line: int
    email: str
    name: str
    profession: Profession
    user: User | None = None


@dataclass
class Checked:
    people: list[Person] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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


def decode(data: bytes) -> tuple[str | None, str | None]:
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:4096]:
        return None, _("This is not a CSV file. Save the sheet as CSV (UTF-8) and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")
    if not text.strip():
        return None, _("The file is empty.")
    return nfc(text), None


def dialect(text: str) -> tuple[str, str, int]:
    """(text to read, separator, lines skipped): Excel's ``sep=`` line is read and
    skipped; otherwise the separator is whichever of ``;`` and ``,`` the header has more."""
    first, _newline, rest = text.partition("\n")
    hint = SEP_LINE.match(first)
    if hint and hint.group(1) in ",;\t|":
        return rest, hint.group(1), 1
    return text, ";" if first.count(";") > first.count(",") else ",", 0


def check(data: bytes, centre_id: int) -> Checked:
    """Parse and check every row; look the people up in one query."""
    result = Checked()
    text, error = decode(data)
    if error:
        result.errors.append(error)
        return result
    text, delimiter, skipped = dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        result.errors.append(
            _("line %(n)d: %(message)s", n=skipped + 1, message=_("unreadable CSV"))
        )
        return result
    names = [COLUMNS.get(one_line(cell).lower()) for cell in header]
    missing = [c for c in ("email", "name", "profession") if c not in names]
    if missing:
        message = _(
            "the header must name the columns email, name and profession (missing: %(missing)s).",
            missing=", ".join(missing),
        )
        result.errors.append(_("line %(n)d: %(message)s", n=skipped + 1, message=message))
        return result
    where = {name: names.index(name) for name in ("email", "name", "profession")}
    seen: dict[str, int] = {}
    line = reader.line_num + skipped
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num + skipped
            if not any(cell.strip() for cell in cells):
                continue
            if len(result.people) >= max_rows():
                result.errors.append(
                    _(
                        "The file has more than %(n)d rows; split it into smaller files.",
                        n=max_rows(),
                    )
                )
                return result
            person = _row(cells, where, start, seen, result.errors)
            if person is not None:
                result.people.append(person)
    except csv.Error:
        result.errors.append(
            _("line %(n)d: %(message)s", n=line + 1, message=_("unreadable CSV (a stray quote?)"))
        )
        return result
    if not result.people and not result.errors:
        result.errors.append(_("The file has no rows under the header."))
    _match_accounts(result, centre_id)
    result.errors.sort(key=_line_of)
    return result


def _line_of(message: str) -> int:
    digits = re.search(r"\d+", message)
    return int(digits.group()) if digits else 0


def _row(cells, where, line, seen, errors) -> Person | None:
    def bad(message):
        errors.append(_("line %(n)d: %(message)s", n=line, message=message))

    if len(cells) <= max(where.values()):
        bad(_("expected the columns email, name and profession"))
        return None
    email = normalise_email(one_line(cells[where["email"]]))
    name = one_line(cells[where["name"]])
    profession = PROFESSIONS.get(one_line(cells[where["profession"]]).lower())
    problems = []
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.append(_("“%(email)s” is not an e-mail address", email=email))
    if not name or len(name) > 200:
        problems.append(_("the name is missing or too long"))
    if profession is None:
        problems.append(
            _(
                "unknown profession “%(value)s” (use nurse, pharmacist, researcher, physician, "
                "assistant nurse, biomedical scientist, pharmacy technician, prescriptionist "
                "or other)",
                value=one_line(cells[where["profession"]]),
            )
        )
    if email in seen:
        problems.append(_("%(email)s is also on line %(other)d", email=email, other=seen[email]))
    if problems:
        for problem in problems:
            bad(problem)
        return None
    seen[email] = line
    return Person(line, email, name, profession)


def _match_accounts(result: Checked, centre_id: int) -> None:
    emails = [p.email for p in result.people]
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
    for person in result.people:
        user = users.get(person.email)
        if user is None:
            continue
        if user.centre_id is None and asking.get(user.id) == centre_id:
            pass  # asked to join this centre: the import confirms it
        elif user.centre_id is None:
            result.errors.append(
                _(
                    "line %(n)d: %(message)s",
                    n=person.line,
                    message=_(
                        "%(email)s has an account but is not a member of this centre: they "
                        "can ask to join it from their profile, and you confirm it on the "
                        "members page",
                        email=person.email,
                    ),
                )
            )
        elif user.centre_id != centre_id:
            result.errors.append(
                _(
                    "line %(n)d: %(message)s",
                    n=person.line,
                    message=_("%(email)s belongs to another centre", email=person.email),
                )
            )
        elif not user.active:
            result.errors.append(
                _(
                    "line %(n)d: %(message)s",
                    n=person.line,
                    message=_("the account of %(email)s is deactivated", email=person.email),
                )
            )
        person.user = user


@dataclass
class Imported:
    created: list[User]
    enrolled: int
    assigned: int


def apply(checked: Checked, course: Course, *, actor, centre_id, assign, due_on) -> Imported:
    """Write a checked file in one transaction: accounts, their membership of the centre
    (the admin's placement confirms it; nobody confirmed elsewhere is moved), invitations
    (queued in the outbox), enrolments, assignments, audit. Raises assignments.Conflict
    (nothing stored) if someone got in first."""
    created = []
    centre = db.session.get(Centre, centre_id)
    try:
        for person in checked.people:
            if person.user is None:
                person.user = User(
                    email=person.email,
                    name=person.name,
                    password_hash=None,
                    centre_id=None,
                    profession=person.profession,
                    role=Role.learner,
                )
                db.session.add(person.user)
                created.append(person.user)
        db.session.flush()
        for person in checked.people:
            if person.user.centre_id != centre_id:
                membership.place(
                    person.user,
                    centre,
                    actor=actor,
                    reason=None,
                    via="import",
                    source=MembershipSource.import_,
                    move=False,
                )
        titles = {lang: course.published_version.text(lang)["title"] for lang in ("sv", "en")}
        for user in created:
            audit.record("user.invited", actor=actor, subject=user, course=course.slug)
            invitations.queue_invitation(user, titles)
        users = [p.user for p in checked.people]
        if assign:
            result = assignments.assign(
                course, users, actor=actor, due_on=due_on, method="import", commit=False
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
        )
        db.session.commit()
    except (IntegrityError, membership.Conflict, membership.MembershipError) as exc:
        db.session.rollback()
        raise assignments.Conflict from exc
    for user in created:
        events.emit(
            events.user_registered,
            events.UserRegistered(user_id=user.id, centre_id=user.centre_id, at=user.created_at),
        )
    return Imported(created, enrolled, assigned)
