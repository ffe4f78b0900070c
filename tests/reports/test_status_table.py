"""The reports' status table stays equal to the records, whoever writes them and how."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from lms.extensions import db
from lms.models import Profession
from lms.plugins.certificates import services as certificates
from lms.plugins.certificates.models import Certificate
from lms.plugins.enrolment.models import Enrolment
from lms.plugins.reports import services, store
from lms.plugins.reports.models import CountedCompletion, PersonCourseFacts
from lms.plugins.reports.query import Filter


def _row(user, course_id) -> PersonCourseFacts | None:
    db.session.expire_all()
    return db.session.get(PersonCourseFacts, (user.id, course_id))


def _status(centre, course_id) -> dict:
    figures = services.figures(services.tables(), Filter(centre_id=centre.id))
    return {s: n for s, n in figures.by_course[course_id].counts.items() if n}


def test_the_known_records_and_the_table_agree(known):
    assert store.differences(services.tables()) == 0
    stored = db.session.scalar(select(func.count()).select_from(PersonCourseFacts))
    # 13 at Skåne (the 12 counted and Ingrid's unfinished course A, kept, not counted) and
    # 2 at Karolinska.
    assert stored == 15


def test_a_person_moving_centre_moves_their_rows(known, centres):
    eva = known.people["Eva Lind"]
    eva.centre_id = centres["karolinska"].id
    eva.profession = Profession.pharmacist
    db.session.commit()

    assert _row(eva, known.b1.course_id).centre_id == centres["karolinska"].id
    assert _row(eva, known.b1.course_id).profession == "pharmacist"
    assert _status(centres["skane"], known.b1.course_id) == {
        "completed": 2,
        "assigned": 1,
        "withdrawn": 1,
    }
    assert store.differences(services.tables()) == 0


def test_a_revocation_by_sql_update_reaches_the_table(known, centres, make_user):
    from lms.models import Role

    johan = known.people["Johan Sjö"]
    cert = db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == johan.id, Certificate.course_id == known.a1.course_id
        )
    )
    admin = make_user(role=Role.site_admin, centre=None)
    assert certificates.revoke(cert, admin, "Issued in error")
    db.session.commit()

    assert _row(johan, known.a1.course_id).cert_id is None
    assert _row(johan, known.a1.course_id).revoked == 1
    assert _status(centres["skane"], known.a1.course_id)["completed"] == 1
    assert store.differences(services.tables()) == 0


def test_a_rolled_back_write_leaves_no_row(known, make_user):
    newcomer = make_user(centre="skane")

    def enrol():
        db.session.add(
            Enrolment(
                user_id=newcomer.id,
                course_id=known.a1.course_id,
                version_id=known.a1.id,
                method="open",
            )
        )

    enrol()
    db.session.flush()
    db.session.rollback()
    assert _row(newcomer, known.a1.course_id) is None

    enrol()
    db.session.commit()
    assert _row(newcomer, known.a1.course_id).enrolled == 1


def test_check_finds_a_drifted_table_and_rebuild_mends_it(app, known):
    db.session.execute(
        update(PersonCourseFacts)
        .where(PersonCourseFacts.user_id == known.people["Bo Öhman"].id)
        .values(expires_on=services.today() + timedelta(days=400))
    )
    db.session.commit()
    runner = app.test_cli_runner()

    drifted = runner.invoke(args=["reports", "check"])
    assert drifted.exit_code == 1
    assert "differ from the records in 2 rows, 4 tallies differ" in drifted.output  # month, day

    rebuilt = runner.invoke(args=["reports", "rebuild"])
    assert rebuilt.exit_code == 0
    assert "15 rows rebuilt" in rebuilt.output
    assert runner.invoke(args=["reports", "check"]).exit_code == 0
    db.session.rollback()
    assert _row(known.people["Bo Öhman"], known.a1.course_id).expires_on < services.today()


def test_the_upgrade_fills_the_tables_from_records_already_there(app, known):
    from flask_migrate import downgrade, upgrade

    completions = select(func.count()).select_from(CountedCompletion)
    counted = db.session.scalar(completions)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0006_user_lifecycle")
    upgrade(revision="heads")

    assert db.session.scalar(select(func.count()).select_from(PersonCourseFacts)) == 15
    # The 11 completions but the two whose certificates were revoked (Cecilia's).
    assert db.session.scalar(completions) == counted == 9
    assert store.differences(services.tables()) == 0


def test_a_module_marked_done_alone_moves_the_person_to_in_progress(
    make_user, make_course, centres
):
    """Progress rows carry no user_id: they name their owner through records_owner_id."""
    from lms.plugins.enrolment import services as enrolment

    version = make_course("three-modules", modules=3, quiz_modules=())
    person = make_user(centre="skane")
    course = enrolment.course_by_slug("three-modules")
    enrolled = enrolment.enrol(person, course)
    assert _status(centres["skane"], course.id) == {"enrolled": 1}

    enrolment.mark_done(enrolled, version.modules[0], source="reading")  # commits by itself

    assert _row(person, course.id).progress == 1
    assert _status(centres["skane"], course.id) == {"in_progress": 1}
