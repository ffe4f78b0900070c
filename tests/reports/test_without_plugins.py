"""With a plugin switched off, the reports leave its table alone and keep working."""

from __future__ import annotations

import pytest

from lms.plugins.reports import services
from lms.plugins.reports.query import Filter

NO_CERTIFICATES = {"LMS_DISABLED_PLUGINS": ["certificates"]}
NO_ENROLMENT = {"LMS_DISABLED_PLUGINS": ["enrolment"]}


@pytest.mark.parametrize("config_overrides", [NO_CERTIFICATES])
def test_without_certificates_completions_still_count(client, login, known, centres):
    assert services.tables().cert is None
    figures = services.figures(services.tables(), Filter(centre_id=centres["skane"].id))
    # Without certificates nothing expires and no revocation is known: every completion counts.
    assert dict(figures.by_course[known.a1.course_id].counts) == {
        "completed": 5,
        "overdue": 1,
        "enrolled": 1,
    }
    login(known.admin)
    assert client.get("/centre/").status_code == 200
    html = client.get("/centre/people").get_data(as_text=True)
    assert "Rows found: 13" in html  # and the admin, who has no training record yet
    assert "/certificates/" not in html
    csv_text = client.get("/centre/report.csv").get_data(as_text=True)
    assert "Anna Åkesson" in csv_text


@pytest.mark.parametrize("config_overrides", [NO_ENROLMENT])
def test_without_enrolment_the_report_says_so(client, login, make_user):
    from lms.models import Role

    login(make_user(role=Role.centre_admin, centre="skane"))
    response = client.get("/centre/")
    assert response.status_code == 200
    assert "The report is not available" in response.get_data(as_text=True)
    assert client.get("/centre/people").status_code == 404
    assert client.get("/centre/report.csv").status_code == 404
