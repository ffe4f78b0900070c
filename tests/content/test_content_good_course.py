"""The example course loads into the document the rest of the app relies on."""

from pathlib import Path

import pytest

from lms.content import check_courses, load_course, load_courses


@pytest.fixture
def course(good_course):
    doc, problems = load_course(good_course)
    assert problems == []
    assert doc is not None
    return doc


def test_course_front_matter_and_defaults(course):
    assert course.slug == "good-course"
    assert course.title == "Handling ATMPs"
    assert course.summary.startswith("Receiving, storing")
    assert course.audiences == ("nurse", "pharmacist")
    assert course.version == "1.2.0"
    assert course.major_version == 1
    assert course.language == "en"
    assert course.estimated_minutes == 45
    assert course.enrolment == "open"
    assert course.enrolment_key is None
    assert course.pass_mark == 80
    assert course.certificate_valid_months is None
    assert course.status == "draft"
    assert course.owners == ()
    assert course.images == ("images/dry-shipper.png",)
    assert 'href="/courses/good-course/what-is-an-atmp/"' in course.description_html


def test_course_translation_falls_back_to_the_original_summary(course):
    sv = course.translations["sv"]
    assert sv.title == "Hantering av ATMP"
    assert sv.summary == course.summary
    assert sv.description_html == (
        "<p>Den här kursen går igenom grunderna.</p>\n"
        "<p>Produktresumén och lokala rutiner har företräde framför kursen.</p>"
    )
    assert course.translated("sv") is sv
    assert course.translated("en").title == course.title


def test_modules_are_ordered_and_rendered(course):
    first, second = course.modules
    assert (first.number, first.slug, first.title, first.minutes) == (
        1,
        "what-is-an-atmp",
        "What is an ATMP?",
        10,
    )
    assert first.audiences == ("nurse", "pharmacist")  # the course's, when a module has none
    assert (second.number, second.slug, second.audiences) == (2, "storage", ("nurse",))
    assert 'href="/courses/good-course/storage/#dry-shippers"' in first.html
    assert '<h2 id="categories">Categories</h2>' in first.html
    assert '<a href="#categories"' in first.toc_html
    assert '<div class="admonition note">' in first.html
    assert '<abbr title="Summary of Product Characteristics">SmPC</abbr>' in first.html
    assert '<li id="fn:1">' in first.html
    assert "<table>" in first.html
    assert (
        '<img alt="A dry shipper" src="/courses/good-course/assets/images/dry-shipper.png">'
        in second.html
    )
    assert course.module("storage") is second
    assert course.module("nope") is None


def test_module_translation(course):
    sv = course.modules[0].translations["sv"]
    assert sv.title == "Vad är en ATMP?"
    assert 'href="/courses/good-course/storage/"' in sv.html
    assert 'href="#kategorier"' in sv.toc_html
    assert dict(course.modules[1].translations) == {}
    assert course.modules[1].translated("sv").title == "Storage"


def test_module_quiz_is_attached_to_its_module(course):
    quiz = course.quiz_for_module(1)
    assert quiz is not None
    assert (quiz.number, quiz.slug, quiz.module_number) == (1, "what-is-an-atmp", 1)
    assert quiz.pass_mark == 80  # the course's
    assert (quiz.max_attempts, quiz.shuffle, quiz.questions_per_attempt) == (None, False, None)
    assert quiz.partial_credit is False
    first, second = quiz.questions
    assert first.number == 1
    assert (
        first.stem_html == "<p>Which category of ATMP is a CAR-T cell product such as Kymriah?</p>"
    )
    assert first.stem_text == "Which category of ATMP is a CAR-T cell product such as Kymriah?"
    assert [c.correct for c in first.choices] == [False, True, False]
    assert first.choices[1].html == "Gene therapy medicinal product"
    assert first.multiple is False
    assert first.explanation_html.startswith("<p>The T cells are genetically modified")
    assert second.multiple is True
    assert second.correct_indexes == (0, 1)
    assert "<p>Select all that apply.</p>" in second.stem_html
    assert second.explanation_html == ""


def test_quiz_translation(course):
    sv = course.quiz("what-is-an-atmp").translations["sv"]
    assert sv.title == "Kontrollera din förståelse"
    assert [q.correct_indexes for q in sv.questions] == [(1,), (0, 1)]
    assert sv.questions[0].choices[1].html == "Genterapiläkemedel"


def test_course_quiz_has_no_module(course):
    (final,) = course.course_quizzes
    assert (final.number, final.slug, final.module_number) == (99, "final", None)
    assert final.pass_mark == 90
    assert final.max_attempts == 3
    assert final.shuffle is True
    assert final.questions_per_attempt == 1
    assert final.partial_credit is True
    assert len(final.questions) == 2
    assert course.quizzes == (course.quiz_for_module(1), final)


def test_documents_are_frozen(course):
    with pytest.raises(AttributeError):
        course.title = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        course.translations["de"] = course.translations["sv"]  # type: ignore[index]


def test_hash_is_stable_and_independent_of_the_location(course, course_copy):
    again, _ = load_course(course_copy)
    assert again is not None
    assert again.content_hash == course.content_hash
    assert len(course.content_hash) == 64


def test_hash_changes_when_a_file_changes(course, course_copy):
    module = course_copy / "02-storage.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    changed, _ = load_course(course_copy)
    assert changed is not None
    assert changed.content_hash != course.content_hash


def test_hash_changes_when_a_picture_changes(course, course_copy):
    (course_copy / "images" / "dry-shipper.png").write_bytes(b"\x89PNG other")
    changed, _ = load_course(course_copy)
    assert changed is not None
    assert changed.content_hash != course.content_hash


def test_dotfiles_are_ignored(course, course_copy):
    (course_copy / ".DS_Store").write_bytes(b"\0\1")
    (course_copy / ".git").mkdir()
    (course_copy / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    same, problems = load_course(course_copy)
    assert problems == []
    assert same is not None
    assert same.content_hash == course.content_hash


def test_load_courses_from_a_courses_folder(course_copy: Path):
    courses, problems = load_courses(course_copy.parent)
    assert problems == []
    assert [c.slug for c in courses] == ["good-course"]
    assert check_courses(course_copy.parent) == []
    assert check_courses(course_copy) == []


def test_problem_paths_are_relative_to_the_courses_parent(course_copy: Path):
    (course_copy / "02-storage.md").write_text("no front matter\n", encoding="utf-8")
    problems = check_courses(course_copy.parent)
    assert [str(p) for p in problems] == [
        "courses/good-course/02-storage.md:1: no front matter: start the file with YAML "
        "between '---' lines"
    ]
    _, same = load_course(course_copy, display_root=course_copy)
    assert [p.path for p in same] == ["02-storage.md"]
