"""With the records plugin switched off (no outside-training table found by reflection),
requirements, the matrix and reminders keep working."""

from __future__ import annotations

import pytest

from lms.models import Profession, Role
from lms.plugins.compliance import records
from tests.compliance.conftest import assignments_of, requirement_for


@pytest.fixture
def config_overrides() -> dict:
    return {"LMS_MAIL_KICK": False, "LMS_DISABLED_PLUGINS": ["records"]}


def test_compliance_works_without_the_records_plugin(
    app, client, auth, runner, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    assert records.external() is None
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurse = make_user(centre="karolinska", name="Nora Nurse")
    requirement_for(admin, cart_course)
    assert len(assignments_of(nurse)) == 1
    auth.login(admin)
    page = client.get("/centre/matrix")
    assert page.status_code == 200
    assert "Nora Nurse" in page.get_data(as_text=True)
    assert client.get("/centre/matrix.csv").status_code == 200
    clock.set("2026-04-01T08:00Z")
    result = runner.invoke(args=["lms", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert f"overdue to {nurse.email}" in result.output
    assert client.get("/records/external").status_code == 404
