"""Counts on a known data set: every status, per course and per profession, per centre."""

from __future__ import annotations

import re

from lms.plugins.reports import people_list, services
from lms.plugins.reports.query import Filter

COURSE_A = {
    "expiring": 1,
    "expired": 1,
    "in_progress": 1,
    "overdue": 1,
    "enrolled": 1,
    "completed": 2,
}
COURSE_B = {"completed": 3, "assigned": 1, "withdrawn": 1}


def _counts(tally) -> dict:
    return {status: n for status, n in tally.counts.items() if n}


def test_counts_per_course_at_a_centre(known, centres):
    figures = services.figures(services.tables(), Filter(centre_id=centres["skane"].id))
    assert _counts(figures.by_course[known.a1.course_id]) == COURSE_A
    assert _counts(figures.by_course[known.b1.course_id]) == COURSE_B
    assert figures.total.total == 12
    assert figures.total.valid == 6


def test_counts_per_profession(known, centres):
    figures = services.figures(services.tables(), Filter(centre_id=centres["skane"].id))
    assert _counts(figures.by_profession["nurse"]) == {
        "expiring": 1,
        "in_progress": 1,
        "completed": 3,
        "enrolled": 1,
        "withdrawn": 1,
    }
    assert _counts(figures.by_profession["pharmacist"]) == {"expired": 1, "completed": 2}
    assert _counts(figures.by_profession["physician"]) == {"overdue": 1}
    assert _counts(figures.by_profession["researcher"]) == {"assigned": 1}
    assert "other" not in figures.by_profession


def test_network_counts_every_centre(known, centres):
    figures = services.figures(services.tables(), Filter(all_centres=True))
    karolinska = centres["karolinska"].id
    assert _counts(figures.by_centre_course[(karolinska, known.a1.course_id)]) == {"completed": 1}
    assert _counts(figures.by_centre_course[(karolinska, known.b1.course_id)]) == {"overdue": 1}
    assert _counts(figures.by_centre[centres["skane"].id])["completed"] == 5
    assert figures.total.total == 14


def test_revoked_certificate_does_not_count_as_completed(known, centres):
    skane = Filter(centre_id=centres["skane"].id)
    page = people_list.people_page(services.tables(), skane, None, 1)
    cecilia = {r.course_id: r for r in page.rows if r.name == "Cecilia Ek"}
    assert cecilia[known.a1.course_id].status == "in_progress"
    assert cecilia[known.a1.course_id].revoked
    assert cecilia[known.a1.course_id].cert_code is None
    # Course B: revoked once, completed again later with a valid certificate.
    assert cecilia[known.b1.course_id].status == "completed"
    assert cecilia[known.b1.course_id].revoked


def test_deactivated_person_counted_only_where_they_hold_a_record(known, centres):
    skane = Filter(centre_id=centres["skane"].id)
    page = people_list.people_page(services.tables(), skane, None, 1)
    ingrid = [r for r in page.rows if r.name == "Ingrid Vik"]
    assert [(r.course_id, r.status, r.active) for r in ingrid] == [
        (known.b1.course_id, "completed", False)
    ]


def test_expiry_window_follows_the_config(app, known, centres):
    app.config["LMS_EXPIRY_WARNING_DAYS"] = 10  # Anna's certificate runs out in 30 days
    figures = services.figures(services.tables(), Filter(centre_id=centres["skane"].id))
    assert figures.by_course[known.a1.course_id]["expiring"] == 0
    assert _counts(figures.by_course[known.a1.course_id])["completed"] == 3


def _row_numbers(html: str, label: str) -> list[int]:
    """The numbers of the table row headed ``label``, in column order."""
    match = re.search(
        rf"<th scope=\"row\">(?:<a [^>]*>)?{re.escape(label)}(?:</a>)?</th>(.*?)</tr>",
        html,
        re.S,
    )
    assert match, label
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', match.group(1))]


def test_dashboard_shows_the_counts(client, login, known):
    login(known.admin)
    html = client.get("/centre/").get_data(as_text=True)
    assert "Training at Skånes universitetssjukhus" in html
    # People, expired, expiring, completed, overdue, in progress, enrolled, assigned, withdrawn
    assert _row_numbers(html, "Course A Cryo") == [7, 1, 1, 2, 1, 1, 1, 0, 0]
    assert _row_numbers(html, "Course B Gene") == [5, 0, 0, 3, 0, 0, 0, 1, 1]
    assert _row_numbers(html, "Pharmacist") == [3, 1, 0, 2, 0, 0, 0, 0, 0]
    assert "What the statuses mean" in html  # the legend
