"""Links and pictures: rewritten to the app's URLs, broken ones reported at their line."""

import pytest

from lms.content import CourseLinks, render_markdown

TARGETS = {
    "02-regulation.md": "/courses/demo/regulation/",
    "02-regulation.quiz.md": "/courses/demo/quiz/regulation/",
}
IMAGES = frozenset({"images/dry-shipper.png", "images/sub/chart.svg", "images/my pic.png"})


def render(text: str, offset: int = 4):
    links = CourseLinks("demo", "demo/01-intro.md", TARGETS, IMAGES)
    html = render_markdown(text, link_resolver=links, line_offset=offset).html
    return html, [f"{p.line}: {p.message}" for p in links.problems]


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[x](02-regulation.md)", "/courses/demo/regulation/"),
        ("[x](./02-regulation.md#scope)", "/courses/demo/regulation/#scope"),
        ("[x](02-regulation.quiz.md)", "/courses/demo/quiz/regulation/"),
        ("[x][r]\n\n[r]: 02-regulation.md", "/courses/demo/regulation/"),
        ("## Local\n\n[x](#local)", "#local"),
        ("[x](/courses/other-course/)", "/courses/other-course/"),
        ("[x](https://www.ema.europa.eu/en)", "https://www.ema.europa.eu/en"),
        ("[x](mailto:atmp@example.se)", "mailto:atmp@example.se"),
        ("<https://example.org>", "https://example.org"),
    ],
)
def test_links_are_rewritten(markdown, href):
    html, problems = render(markdown)
    assert problems == []
    assert f'href="{href}"' in html


@pytest.mark.parametrize(
    ("markdown", "src"),
    [
        ("![A shipper](images/dry-shipper.png)", "/courses/demo/assets/images/dry-shipper.png"),
        ("![A chart](./images/sub/chart.svg)", "/courses/demo/assets/images/sub/chart.svg"),
        ("![A pic](images/my%20pic.png)", "/courses/demo/assets/images/my%20pic.png"),
    ],
)
def test_pictures_are_rewritten(markdown, src):
    html, problems = render(markdown)
    assert problems == []
    assert f'src="{src}"' in html


def test_problems_point_at_the_line_of_each_occurrence():
    text = "Intro.\n\n[a](03-x.md) and\n\n[b](03-x.md)\n\n![](images/dry-shipper.png)\n"
    html, problems = render(text)
    assert problems == [
        "7: broken link '03-x.md': no module or quiz file '03-x.md' in this course",
        "9: broken link '03-x.md': no module or quiz file '03-x.md' in this course",
        "11: picture 'images/dry-shipper.png' needs alternative text: "
        "![what it shows](images/dry-shipper.png)",
    ]
    assert "03-x.md" not in html


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        (
            "[x](02-Regulation.md)",
            "broken link '02-Regulation.md': no module or quiz file "
            "'02-Regulation.md' in this course",
        ),
        (
            "[x](../other/01-a.md)",
            "broken link '../other/01-a.md': no module or quiz file "
            "'../other/01-a.md' in this course",
        ),
        ("[x](ftp://example.org/)", "link 'ftp://example.org/' must use https:// or mailto:"),
        ("[x](//example.org/)", "link '//example.org/' must use https:// to leave the site"),
        ("![A](images/../../x.png)", "picture 'images/../../x.png' is outside the course folder"),
        (
            "![A](data:image/png;base64,AAAA)",
            "picture 'data:image/png;base64,AAAA' must be a "
            "file in the course folder, such as images/x.png",
        ),
        (
            "![A](images/dry-shipper.bmp)",
            "picture 'images/dry-shipper.bmp' is not a picture "
            "file (png, jpg, jpeg, gif, svg, webp)",
        ),
        (
            "![A](images/shipper)",
            "picture 'images/shipper' is not a picture file (png, jpg, jpeg, gif, svg, webp)",
        ),
    ],
)
def test_link_and_picture_problems(markdown, message):
    assert render(markdown, offset=0)[1] == [f"1: {message}"]
