"""Moving an enrolment to a newer course version.

Progress belongs to the version a learner enrolled on. When a newer version is published:

- same major (patch or minor): an unfinished enrolment moves when the version is published
  (``flask lms sync-courses`` sends ``version_published``), and any progress write checks
  again; pages only read. Done modules carry over by slug, a module that disappeared drops
  out, a new one is not done. A completed enrolment stays on the version it completed:
  nothing to re-take, and no second certificate.
- new major: the learner is told which modules changed (their ``content_hash`` differs)
  and moves when they press the button (or when they pass a quiz of the new version).
  Unchanged modules keep their done state, changed ones are not done.

The old progress rows and completions stay untouched; moving only adds rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit
from lms.content.models import CourseVersion, Module
from lms.extensions import db
from lms.plugins.enrolment import services
from lms.plugins.enrolment.models import ACTIVE, Enrolment, Progress


def _order(version: CourseVersion) -> tuple[int, int, int]:
    return version.major, version.minor, version.patch


def newer_published(enrolment: Enrolment) -> CourseVersion | None:
    published = enrolment.course.published_version
    if published is None or published.id == enrolment.version_id:
        return None
    return published if _order(published) > _order(enrolment.version) else None


@dataclass(frozen=True)
class MajorNotice:
    version: CourseVersion
    changed: list[Module]  # modules of the new version to (re-)take


def changed_modules(old_modules: list[Module], new_modules: list[Module]) -> list[Module]:
    old = {m.slug: m.content_hash for m in old_modules}
    return [m for m in new_modules if old.get(m.slug) != m.content_hash]


def major_notice(
    enrolment: Enrolment, modules_by_version: dict | None = None
) -> MajorNotice | None:
    """What the learner must re-take when a new major version waits for them, else None.
    ``modules_by_version`` lets a page pass modules it already loaded in one query."""
    target = newer_published(enrolment)
    if target is None or target.major == enrolment.version.major:
        return None
    lookup = modules_by_version or {}
    old = lookup.get(enrolment.version_id) or services.modules_of(enrolment.version_id)
    new = lookup.get(target.id) or services.modules_of(target.id)
    return MajorNotice(target, changed_modules(old, new))


def is_completed(enrolment: Enrolment) -> bool:
    return services.completion_of(enrolment.id, enrolment.version_id, enrolment.cycle) is not None


def follow_minor(enrolment: Enrolment, *, published: bool = False) -> bool:
    """Move an unfinished enrolment to a newer published version of the same major. Only
    from a POST or a command: it writes. ``published``: moved because the version was
    published (the audit trail names no person as the actor)."""
    if not enrolment.is_active:
        return False
    target = newer_published(enrolment)
    if target is None or target.major != enrolment.version.major or is_completed(enrolment):
        return False
    db.session.commit()
    return move(enrolment, target, published=published)


def on_version_published(sender, payload, **_extra) -> None:
    """Receiver of ``version_published``: every unfinished enrolment of the course moves
    onto the new version when it has the same major (one transaction per enrolment)."""
    ids = list(
        db.session.scalars(
            select(Enrolment.id).where(
                Enrolment.course_id == payload.course_id,
                Enrolment.status == ACTIVE,
                Enrolment.version_id != payload.version_id,
            )
        )
    )
    for enrolment_id in ids:
        enrolment = db.session.get(Enrolment, enrolment_id)
        if enrolment is not None:
            follow_minor(enrolment, published=True)


def move(enrolment: Enrolment, target: CourseVersion, *, actor=None, published=False) -> bool:
    """Put ``enrolment`` on ``target`` and carry progress over; then re-check completion.
    False when another request moved it first (or it is on ``target`` already)."""
    source_id = enrolment.version_id
    locked = services.enrolment_for(enrolment.user_id, enrolment.course_id, lock=True)
    if locked is None or locked.version_id != source_id or source_id == target.id:
        db.session.rollback()
        return False
    same_major = enrolment.version.major == target.major
    old_label = enrolment.version.version
    old_modules = {m.id: m for m in services.modules_of(source_id)}
    new_by_slug = {m.slug: m for m in services.modules_of(target.id)}
    carried = 0
    done_rows = db.session.scalars(
        select(Progress).where(
            Progress.enrolment_id == enrolment.id,
            Progress.version_id == source_id,
            Progress.cycle == enrolment.cycle,
            Progress.module_id.is_not(None),
        )
    )
    for row in done_rows:
        old = old_modules.get(row.module_id)
        new = new_by_slug.get(old.slug) if old is not None else None
        if new is None or (not same_major and new.content_hash != old.content_hash):
            continue
        db.session.add(
            Progress(
                enrolment_id=enrolment.id,
                cycle=enrolment.cycle,
                version_id=target.id,
                module_id=new.id,
                source="carried",
                score_percent=row.score_percent,
                carried_from_id=row.id,
                done_at=row.done_at,
            )
        )
        carried += 1
    locked.version_id = target.id
    audit.record(
        "enrolment.version_moved",
        actor=None if published else actor or enrolment.user_id,
        subject=enrolment.user_id,
        enrolment=enrolment.id,
        old=old_label,
        new=target.version,
        carried=carried,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    db.session.refresh(enrolment)
    services.check_completion(enrolment)
    return True
