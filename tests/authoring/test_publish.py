"""Publishing runs the checker and the sync's own storing code in one transaction; the kind
of change sets the version; the note reaches learners asked to re-take after a major one."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import Role
from tests.authoring.conftest import (
    MODULE,
    QUIZ,
    SLUG,
    audit_actions,
    draft_file,
    save,
    second_client,
    text_of,
    workspace,
)

REVISION = 'id="revision" name="revision" type="hidden" value="'


def seen_revision(client) -> str:
    """The draft revision the publish page shows (what the educator checked)."""
    page = client.get(f"/educator/courses/{SLUG}/publish").get_data(as_text=True)
    if REVISION not in page:  # no form while the draft has errors: the stored revision
        return str(workspace().revision)
    return page.split(REVISION)[1].split('"')[0]


def publish(client, kind: str | None = None, note: str = "", revision=None):
    if revision is None:
        revision = seen_revision(client)
    data = {"note": note, "revision": str(revision)}
    if kind:
        data["kind"] = kind
    return client.post(f"/educator/courses/{SLUG}/publish", data=data)


def course() -> Course:
    return db.session.scalar(select(Course).where(Course.slug == SLUG))


def versions() -> list[str]:
    return list(
        db.session.scalars(
            select(CourseVersion.version)
            .join(Course, Course.id == CourseVersion.course_id)
            .where(Course.slug == SLUG)
            .order_by(CourseVersion.id)
        )
    )


def test_a_draft_with_problems_is_not_published(as_educator, app_course):
    wrong = QUIZ.replace("- [x] The receiving", "- [ ] The receiving")
    save(as_educator, "01-receiving.quiz.md", wrong)
    page = as_educator.get(f"/educator/courses/{SLUG}/publish")
    assert "question 1 has no correct choice" in text_of(page)
    assert 'type="submit">Publish' not in page.get_data(as_text=True)
    refused = publish(as_educator)
    assert refused.status_code == 422
    assert "01-receiving.quiz.md:4: error question 1 has no correct choice" in text_of(refused)
    assert versions() == []
    assert not audit_actions("authoring.published")


def test_first_publish_is_1_0_0_and_learners_get_it(app, as_educator, app_course, educator):
    page = publish(as_educator)
    assert page.status_code == 302
    assert versions() == ["1.0.0"]
    stored = course().published_version
    assert stored.version == "1.0.0"
    assert stored.status == "published"
    assert stored.owners == ["eva@example.com"]
    assert [q.slug for q in stored.quizzes] == ["receiving"]
    course_md = draft_file(SLUG, "course.md").data.decode()
    assert "version: 1.0.0" in course_md
    assert "status: published" in course_md
    assert stored.content_hash  # the draft is now the version: same files, same hash
    overview = text_of(as_educator.get(f"/educator/courses/{SLUG}/"))
    assert "The draft is the published version." in overview
    event = audit_actions("authoring.published")[-1]
    assert (event.actor_id, event.details["version"], event.details["kind"]) == (
        educator.id,
        "1.0.0",
        "first",
    )
    assert as_educator.get(f"/courses/{SLUG}/").status_code == 200


def test_nothing_new_is_refused(as_educator, app_course):
    publish(as_educator)
    page = publish(as_educator, kind="patch", note="Nothing really.")
    assert page.status_code == 409
    assert "The draft is version 1.0.0 as published" in text_of(page)
    assert versions() == ["1.0.0"]


def test_the_kind_of_change_sets_the_version(as_educator, app_course):
    publish(as_educator)
    steps = [("patch", "1.0.1", "Tpyo"), ("minor", "1.1.0", "More"), ("major", "2.0.0", "New")]
    for kind, expected, word in steps:
        save(as_educator, "01-receiving.md", MODULE + f"\n{word}.\n")
        assert publish(as_educator, kind=kind, note=f"{kind} note").status_code == 302
        assert course().published_version.version == expected
        assert course().published_version.change_note == f"{kind} note"
    assert versions() == ["1.0.0", "1.0.1", "1.1.0", "2.0.0"]


def test_an_update_needs_a_kind_and_a_note(as_educator, app_course):
    publish(as_educator)
    save(as_educator, "01-receiving.md", MODULE + "\nMore.\n")
    assert "Choose what kind of change" in text_of(publish(as_educator, note="x"))
    assert "Write what changed" in text_of(publish(as_educator, kind="minor"))
    assert versions() == ["1.0.0"]


def test_a_draft_changed_since_the_page_opened_is_not_published(app, as_educator, app_course):
    seen = seen_revision(as_educator)
    save(as_educator, "01-receiving.md", MODULE + "\nA late change.\n")
    refused = publish(as_educator, revision=seen)
    assert refused.status_code == 409
    assert "The draft changed after you opened this page" in text_of(refused)
    assert versions() == []


def test_learners_who_must_retake_read_the_note(app, as_educator, app_course, make_user):
    publish(as_educator)
    learner = make_user(email="nina@example.com", role=Role.learner)
    browser = second_client(app, learner)
    assert browser.post(f"/courses/{SLUG}/enrol").status_code in (302, 303)
    save(as_educator, "01-receiving.md", MODULE.replace("dry shipper", "dry shipper's logger"))
    note = "Check the logger before you sign, not only the shipper."
    assert publish(as_educator, kind="major", note=note).status_code == 302
    shown = text_of(browser.get(f"/courses/{SLUG}/"))
    assert "Version 2.0.0 has changed modules" in shown
    assert f"What changed: {note}" in shown


def test_the_previous_version_serves_until_the_new_one_is_stored(as_educator, app_course):
    publish(as_educator)
    first = course().published_version_id
    untitled = MODULE.replace("title: Receiving a cell product", "title:")
    save(as_educator, "01-receiving.md", untitled)
    assert publish(as_educator, kind="patch", note="typo").status_code == 422
    assert course().published_version_id == first
    count = db.session.scalar(select(func.count()).select_from(CourseVersion))
    assert count == 1


def test_a_tampered_form_changes_nothing(as_educator, app_course):
    for revision in ("abc", "", "-1", "99999999999999999999"):
        page = as_educator.post(
            f"/educator/courses/{SLUG}/publish", data={"note": "", "revision": revision}
        )
        assert page.status_code == 409
    page = as_educator.post(f"/educator/courses/{SLUG}/publish", data={"note": ""})
    assert page.status_code == 409
    saved = as_educator.post(
        f"/educator/courses/{SLUG}/files/01-receiving.md", data={"text": "x", "revision": "x"}
    )
    assert saved.status_code == 422  # no revision: taken as a new file, and the name is taken
    assert draft_file(SLUG, "01-receiving.md").data.decode() == MODULE
    assert versions() == []
