"""Every validator rule, one tiny broken course each, with the exact message an educator sees.

Each case under `broken/<case>/` is a courses folder holding one course with exactly one
problem; paths are printed relative to `broken/`, as they would be relative to the parent of
`courses/` in the real repository.
"""

from pathlib import Path

import pytest

from lms.content import check_courses, load_course, load_courses

BROKEN = Path(__file__).parent / "broken"

CASES = [
    (
        "bad-audience",
        "demo/course.md:6",
        "'audiences' has an unknown audience 'nurses' (use nurse, pharmacist, researcher, "
        "physician, assistant_nurse, biomedical_scientist, pharmacy_technician, prescriptionist, "
        "other)",
    ),
    ("bad-enum", "demo/course.md:6", "'language' must be one of en, sv"),
    (
        "bad-folder-name",
        "Demo_Course:1",
        "course folder name 'Demo_Course' must be lower-case letters, digits and hyphens (not"
        " at the start or end)",
    ),
    (
        "bad-owner",
        "demo/course.md:7",
        "'owners' has 'anna.andersson', which is not an e-mail address",
    ),
    (
        "bad-version",
        "demo/course.md:5",
        "'version' must be a semantic version MAJOR.MINOR.PATCH, such as 1.0.0",
    ),
    ("bool-expected", "demo/01-intro.quiz.md:3", "'shuffle' must be true or false"),
    ("bool-is-not-int", "demo/course.md:7", "'pass_mark' must be a whole number from 0 to 100"),
    (
        "broken-link",
        "demo/01-intro.md:7",
        "broken link '02-next.md': no module or quiz file '02-next.md' in this course",
    ),
    ("duplicate-key", "demo/01-intro.md:4", "'minutes' is given twice"),
    ("duplicate-module-number", "demo/1-more.md:1", "module number 1 is also used by 01-intro.md"),
    ("duplicate-slug", "demo/02-intro.md:1", "module slug 'intro' is also used by 01-intro.md"),
    (
        "http-link",
        "demo/01-intro.md:7",
        "link 'http://www.ema.europa.eu/' must use https:// or mailto:",
    ),
    (
        "image-absolute",
        "demo/01-intro.md:7",
        "picture '/static/logo.png' must be a file in the course folder, such as images/x.png",
    ),
    (
        "image-external",
        "demo/01-intro.md:7",
        "picture 'https://example.org/logo.png' must be a file in the course folder, such as "
        "images/x.png",
    ),
    (
        "image-not-a-picture",
        "demo/01-intro.md:7",
        "picture 'images/leaflet.pdf' is not a picture file (png, jpg, jpeg, gif, svg, webp)",
    ),
    (
        "image-outside-course",
        "demo/01-intro.md:7",
        "picture '../logo.png' is outside the course folder",
    ),
    (
        "image-without-alt",
        "demo/01-intro.md:7",
        "picture 'images/shipper.png' needs alternative text: ![what it shows](images/shipper.png)",
    ),
    (
        "invalid-yaml",
        "demo/01-intro.md:4",
        "front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    (
        "key-without-key-enrolment",
        "demo/course.md:7",
        "'enrolment_key' is only used with 'enrolment: key'",
    ),
    ("missing-course-md", "demo/course.md:1", "missing course.md (the course's front matter)"),
    (
        "missing-image",
        "demo/01-intro.md:7",
        "picture 'images/shipper.png' not found: no file 'images/shipper.png' in this course",
    ),
    ("missing-key", "demo/course.md:1", "missing required key 'summary'"),
    (
        "module-audience-outside-course",
        "demo/01-intro.md:4",
        "'audiences' has 'physician', which is not an audience of the course",
    ),
    (
        "no-front-matter",
        "demo/01-intro.md:1",
        "no front matter: start the file with YAML between '---' lines",
    ),
    ("no-modules", "demo/course.md:1", "the course has no modules (NN-slug.md files)"),
    ("out-of-range", "demo/course.md:7", "'pass_mark' must be a whole number from 0 to 100"),
    ("quiz-duplicate-choice", "demo/01-intro.quiz.md:7", "question 1 has the choice 'No' twice"),
    (
        "quiz-no-correct-choice",
        "demo/01-intro.quiz.md:4",
        "question 1 has no correct choice (mark it '- [x]')",
    ),
    ("quiz-no-questions", "demo/01-intro.quiz.md:4", "the quiz has no questions ('## ' headings)"),
    ("quiz-one-choice", "demo/01-intro.quiz.md:9", "question 2 needs at least two choices"),
    (
        "quiz-plain-list-item",
        "demo/01-intro.quiz.md:7",
        "question 1: a choice must be written '- [ ] ...' or '- [x] ...'",
    ),
    (
        "quiz-question-without-choices",
        "demo/01-intro.quiz.md:9",
        "question 2 has no choices ('- [ ] ...' lines)",
    ),
    (
        "quiz-text-after-choices",
        "demo/01-intro.quiz.md:7",
        "text after the choices of question 1: only a block quote (the explanation) may "
        "follow them",
    ),
    (
        "quiz-text-after-explanation",
        "demo/01-intro.quiz.md:9",
        "text after the explanation of question 1",
    ),
    (
        "quiz-text-before-first-question",
        "demo/01-intro.quiz.md:4",
        "text before the first '## ' question heading",
    ),
    (
        "quiz-too-many-per-attempt",
        "demo/01-intro.quiz.md:3",
        "'questions_per_attempt' is 3 but the quiz has only 1 question",
    ),
    (
        "quiz-translation-choices",
        "demo/01-intro.quiz.sv.md:4",
        "question 1 has 3 choices, in 01-intro.quiz.md it has 2",
    ),
    (
        "quiz-translation-correct",
        "demo/01-intro.quiz.sv.md:4",
        "question 1 has other correct choices than in 01-intro.quiz.md",
    ),
    (
        "quiz-translation-questions",
        "demo/01-intro.quiz.sv.md:1",
        "the translation has 2 questions, 01-intro.quiz.md has 1",
    ),
    (
        "reserved-slug",
        "demo/02-assets.md:1",
        "'assets' cannot be a module slug (assets, enrol, quiz are reserved)",
    ),
    (
        "svg-with-script",
        "demo/images/chart.svg:1",
        "the SVG picture has a script (<script>): pictures may only draw (save it again "
        "without it, or as PNG)",
    ),
    (
        "translation-extra-key",
        "demo/01-intro.sv.md:3",
        "unknown key 'minutes' (a module translation has title)",
    ),
    (
        "translation-same-language",
        "demo/01-intro.en.md:1",
        "a translation into 'en', the language of the course itself",
    ),
    (
        "translation-unknown-language",
        "demo/01-intro.de.md:1",
        "'de' is not a language of the app (en or sv)",
    ),
    (
        "translation-without-original",
        "demo/02-later.sv.md:1",
        "translation of 02-later.md, which does not exist",
    ),
    (
        "unknown-key",
        "demo/course.md:7",
        "unknown key 'pass_mak' (a course has title, summary, audiences, version, language, "
        "estimated_minutes, enrolment, enrolment_key, pass_mark, certificate_valid_months, "
        "recertify_days, status, owners, signature)",
    ),
    (
        "unrecognised-file",
        "demo/notes.txt:1",
        "unrecognised file name 'notes.txt' (expected course.md, NN-slug.md, NN-slug.quiz.md "
        "or a translation such as NN-slug.sv.md)",
    ),
    (
        "unrecognised-folder",
        "demo/extra/02-more.md:1",
        "unrecognised file name 'extra/02-more.md' (expected course.md, NN-slug.md, NN-"
        "slug.quiz.md or a translation such as NN-slug.sv.md)",
    ),
    (
        "unrecognised-image",
        "demo/images/plan.bmp:1",
        "not a picture file (png, jpg, jpeg, gif, svg, webp) in images/",
    ),
    ("wrong-type", "demo/01-intro.md:3", "'minutes' must be a whole number greater than 0"),
    ("zero-minutes", "demo/01-intro.md:3", "'minutes' must be a whole number greater than 0"),
]


def test_every_broken_case_is_listed():
    listed = {case for case, *_ in CASES} | {"several-problems"}
    assert listed == {p.name for p in BROKEN.iterdir() if p.is_dir()}


@pytest.mark.parametrize(("case", "where", "message"), CASES, ids=[case for case, *_ in CASES])
def test_broken_course_reports_exactly_its_problem(case, where, message):
    problems = [str(problem) for problem in check_courses(BROKEN / case)]
    assert problems == [f"{case}/{where}: {message}"]


def test_all_problems_of_a_course_are_reported():
    problems = [str(p) for p in check_courses(BROKEN / "several-problems")]
    prefix = "several-problems/Demo"
    assert problems == [
        f"{prefix}:1: course folder name 'Demo' must be lower-case letters, digits and hyphens "
        "(not at the start or end)",
        f"{prefix}/01-intro.md:7: broken link '03-missing.md': "
        "no module or quiz file '03-missing.md' in this course",
        f"{prefix}/01-intro.quiz.md:4: question 1 has no correct choice (mark it '- [x]')",
        f"{prefix}/01-intro.quiz.md:9: text after the explanation of question 1",
        f"{prefix}/02-intro.md:1: module slug 'intro' is also used by 01-intro.md",
        f"{prefix}/02-intro.md:3: 'minutes' must be a whole number greater than 0",
        f"{prefix}/course.md:5: 'version' must be a semantic version MAJOR.MINOR.PATCH, "
        "such as 1.0.0",
        f"{prefix}/notes.docx:1: unrecognised file name 'notes.docx' "
        "(expected course.md, NN-slug.md, NN-slug.quiz.md or a translation such as NN-slug.sv.md)",
    ]


def test_a_course_with_problems_is_not_loaded():
    course, problems = load_course(BROKEN / "broken-link" / "demo")
    assert course is None
    assert len(problems) == 1


def test_load_courses_skips_broken_courses_and_keeps_their_problems(tmp_path):
    courses, problems = load_courses(BROKEN / "missing-image")
    assert courses == []
    assert [p.path for p in problems] == ["missing-image/demo/01-intro.md"]


def test_check_a_single_course_folder_prints_paths_from_the_courses_parent():
    problems = check_courses(BROKEN / "broken-link" / "demo")
    assert [p.path for p in problems] == ["broken-link/demo/01-intro.md"]


def test_a_missing_root_is_a_problem(tmp_path):
    missing = tmp_path / "nowhere"
    assert [p.message for p in check_courses(missing)] == ["no such folder"]


def test_a_file_that_is_not_utf8_is_a_problem_at_its_line(tmp_path):
    # Built here rather than stored: tools that read the test folder choke on it.
    course = tmp_path / "courses" / "demo"
    course.mkdir(parents=True)
    good = BROKEN / "broken-link" / "demo"
    (course / "course.md").write_bytes((good / "course.md").read_bytes())
    (course / "01-intro.md").write_bytes(b"---\ntitle: Intro\nminutes: 5\n---\nV\xe4rme.\n")
    assert [str(p) for p in check_courses(tmp_path / "courses")] == [
        "courses/demo/01-intro.md:5: the file is not UTF-8 text (save it as UTF-8)"
    ]


def test_a_warning_prints_as_such_and_does_not_stop_the_course():
    from lms.content.documents import Problem, errors

    warning = Problem("courses/x/01-a.quiz.md", 7, "a choice like 'all of the above'", True)
    error = Problem("courses/x/01-a.quiz.md", 3, "question 1 has no choices")
    assert str(warning) == "courses/x/01-a.quiz.md:7: warning: a choice like 'all of the above'"
    assert str(error) == "courses/x/01-a.quiz.md:3: question 1 has no choices"
    assert errors([warning, error]) == [error]
