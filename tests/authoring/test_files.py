"""Writing Markdown in the browser: saved as files, audited, two educators never lose an
edit, the check's problems shown at their line."""

from __future__ import annotations

from tests.authoring.conftest import (
    MODULE,
    SLUG,
    audit_actions,
    draft_file,
    draft_files,
    save,
    second_client,
    text_of,
)


def test_a_saved_file_is_stored_as_a_file_would_be_and_audited(as_educator, app_course, educator):
    page = save(as_educator, "02-storage.md", "---\r\ntitle: Storage\r\nminutes: 5\r\n---\r\nText")
    assert page.status_code == 302
    row = draft_file(SLUG, "02-storage.md")
    assert row.data == b"---\ntitle: Storage\nminutes: 5\n---\nText\n"  # LF, final newline
    assert len(row.sha256) == 64
    assert row.updated_by_id == educator.id
    assert save(as_educator, "02-storage.md", "---\ntitle: Storage\nminutes: 6\n---\nText\n")
    row = draft_file(SLUG, "02-storage.md")
    assert row.revision == 2
    events = [e for e in audit_actions() if e.details.get("path") == "02-storage.md"]
    assert [e.action for e in events] == ["authoring.file_added", "authoring.file_saved"]
    assert {e.actor_id for e in events} == {educator.id}
    assert events[-1].details["sha256"] == row.sha256


def test_a_file_changed_by_someone_else_is_not_overwritten(app, as_educator, app_course, make_user):
    from lms.models import Role

    colleague = make_user(email="olle@example.com", role=Role.educator)
    admin = make_user(email="sam@example.com", role=Role.site_admin)
    other = second_client(app, admin)  # both have the file open at revision 1
    opened = draft_file(SLUG, "01-receiving.md").revision
    theirs = MODULE.replace("dry shipper", "dry shipper and its logger")
    assert save(other, "01-receiving.md", theirs, revision=opened).status_code == 302

    mine = MODULE.replace("before you sign", "before anyone signs")
    page = save(as_educator, "01-receiving.md", mine, revision=opened)
    assert page.status_code == 409
    shown = page.get_data(as_text=True)
    assert "Someone else saved this file after you opened it" in text_of(page)
    assert "before anyone signs" in shown  # mine, still in the form
    assert "and its logger" in shown  # theirs, shown beside it
    stored = draft_file(SLUG, "01-receiving.md")
    assert stored.data.decode() == theirs
    # Saving again from the conflict page (it carries the new revision) is deliberate.
    revision = int(shown.split('name="revision" type="hidden" value="')[1].split('"')[0])
    assert revision == stored.revision
    assert save(as_educator, "01-receiving.md", mine, revision=revision).status_code == 302
    assert draft_file(SLUG, "01-receiving.md").data.decode() == mine
    assert colleague  # an owner who did nothing: no event of theirs
    assert not [e for e in audit_actions() if e.actor_id == colleague.id]


def test_rename_and_delete_refuse_a_stale_revision(as_educator, app_course):
    stale = draft_file(SLUG, "01-receiving.md").revision
    assert save(as_educator, "01-receiving.md", MODULE + "\nMore.\n").status_code == 302
    for url, data in (
        (f"/educator/courses/{SLUG}/rename/01-receiving.md", {"name": "01-x.md"}),
        (f"/educator/courses/{SLUG}/delete/01-receiving.md", {}),
    ):
        page = as_educator.post(url, data={**data, "revision": str(stale)})
        assert "Someone else saved this file" in text_of(as_educator.get(page.headers["Location"]))
    assert "01-receiving.md" in draft_files()
    fresh = str(draft_file(SLUG, "01-receiving.md").revision)
    as_educator.post(
        f"/educator/courses/{SLUG}/rename/01-receiving.md",
        data={"name": "01-arrival.md", "revision": fresh},
    )
    assert "01-arrival.md" in draft_files()
    assert "01-receiving.md" not in draft_files()
    as_educator.post(
        f"/educator/courses/{SLUG}/delete/01-arrival.md",
        data={"revision": str(draft_file(SLUG, "01-arrival.md").revision)},
    )
    assert "01-arrival.md" not in draft_files()
    for new in ("01-arrival.txt", "images/01-arrival.png"):
        refused = as_educator.post(
            f"/educator/courses/{SLUG}/rename/01-receiving.quiz.md",
            data={"name": new, "revision": "1"},
        )
        assert "ends in .md" in text_of(as_educator.get(refused.headers["Location"]))
    assert "01-receiving.quiz.md" in draft_files()
    actions = [e.action for e in audit_actions()]
    assert "authoring.file_renamed" in actions
    assert "authoring.file_deleted" in actions


def test_unsafe_names_are_refused(as_educator, new_course):
    for name in ("../escape.md", "/etc/passwd.md", "images\\x.md", ".hidden.md", "notes.txt"):
        page = save(as_educator, name, "text")
        assert page.status_code == 422, name
    assert set(draft_files()) == {"course.md"}


def test_problems_are_shown_at_their_line_in_the_editor(as_educator, app_course):
    broken = MODULE.replace("minutes: 10", "minutes: ten")
    save(as_educator, "01-receiving.md", broken)
    page = as_educator.get(f"/educator/courses/{SLUG}/files/01-receiving.md")
    text = text_of(page)
    assert "Line 3 error 'minutes' must be a whole number greater than 0" in text
    html = page.get_data(as_text=True)
    assert 'href="/educator/courses/cell-handling/files/01-receiving.md#L3"' in html
    assert '<li id="L3" value="3"><code>minutes: ten</code>' in html
    check = text_of(as_educator.get(f"/educator/courses/{SLUG}/check"))
    assert "01-receiving.md:3: error 'minutes' must be a whole number greater than 0" in check


def test_messages_are_in_the_educators_language(as_educator, app_course):
    save(as_educator, "01-receiving.md", MODULE.replace("minutes: 10", "minutes: ten"))
    as_educator.post("/lang", data={"lang": "sv"})
    check = text_of(as_educator.get(f"/educator/courses/{SLUG}/check"))
    assert "01-receiving.md:3: fel 'minutes' måste vara ett heltal större än 0" in check
