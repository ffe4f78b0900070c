"""What enrolment answers on the shared signals (connected in ``init_app``).

Module-level functions, because blinker keeps weak references. Panels return Markup from
this plugin's templates; the catalogue places them on its pages without knowing what is
inside.
"""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import select

from lms import audit, events
from lms.content.models import Course, Module
from lms.extensions import db
from lms.plugins.enrolment import module_state, next_step, services, state, versions
from lms.plugins.enrolment.models import Assignment, Completion, Cycle


def on_quiz_passed(sender, payload: events.QuizPassed, **_extra) -> None:
    """A passed quiz marks its module done (a course quiz: just remember the score)."""
    enrolment = services.active_enrolment(payload.user_id, payload.course_id)
    if enrolment is None:
        current_app.logger.warning("quiz passed without enrolment: %s", payload)
        return
    versions.follow_minor(enrolment)
    if payload.version_id != enrolment.version_id:
        target = services.version_of(payload.version_id)
        newer = target is not None and (target.major, target.minor, target.patch) > (
            enrolment.version.major,
            enrolment.version.minor,
            enrolment.version.patch,
        )
        if newer:  # passing a quiz of the new version is choosing to work on it
            versions.move(enrolment, target)
            db.session.refresh(enrolment)
    if payload.version_id != enrolment.version_id:
        return  # a quiz of a version this enrolment is not on: nothing to record
    module = db.session.get(Module, payload.module_id) if payload.module_id else None
    services.mark_done(
        enrolment,
        module,
        source="quiz",
        quiz_id=payload.quiz_id,
        score_percent=payload.score_percent,
        attempt_id=payload.attempt_id,
    )


def on_certificate_revoked(sender, payload: events.CertificateRevoked, **_extra) -> None:
    """A certificate was revoked: when it was for the enrolment's current completion, the
    learner takes the course again. A new cycle starts (progress and completion begin
    empty; the old ones stay as records) and the completion no longer counts, so the
    learner, the centre and the verification page agree. Writes in the revoking
    transaction (no commit). The revoked certificate of an older version or cycle changes
    nothing here: the learner is past it already."""
    enrolment = services.enrolment_for(payload.user_id, payload.course_id, lock=True)
    completion = db.session.get(Completion, payload.completion_id)
    if enrolment is None or completion is None or completion.enrolment_id != enrolment.id:
        return
    if (completion.version_id, completion.cycle) != (enrolment.version_id, enrolment.cycle):
        return
    enrolment.cycle += 1
    db.session.add(
        Cycle(
            enrolment_id=enrolment.id,
            user_id=enrolment.user_id,
            number=enrolment.cycle,
            reason="certificate_revoked",
            ends_completion_id=completion.id,
            started_at=payload.at,
        )
    )
    audit.record(
        "enrolment.retake_required",
        subject=enrolment.user_id,
        course=enrolment.course.slug,
        cycle=enrolment.cycle,
        certificate=payload.code,
    )
    db.session.flush()


def on_ensure_enrolment(sender, payload: events.EnrolmentRequest, **_extra) -> int | None:
    enrolment = services.active_enrolment(payload.user_id, payload.course_id)
    if enrolment is not None:
        return enrolment.id
    if not payload.enrol_if_open:
        return None
    course = db.session.get(Course, payload.course_id)
    if course is None or course.published_version is None:
        return None
    if course.published_version.enrolment != "open":
        return None
    from lms.models import User

    user = db.session.get(User, payload.user_id)
    try:
        enrolment = services.safe_enrol(user, course, via_quiz=True)
    except services.EnrolmentRefused:
        return None
    return enrolment.id if enrolment is not None else None


def on_progress_query(sender, payload: events.ProgressQuery, **_extra):
    """Where the learner stands in the course (reads only): EnrolmentProgress or None.
    Answered from :func:`.state.state_of`, which a GET page has usually asked already."""
    found = state.state_of(payload.user_id, payload.course_id)
    if found is None:
        return None
    enrolment = found.enrolment
    return events.EnrolmentProgress(
        enrolment_id=enrolment.id,
        version_id=enrolment.version_id,
        cycle=enrolment.cycle,
        modules_done=found.done_count,
        modules_total=found.total,
        completed=found.completion is not None,
        since=found.retake.started_at if found.retake is not None else None,
    )


def on_training_records(sender, payload: events.TrainingRecordsRequest, **_extra) -> list:
    """Completions and unfinished enrolments of the people asked for (reads only)."""
    from lms.plugins.enrolment.models import Enrolment

    if not payload.user_ids:
        return []
    statement = select(Enrolment).where(Enrolment.user_id.in_(payload.user_ids))
    if payload.course_id is not None:
        statement = statement.where(Enrolment.course_id == payload.course_id)
    enrolments = {e.id: e for e in db.session.scalars(statement.order_by(Enrolment.id))}
    done = select(Completion).where(Completion.enrolment_id.in_(list(enrolments) or [0]))
    completed: dict[int, list[Completion]] = {}
    for row in db.session.scalars(done.order_by(Completion.id)):
        completed.setdefault(row.enrolment_id, []).append(row)
    records = []
    for enrolment in enrolments.values():
        rows = completed.get(enrolment.id, [])
        for row in rows:
            if payload.since is None or row.completed_at >= payload.since:
                records.append(_record(enrolment, row.version_id, row.cycle, row))
        current_done = any(
            (r.version_id, r.cycle) == (enrolment.version_id, enrolment.cycle) for r in rows
        )
        if not current_done and (payload.since is None or enrolment.enrolled_at >= payload.since):
            records.append(_record(enrolment, enrolment.version_id, enrolment.cycle, None))
    return records


def _record(enrolment, version_id: int, cycle: int, completion) -> events.TrainingRecord:
    return events.TrainingRecord(
        user_id=enrolment.user_id,
        course_id=enrolment.course_id,
        version_id=version_id,
        enrolment_id=enrolment.id,
        cycle=cycle,
        status=enrolment.status,
        enrolled_at=enrolment.enrolled_at,
        completed_at=completion.completed_at if completion is not None else None,
        score_percent=completion.score_percent if completion is not None else None,
    )


def on_completion_recheck(sender, payload: events.CompletionRecheck, **_extra) -> int | None:
    """Another plugin removed its blocker: check completion again (commits)."""
    from lms.plugins.enrolment.models import Enrolment

    enrolment = db.session.get(Enrolment, payload.enrolment_id)
    if enrolment is None or not enrolment.is_active:
        return None
    return services.check_completion(enrolment)


def _course_and_version(course_id: int):
    course = db.session.get(Course, course_id)
    return course, course.published_version if course is not None else None


def on_course_page(sender, payload: events.CoursePage, **_extra) -> Markup | None:
    """The enrolled learner's state comes with the course and its published version (one
    query); only someone not enrolled costs the separate look-up."""
    found = state.state_of(payload.user_id, payload.course_id) if payload.user_id else None
    if found is not None:
        course = found.enrolment.course
        published = course.published_version
    else:
        course, published = _course_and_version(payload.course_id)
    if course is None:
        return None
    html = render_template(
        "enrolment/course_panel.html",
        course=course,
        published=published,
        slug=payload.course_slug,
        state=found,
        step=next_step.next_step(found, payload.course_slug) if found is not None else None,
        logged_in=payload.user_id is not None,
        needs_key=published is not None and published.enrolment == "key",
    )
    return Markup(html)


def on_module_page_query(sender, payload: events.ModulePage, **_extra) -> list:
    """What the module panel needs, for the page's one statement (``module_page_query``)."""
    return module_state.page_query(payload.user_id, payload.course_id, payload.module_slug)


def on_module_page(sender, payload: events.ModulePage, **_extra) -> Markup | None:
    """From the page's facts (``module_page_query``), or else one query for an enrolled
    learner (see :mod:`.module_state`) and the course read to offer enrolment."""
    answered = module_state.from_facts(payload.facts)
    if answered is not None:
        found, published = answered
    elif payload.user_id and (
        found := module_state.module_state(payload.user_id, payload.course_id, payload.module_slug)
    ):
        published = db.session.get(Course, payload.course_id).published_version
    else:
        found = None
        course, published = _course_and_version(payload.course_id)
        if course is None:
            return None
    html = render_template(
        "enrolment/module_panel.html",
        published=published,
        slug=payload.course_slug,
        module_slug=payload.module_slug,
        state=found,
        quiz_slug=module_state.quiz_slug(payload.module_id) if found else None,
        logged_in=payload.user_id is not None,
        previewing=payload.previewing,
    )
    return Markup(html)


def on_personal_data(sender, payload: events.PersonalDataRequest, **_extra) -> tuple[str, list]:
    """The person's own enrolments, progress, completions and assignments (GDPR art. 15)."""
    found = state.states_for(state.load_enrolments(payload.user_id))
    dues = {}
    for assignment in db.session.scalars(
        select(Assignment).where(Assignment.user_id == payload.user_id).order_by(Assignment.id)
    ):
        dues.setdefault(assignment.course_id, []).append(
            {
                "due_on": assignment.due_on.isoformat() if assignment.due_on else None,
                "assigned_at": assignment.created_at.isoformat(),
            }
        )
    return "enrolments", [
        {
            "course": s.enrolment.course.slug,
            "version": s.enrolment.version.version,
            "status": s.enrolment.status,
            "enrolled_at": s.enrolment.enrolled_at.isoformat(),
            "modules_done": [m.slug for m in s.modules if m.id in s.done],
            "completions": [
                {
                    "version": c.version.version,
                    "completed_at": c.completed_at.isoformat(),
                    "score_percent": c.score_percent,
                    "cycle": c.cycle,
                    # False once its certificate was revoked and the course is taken again
                    "counts": c.id not in s.withdrawn_completion_ids,
                }
                for c in s.completions
            ],
            "assignments": dues.get(s.enrolment.course_id, []),
        }
        for s in found
    ]
