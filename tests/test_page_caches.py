"""The per-process caches of issue 18 (catalogue cards, course outlines, module outlines,
version copies) keep only what a published version decides: never one person's state for
another, never a draft for a learner, never a revoked certificate as valid."""

from __future__ import annotations

import re

from flask import current_app

from lms import events
from lms.extensions import db
from lms.fragments import STORE
from lms.models import Role, utcnow
from lms.plugins.certificates import services as certificates
from lms.plugins.certificates.models import Certificate


def page(client, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


PAGES = ["/courses/?audience=all", "/courses/shared/", "/courses/shared/module-1/", "/me/"]


def test_one_persons_progress_is_never_shown_to_another(client, auth, make_user, make_course):
    make_course("shared", title="Shared Course", modules=3, quiz_modules=())
    ada = make_user(email="ada@example.com", name="Ada Progress")
    bo = make_user(email="bo@example.com", name="Bo Newcomer")

    auth.login(ada)
    assert client.post("/courses/shared/enrol").status_code == 302
    assert client.post("/courses/shared/module-1/complete").status_code == 302
    seen = {url: page(client, url) for url in PAGES}  # fills every cache
    assert "1 of 3 modules done" in seen["/courses/shared/"]
    assert "1 of 3 modules done" in seen["/me/"]
    assert "Leave this course" in seen["/courses/shared/"]
    assert 'class="card-state"' in seen["/courses/?audience=all"]  # "Enrolled" on her card
    assert len(current_app.extensions[STORE]) > 0
    auth.logout()

    auth.login(bo)
    for url in PAGES:
        text = page(client, url)
        assert "modules done" not in text, url
        assert "Ada Progress" not in text, url
        assert "ada@example.com" not in text, url
        assert "Leave this course" not in text, url
        assert "card-state" not in text, url  # Ada's "Enrolled" is hers alone
    assert "Enrol in this course" in page(client, "/courses/shared/")
    assert "You are not working on any course." in page(client, "/me/")
    auth.logout()

    auth.login(ada)  # and Ada's own state is read afresh, not frozen by the cache
    assert client.post("/courses/shared/module-2/complete").status_code == 302
    assert "2 of 3 modules done" in page(client, "/courses/shared/")
    assert "2 of 3 modules done" in page(client, "/me/")


def test_a_draft_is_never_cached_nor_served_to_a_learner(client, auth, make_user, make_course):
    make_course("evolving", title="Evolving Old", version="1.0.0", modules=2)
    draft = make_course(
        "evolving", title="Evolving New", version="1.1.0", status="draft", modules=3
    )
    educator = make_user(role=Role.educator, email="ed@example.com")
    learner = make_user(email="learner@example.com")

    auth.login(educator)  # staff preview the draft first: its pages are rendered...
    assert "Evolving New" in page(client, "/courses/evolving/?preview=draft")
    assert "module-3" in page(client, "/courses/evolving/?preview=draft")
    page(client, "/courses/?audience=all")
    store = current_app.extensions[STORE]
    assert not [key for key in store.items if key[1] == draft.id]  # ...and never kept
    auth.logout()

    auth.login(learner)
    listed = page(client, "/courses/?audience=all")
    course = page(client, "/courses/evolving/")
    preview = page(client, "/courses/evolving/?preview=draft")
    for text in (listed, course, preview):
        assert "Evolving Old" in text
        assert "Evolving New" not in text
        assert "module-3" not in text
    assert client.get("/courses/evolving/module-3/").status_code == 404


def test_a_newly_published_version_replaces_the_cached_one(client, auth, make_user, make_course):
    make_course("moving", title="Moving Old", version="1.0.0")
    auth.login(make_user(email="reader@example.com"))
    assert "Moving Old" in page(client, "/courses/?audience=all")
    assert "Moving Old" in page(client, "/courses/moving/")
    make_course("moving", title="Moving New", version="1.1.0", modules=3)
    for url in ("/courses/?audience=all", "/courses/moving/"):
        text = page(client, url)
        assert "Moving New" in text, url
        assert "Moving Old" not in text, url


def test_a_revoked_certificate_is_never_served_as_valid(client, auth, make_user, make_course):
    version = make_course("certified", title="Certified Course")
    learner = make_user(email="holder@example.com")
    admin = make_user(role=Role.site_admin, email="admin@example.com")
    events.emit(
        events.course_completed,
        events.CourseCompleted(
            user_id=learner.id,
            course_id=version.course_id,
            version_id=version.id,
            enrolment_id=1001,
            completion_id=1,
            at=utcnow(),
            score_percent=None,
        ),
    )
    db.session.commit()
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.user_id == learner.id))
    url = f"/certificates/{certificate.code}"
    assert "Valid certificate" in page(client, url)  # read once: anything cacheable is warm
    assert certificates.revoke(certificate, admin, "Issued in error")
    db.session.commit()
    for _ in range(2):
        text = page(client, url)
        assert "Valid certificate" not in text
        assert "no longer valid" in text


def nav_links(text: str) -> list[str]:
    """The main navigation's link texts, in order, with the current page marked by '*'."""
    nav = text.split('<ul class="nav">', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="[^"]*"\s*(aria-current="page")?\s*>([^<]+)</a>', nav)
    return [("*" if current else "") + label.strip() for current, label in links]


def test_the_kept_navigation_follows_each_persons_roles_page_and_language(client, auth, make_user):
    learner = make_user(email="learner@example.com")
    admin = make_user(role=Role.centre_admin, centre="skane", email="admin@example.com")
    both = make_user(roles=(Role.educator, Role.centre_admin), centre="skane", email="b@x.se")
    seen = {}
    for person in (learner, admin, both, None):
        if person is not None:
            auth.login(person)
        for round_ in range(2):  # the second round is served from the kept HTML
            for url in ("/courses/", "/me/" if person else "/auth/login"):
                text = page(client, url)
                key = (person.email if person else None, url)
                seen.setdefault(key, nav_links(text))
                assert nav_links(text) == seen[key], (round_, key)
        if person is not None:
            # The logout form is rendered for this session, never kept: its token works.
            token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
            client.post("/auth/logout", data={"csrf_token": token})
            assert "Log in" in nav_links(page(client, "/courses/"))
    assert seen[("learner@example.com", "/courses/")] == ["*Courses", "My courses", "Profile"]
    assert seen[("learner@example.com", "/me/")] == ["Courses", "*My courses", "Profile"]
    assert "Members" in seen[("admin@example.com", "/courses/")]
    assert "Members" not in seen[("learner@example.com", "/courses/")]
    assert "Course editing" in seen[("b@x.se", "/courses/")]
    assert "Course editing" not in seen[("admin@example.com", "/courses/")]
    assert seen[(None, "/courses/")] == ["*Courses", "Log in", "Register"]

    auth.login(learner)  # the same person in Swedish: the Swedish labels, kept apart
    client.post("/lang", data={"lang": "sv", "csrf_token": csrf(client)})
    assert nav_links(page(client, "/courses/"))[:2] == ["*Kurser", "Mina kurser"]


def test_the_navigation_marks_the_section_a_page_belongs_to(client, auth, make_user, make_course):
    """The home page shows the catalogue: "Courses" is current there too; a page of a
    plugin with one entry (a course page, the centre's people list) marks that entry."""
    make_course("marked", title="Marked Course", modules=1, quiz_modules=())
    assert "*Courses" in nav_links(page(client, "/"))
    auth.login(make_user(email="learner@example.com"))
    assert "*Courses" in nav_links(page(client, "/"))
    assert "*Courses" in nav_links(page(client, "/courses/marked/"))
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="skane", email="admin@example.com"))
    links = nav_links(page(client, "/centre/people"))
    assert "*Centre report" in links
    assert sum(link.startswith("*") for link in links) == 1


def csrf(client) -> str:
    text = page(client, "/auth/profile")
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def test_the_catalogue_filter_lists_show_the_values_asked_for(client, auth, make_user):
    auth.login(make_user(email="nurse@example.com"))
    for _ in range(2):
        for audience, language in (("all", "all"), ("pharmacist", "sv"), ("nurse", "en")):
            text = page(client, f"/courses/?audience={audience}&language={language}")
            assert f'<option selected value="{audience}">' in text
            assert f'<option selected value="{language}">' in text
            assert text.count("<option selected") == 2
    text = page(client, "/courses/?audience=nonsense")  # not on the list: said, not kept
    assert "Not a valid choice" in text
