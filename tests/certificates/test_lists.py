"""The learner's certificates on /me/, and the query counts of the pages."""

from __future__ import annotations

from datetime import timedelta

from lms import events
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.plugins.certificates import codes, services
from tests.sql import counting as _queries


def _panel(app, user) -> str:
    """This plugin's snippet on /me/ (other plugins add their own)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        snippets = events.panels(events.dashboard_panels, events.Dashboard(user_id=user.id))
    return "".join(s for s in snippets if 'id="certificates-heading"' in s)


def _version(certificate) -> CourseVersion:
    return db.session.get(CourseVersion, certificate.version_id)


def test_dashboard_panel_lists_only_the_learners_certificates(
    app, certificate, make_user, complete
):
    other = make_user(name="Not Me")
    theirs = complete(other, _version(certificate))
    html = _panel(app, certificate.user)
    assert "My certificates" in html
    assert "Gene Therapy Basics" in html
    assert f"/certificates/{codes.display(certificate.code)}.pdf" in html
    assert f'href="/certificates/{codes.display(certificate.code)}"' in html
    assert codes.display(theirs.code) not in html
    assert "Valid" in html


def test_no_certificates_no_panel(app, make_user):
    assert "My certificates" not in _panel(app, make_user())


def test_panel_marks_expiring_and_expired_with_text(app, make_user, make_course, complete):
    user = make_user()
    soon = complete(user, make_course("soon", title="Soon Course"))
    later = complete(user, make_course("later", title="Later Course"))
    gone = complete(user, make_course("gone", title="Gone Course"))
    soon.expires_on = services.today() + timedelta(days=59)
    later.expires_on = services.today() + timedelta(days=61)
    gone.expires_on = services.today() - timedelta(days=1)
    db.session.commit()
    html = _panel(app, user)
    assert "Certificates expiring within 60 days: 1." in html
    assert html.count("Expires within 60 days") == 1
    assert html.count(">Expired<") == 1
    rows = {r.certificate.course_title: r for r in services.rows(services.for_user(user.id))}
    assert rows["Soon Course"].expiring_soon
    assert not rows["Later Course"].expiring_soon
    assert rows["Gone Course"].status == services.EXPIRED
    assert not rows["Gone Course"].expiring_soon


def test_renewed_certificate_is_no_longer_flagged(app, make_user, make_course, complete):
    user = make_user()
    old = complete(user, make_course("car-t", course={"certificate_valid_months": 12}))
    old.expires_on = services.today() + timedelta(days=10)
    db.session.commit()
    assert "Certificates expiring within 60 days: 1." in _panel(app, user)
    complete(user, make_course("car-t", version="1.1.0", course={"certificate_valid_months": 12}))
    html = _panel(app, user)
    assert "Certificates expiring within" not in html
    assert "Expires within" not in html
    assert "Replaced by a newer certificate" in html
    assert html.count("<tr>") == 3  # header + both certificates: the old one stays


def test_panel_query_count_does_not_grow_with_rows(app, make_user, make_course, complete):
    owner = make_user()
    counts = []
    for size, start in ((2, 1), (30, 100)):
        for n in range(size):
            version = make_course(f"course-{start + n}")
            complete(owner, version, completion_id=start + n)
        db.session.expire_all()
        with _queries() as statements:
            html = _panel(app, owner)
        assert html.count("<tr>") == (3 if size == 2 else 33)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_single_certificate_pages_use_few_queries(client, auth, certificate):
    auth.login(certificate.user)
    shown = codes.display(certificate.code)
    # The page's navigation shows the viewer's own menu (their roles: one more read); the
    # PDF prints the course title in the page's language (its version's translations).
    for url, headers, most in (
        (f"/certificates/{shown}", {}, 4),
        (f"/certificates/{shown}", {"Accept": "application/json"}, 3),
        (f"/certificates/{shown}.pdf", {}, 4),
    ):
        db.session.expire_all()
        with _queries() as statements:
            assert client.get(url, headers=headers).status_code == 200
        assert len(statements) <= most, (url, statements)
