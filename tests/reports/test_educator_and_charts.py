"""Educators see the figures of the courses they own, across centres; the charts are
accessible SVG with the same numbers in a table beside them."""

from __future__ import annotations

import re
from datetime import timedelta

from lms.plugins.reports import charts


def test_educator_sees_owned_courses_across_centres(client, login, known):
    login(known.educator)
    html = client.get("/centre/").get_data(as_text=True)
    assert "Training in your courses" in html
    assert "Course A Cryo" in html
    assert "Course B Gene" not in html  # owned by nobody
    # Skåne's 7 and Karolinska's 1 in course A: 8 people, 4 holding valid training.
    assert re.search(r"People × courses</dt><dd>8<", html)
    assert re.search(r"Holding valid training</dt><dd>4<", html)
    assert "Karolinska Universitetssjukhuset" in html  # the per-centre table
    for name in known.people:
        assert name not in html  # counted, never named
    assert "/centre/people" not in html
    assert "report.csv" not in html


def test_educator_owning_nothing_sees_no_course(client, login, known, make_user):
    from lms.models import Role

    login(make_user(role=Role.educator, email="someone.else@example.com"))
    html = client.get("/centre/?centre=skane").get_data(as_text=True)
    assert "Course A Cryo" not in html
    assert "Course B Gene" not in html
    assert re.search(r"People × courses</dt><dd>0<", html)


def test_nav_entry_for_report_viewers(client, login, known):
    login(known.admin)
    assert ">Centre report</a>" in client.get("/centre/").get_data(as_text=True)


def test_charts_are_accessible_svg_with_the_numbers_beside(client, login, known):
    login(known.admin)
    html = client.get("/centre/").get_data(as_text=True)
    for chart_id in ("chart-courses", "chart-professions", "chart-months"):
        svg = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, re.S).group(0)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg
        assert f'<desc id="{chart_id}-desc">' in svg
        assert "<script" not in svg
        assert "style=" not in svg
    svg = re.search(r'<svg [^>]*id="chart-courses".*?</svg>', html, re.S).group(0)
    assert "43 % (3/7)" in svg
    assert "60 % (3/5)" in svg
    # The table beside the chart: valid, people, share.
    table = html[html.index("</svg>", html.index('id="chart-courses"')) :]
    row = re.search(r"<th scope=\"row\">Course A Cryo</th>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["3", "7", "43 %"]
    months = re.search(r'<svg [^>]*id="chart-months".*?</svg>', html, re.S).group(0)
    assert months.count("<rect") == 12


def test_chart_escapes_labels():
    svg = charts.bar_chart("c", "T<", "D&", [("<script>x</script>", 50, "50 %")], maximum=100)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "T&lt;" in svg
    assert "D&amp;" in svg
    assert 'width="275.0"' in svg  # half of the 550-pixel track


def test_completions_over_time_counts_per_month(client, login, known):
    from lms.plugins.reports import services
    from lms.plugins.reports.query import Filter

    months = services.completions_by_month(services.tables(), Filter(all_centres=True))
    assert len(months) == 12
    # Completed within the last year: Anna (330 days), Cecilia (20, 100 revoked -> not
    # counted), Eva (40), Hans (3), Ingrid (90), Johan (165), Karl (10); the 200-day one
    # was revoked; Bo and Hans's first are older than a year.
    on = services.today()
    first = months[0][0]
    expected = [
        days for days in (330, 20, 40, 3, 90, 165, 10) if on - timedelta(days=days) >= first
    ]
    assert sum(n for _m, n in months) == len(expected)
