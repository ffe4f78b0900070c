"""A centre admin sees their own centre only: pages, people list and exports, whatever
the URL asks for."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lms.models import Role

OTHERS = ("Karl Otherson", "Lena Otherdottir")
URLS = [
    "/centre/?centre=karolinska",
    "/centre/people?centre=karolinska",
    "/centre/people?centre=karolinska&status=overdue",
    "/centre/report.csv?centre=karolinska",
    "/centre/report.csv",
]


def _text(response) -> str:
    if response.mimetype.endswith("sheet"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        text = "\n".join(
            ";".join(str(v) for v in row if v is not None)
            for row in book.active.iter_rows(values_only=True)
        )
        book.close()
        return text
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", [*URLS, "/centre/report.xlsx?centre=karolinska"])
def test_centre_admin_never_sees_another_centre(client, login, known, url):
    login(known.admin)
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response)
    for name in OTHERS:
        assert name not in text
    assert "Karolinska" not in text
    if "people" in url and "overdue" in url:
        assert "David Berg" in text  # their own overdue person, not Karolinska's Lena


def test_other_centre_admin_sees_only_theirs(client, login, known):
    login(known.other_admin)
    html = client.get("/centre/people?centre=skane").get_data(as_text=True)
    assert "Karl Otherson" in html
    assert "Lena Otherdottir" in html
    for name in known.people:
        if name not in OTHERS:
            assert name not in html
    csv_text = client.get("/centre/report.csv?centre=skane").get_data(as_text=True)
    assert "Anna Åkesson" not in csv_text
    assert "Karl Otherson" in csv_text


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_dashboard_counts_ignore_the_centre_parameter(client, login, known):
    login(known.admin)
    own = client.get("/centre/").get_data(as_text=True)
    asked = client.get("/centre/?centre=karolinska").get_data(as_text=True)
    assert _main(own) == _main(asked)
    assert "Training at Skånes universitetssjukhus" in own
    assert 'name="centre"' not in own  # no centre picker for a centre admin


def test_centre_admin_without_centre_sees_nothing(client, login, known, make_user):
    login(make_user(role=Role.centre_admin, centre=None))
    html = client.get("/centre/people?centre=skane").get_data(as_text=True)
    assert "Rows found: 0" in html
    assert "belongs to no centre" in html
    csv_lines = client.get("/centre/report.csv?centre=skane").get_data(as_text=True).splitlines()
    assert len(csv_lines) == 1  # the headings only
    assert "belongs to no centre" in client.get("/centre/").get_data(as_text=True)


def test_site_admin_picks_any_centre_or_the_network(client, login, known):
    login(known.site_admin)
    skane = client.get("/centre/people?centre=skane").get_data(as_text=True)
    assert "Anna Åkesson" in skane
    assert "Karl Otherson" not in skane
    karolinska = client.get("/centre/people?centre=karolinska").get_data(as_text=True)
    assert "Karl Otherson" in karolinska
    assert "Anna Åkesson" not in karolinska
    network = client.get("/centre/").get_data(as_text=True)
    assert "Training across all centres" in network
    assert "People per centre, course and status" in network
    everyone = client.get("/centre/people").get_data(as_text=True)
    assert "Karl Otherson" in everyone
    assert "Anna Åkesson" in everyone
