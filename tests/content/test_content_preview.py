"""Course Markdown means what the author's preview (GitHub, VS Code: CommonMark) shows.

Where the renderer can follow the preview it does; where it does not, check-courses says so
at the line, in words an educator can act on.
"""

import pytest

from lms.content import load_course, render_markdown
from lms.content.preview import differences
from tests.content.helpers import quiz_md, write_files


def html(text: str) -> str:
    return "".join(render_markdown(text).html.split())


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # two-space nesting, as VS Code and Prettier write it
        ("- Gloves\n  - cryo gloves\n  - nitrile\n- Visor\n", "<li>Gloves<ul><li>cryo"),
        # three spaces under a numbered item
        ("1. Thaw\n   - at 37 °C\n2. Infuse\n", "<ol><li>Thaw<ul><li>at37°C</li></ul></li>"),
        # a list right after a paragraph
        ("Bring:\n- the bag\n- the chart\n", "<p>Bring:</p><ul><li>thebag</li>"),
        # a second paragraph of an item, indented to the text
        ("- One\n\n  more about one\n- Two\n", "<li><p>One</p><p>moreaboutone</p></li><li><p>Two"),
        # a fence inside an item
        ("- Run:\n\n  ```\n  check --all\n  ```\n- Done\n", "<li><p>Run:</p><pre><code>check--all"),
        # a fence indented by a space, and an unclosed one
        (" ```\n code\n ```\n", "<pre><code>code"),
        ("```\nopen to the end\n", "<pre><code>opentotheend"),
        ("#hashtag and #5 are text\n", "<p>#hashtagand#5aretext</p>"),
        ("Line one\\\nline two\n", "Lineone<br>linetwo"),
        ("1) first\n2) second\n", "<ol><li>first</li><li>second</li></ol>"),
        ("- item\n---\n", "<ul><li>item</li></ul><hr>"),
        ("a ~~struck~~ word\n", "a<del>struck</del>word"),
        ("- a\n- b\n\n- c\n", "<ul><li><p>a</p></li><li><p>b</p></li><li><p>c</p></li></ul>"),
        # inside an admonition (the platform's own) the body is read the same way
        (
            '!!! note "Take"\n    ## Kit\n    Bring:\n    - a\n      - b\n',
            '<h2id="kit">Kit</h2><p>Bring:</p><ul><li>a<ul><li>b</li></ul></li></ul></div>',
        ),
    ],
)
def test_the_renderer_follows_the_preview(markdown, expected):
    assert expected in html(markdown)
    assert differences(markdown) == []


@pytest.mark.parametrize(
    ("markdown", "line", "says"),
    [
        ("Intro.\n\nSee https://www.ema.europa.eu for more.\n", 3, "will not be a link"),
        ("Text.\n\n![A cool box](images/cool box.png)\n", 3, "no spaces in the address"),
        ("> a quote\n>\n> - with\n>   - a nested list\n", 1, "nested list will show as one flat"),
        ("Text\n\n> first\n\n> second\n", 3, "quote will show differently"),
        ('Emphasis: a*"quoted"*\n', 1, "emphasis will show differently"),
    ],
)
def test_the_checker_says_where_the_learner_sees_something_else(markdown, line, says):
    (found,) = differences(markdown)
    assert found.line == line
    assert says in found.message


@pytest.mark.parametrize(
    "markdown",
    [
        '!!! warning "Protect yourself"\n    Wear a visor.\n\n    - gloves\n    - coat\n',
        "## Storage {: #storage }\n\nText.{: .note }\n",
        "*[ATMP]: Advanced therapy medicinal product\n\nAn ATMP is a medicine.\n",
        "A claim.[^1]\n\n[^1]: The source.\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "[EMA][ema] says.\n\n[ema]: https://www.ema.europa.eu\n",
        "<https://www.ema.europa.eu>\n",
        "Plain *emphasis*, **bold** and `code`.\n",
        "```python\nprint('## not a heading')\n```\n",
    ],
)
def test_the_platforms_own_syntax_is_no_difference(markdown):
    assert differences(markdown) == []


def test_an_admonition_body_is_compared_at_its_lines():
    text = 'Intro.\n\n!!! note "Title"\n    Look:\n    > a\n\n    > b\n'
    (found,) = differences(text)
    assert found.line == 4  # the first line of the block


def test_warnings_name_the_file_and_line_and_never_stop_the_course(tmp_path):
    module = "---\ntitle: M\nminutes: 5\n---\n## Part\n\nSee https://www.ema.europa.eu today.\n"
    quiz = quiz_md("## Which?\n\nSee https://www.ema.europa.eu.\n\n- [x] Yes\n- [ ] No\n")
    folder = write_files(tmp_path, {"01-intro.md": module, "01-intro.quiz.md": quiz})
    course, problems = load_course(folder)
    assert course is not None
    assert [(p.path, p.line, p.warning) for p in problems] == [
        ("courses/probe/01-intro.md", 7, True),
        ("courses/probe/01-intro.quiz.md", 6, True),
    ]
    assert "write it as <https://...>" in problems[0].message


def test_a_pictures_alternative_text_is_its_text_without_markdown():
    page = render_markdown("![A *dry* shipper, see [the SOP](x.md)](images/a.png)").html
    assert 'alt="A dry shipper, see the SOP"' in page
