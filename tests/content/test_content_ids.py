"""Every id on a page is unique, whichever fragments of course Markdown the page shows."""

import re
from collections import Counter

from lms.content import load_course, render_markdown
from tests.content.helpers import quiz_md, write_files

FOOTNOTE_QUIZ = quiz_md(
    "## How long may a thawed bag wait?\n\nSee the SmPC.[^1]\n\n"
    "[^1]: Product information, section 6.3.\n\n"
    "- [x] 30 minutes\n- [ ] 3 hours\n\n"
    "> See the note.[^1]\n>\n> [^1]: The explanation's own note.\n\n"
    "## Who signs the release?\n\nSee the GMP guide.[^1]\n\n[^1]: EU GMP Annex 16.\n\n"
    "- [x] The QP\n- [ ] The nurse\n"
)
IDS = re.compile(r'\sid="([^"]+)"')
HASH_LINKS = re.compile(r'\shref="#([^"]+)"')


def _page(quiz) -> str:
    parts = []
    for q in quiz.questions:
        parts += [q.stem_html, q.explanation_html, *(c.html for c in q.choices)]
    return "\n".join(parts)


def test_footnotes_of_several_questions_get_their_own_ids(tmp_path):
    folder = write_files(tmp_path, {"01-intro.quiz.md": FOOTNOTE_QUIZ})
    course, problems = load_course(folder)
    assert problems == []
    page = _page(course.quizzes[0])
    ids = Counter(IDS.findall(page))
    assert ids, page
    assert [i for i, n in ids.items() if n > 1] == []
    # every in-page link lands on the note of its own question
    for target in HASH_LINKS.findall(page):
        assert target in ids, target
    second = course.quizzes[0].questions[1]
    (note_link,) = HASH_LINKS.findall(second.stem_html.split('<div class="footnote">')[0])
    assert f'id="{note_link}"' in second.stem_html
    assert "EU GMP Annex 16" in second.stem_html.split(f'id="{note_link}"')[1]


def test_an_id_prefix_renames_ids_and_the_links_to_them():
    text = "## Part\n\nSee [part](#part) and [^a].\n\n[^a]: A note."
    html = render_markdown(text, id_prefix="x-")
    ids = IDS.findall(html.html)
    assert len(ids) == 3
    assert all(i.startswith("x-") for i in ids)
    assert set(HASH_LINKS.findall(html.html)) <= set(ids)
    assert [h.id for h in html.headings] == ["x-part"]
    assert 'href="#x-part"' in html.toc_html


def test_heading_ids_follow_the_preview():
    # GitHub and VS Code keep letters such as å, ä and ö and number repeats -1, -2.
    html = render_markdown("## Förvaring i kväve\n\n## Förvaring i kväve\n\n## Steg 1: Tina!").html
    assert IDS.findall(html) == ["förvaring-i-kväve", "förvaring-i-kväve-1", "steg-1-tina"]


def test_heading_ids_never_take_a_page_id():
    html = render_markdown("# Main\n\n## Quiz panel title").html
    ids = IDS.findall(html)
    assert "main" not in ids
    assert len(set(ids)) == 2
