"""Two transactions change one person's records and commit at the same moment: both must
succeed, and the reports' table must show both, not the view of whichever came last.

PostgreSQL only (this folder): SQLite lets one writer at a time, so nothing interleaves.
"""

from __future__ import annotations

import threading

from lms.extensions import db
from lms.plugins.enrolment.models import Assignment, Enrolment
from lms.plugins.reports import services, store
from lms.plugins.reports.models import PersonCourseFacts


def test_concurrent_writes_for_one_person_both_reach_the_table(app, make_user, make_course):
    person = make_user(centre="skane")
    a, b = make_course("course-a"), make_course("course-b")
    # A row already there for course B: each transaction rewrites the person's rows.
    db.session.add(Assignment(course_id=b.course_id, user_id=person.id, centre_id=person.centre_id))
    db.session.commit()
    versions = [a.id, b.id]
    user_id = person.id
    barrier = threading.Barrier(2)
    errors = []

    def enrol(version_id):
        try:
            with app.app_context():
                from lms.content.models import CourseVersion

                version = db.session.get(CourseVersion, version_id)
                db.session.add(
                    Enrolment(
                        user_id=user_id,
                        course_id=version.course_id,
                        version_id=version.id,
                        method="open",
                    )
                )
                db.session.flush()  # both hold their writes, neither has committed
                barrier.wait(timeout=30)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=enrol, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()
    rows = db.session.scalars(
        db.select(PersonCourseFacts).where(PersonCourseFacts.user_id == user_id)
    ).all()
    assert sorted(row.enrolled for row in rows) == [1, 1]
    assert store.differences(services.tables()) == 0
