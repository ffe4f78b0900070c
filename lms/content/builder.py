"""Builds one CourseDoc from the files of its folder, collecting every problem on the way.

An educator fixes a course in one pass only if they see all its problems at once, so nothing
here stops at the first one: each file is parsed and rendered as far as it goes, and the
document is handed out only when the list of problems stayed empty.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from . import comments
from . import frontmatter as fm
from .documents import (
    CourseDoc,
    CourseTranslation,
    ModuleDoc,
    ModuleTranslation,
    Problem,
    QuizDoc,
    QuizTranslation,
    Rendered,
    errors,
    frozen_mapping,
)
from .files import (
    FOLDER,
    NAME_RULE,
    CourseFile,
    check_names,
    classify,
    content_hash,
    disk_path,
    is_image_path,
    list_files,
    read_text,
    unrecognised,
)
from .links import CourseLinks
from .lint import lint_course
from .pinning import unpinned_under_shuffle
from .preview import differences, question_differences
from .quizparse import ParsedQuestion, compare_translation, parse_questions, render_questions
from .render import render_markdown
from .svg import svg_problems

_KINDS = {
    ("course", False): fm.Kind.COURSE,
    ("course", True): fm.Kind.COURSE_TRANSLATION,
    ("module", False): fm.Kind.MODULE,
    ("module", True): fm.Kind.MODULE_TRANSLATION,
    ("quiz", False): fm.Kind.QUIZ,
    ("quiz", True): fm.Kind.QUIZ_TRANSLATION,
}


class CourseBuilder:
    def __init__(self, folder: Path, display_root: Path):
        self.folder = folder
        self.slug = folder.name
        self.display_root = display_root
        self.problems: list[Problem] = []
        self.files: list[str] = []
        self.images: frozenset[str] = frozenset()
        self.targets: dict[str, str] = {}

    def shown(self, relative: str = "") -> str:
        """A path as problems print it: relative to the display root, with `/`."""
        target = (self.folder / relative) if relative else self.folder
        return Path(os.path.relpath(target.absolute(), self.display_root.absolute())).as_posix()

    def problem(self, relative: str, line: int, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(self.shown(relative), line, message, warning))

    # --- the folder

    def scan(self) -> list[CourseFile]:
        if not FOLDER.match(self.slug):
            self.problem("", 1, f"course folder name '{self.slug}' must be {NAME_RULE}")
        listed = list_files(self.folder)
        self.files = sorted(set(listed))
        for relative in sorted(name for name, n in Counter(listed).items() if n > 1):
            self.problem(
                relative,
                1,
                f"two files are named '{relative}' (the same letters, encoded in two ways): "
                "keep one of them",
            )
        images, documents = [], []
        for relative in self.files:
            named = None if "/" in relative else classify(relative)
            if is_image_path(relative):
                images.append(relative)
                if relative.lower().endswith(".svg"):
                    data = disk_path(self.folder, relative).read_bytes()
                    for line, message in svg_problems(data):
                        self.problem(relative, line, message)
            elif named is not None:
                documents.append(named)
            else:
                self.problem(relative, 1, unrecognised(relative))
        self.images = frozenset(images)
        return documents

    def text(self, name: str) -> str | None:
        text, problem = read_text(disk_path(self.folder, name), self.shown(name))
        if problem is not None:
            self.problems.append(problem)
        return text

    def front_matter(self, file: CourseFile) -> fm.FrontMatter | None:
        text = self.text(file.name)
        if text is None:
            return None
        parsed = fm.parse(text, _KINDS[file.kind, file.language is not None], self.shown(file.name))
        self.problems.extend(parsed.problems)
        return parsed

    def links(self, name: str) -> CourseLinks:
        return CourseLinks(self.slug, self.shown(name), self.targets, self.images, self.problems)

    def unclosed_comment(self, name: str, matter: fm.FrontMatter) -> None:
        line = comments.strip(matter.body).unclosed_line
        if line is not None:
            message = "this comment is never closed with '-->': everything after it is hidden"
            self.problem(name, matter.body_offset + line, message, warning=True)

    def preview(self, name: str, text: str, line_offset: int) -> None:
        """Warn wherever learners would see `text` otherwise than a preview shows it."""
        for found in differences(text, line_offset=line_offset):
            self.problem(name, found.line, found.message, warning=True)

    def render(self, name: str, matter: fm.FrontMatter) -> Rendered:
        self.unclosed_comment(name, matter)
        self.preview(name, matter.body, matter.body_offset)
        return render_markdown(
            matter.body, link_resolver=self.links(name), line_offset=matter.body_offset
        )

    # --- the course

    def build(self) -> CourseDoc | None:
        documents = self.scan()
        originals = [d for d in documents if d.language is None]
        translations = [d for d in documents if d.language is not None]
        modules = sorted((d for d in originals if d.kind == "module"), key=_order)
        quizzes = sorted((d for d in originals if d.kind == "quiz"), key=_order)
        for file, message in [*check_names(modules, "module"), *check_names(quizzes, "quiz")]:
            self.problem(file.name, 1, message)
        for file in modules:
            self.targets.setdefault(file.name, f"/courses/{self.slug}/{file.slug}/")
        for file in quizzes:
            self.targets.setdefault(file.name, f"/courses/{self.slug}/quiz/{file.slug}/")

        course = self._course_front_matter(documents)
        language = course.values.get("language") if course else None
        self.problems.extend(lint_course(self.folder, documents, language, self.shown))
        by_original = self._translations(translations, {d.name for d in originals}, language)
        module_docs = [self._module(f, course, by_original.get(f.name, [])) for f in modules]
        module_numbers = {f.number for f in modules}
        quiz_docs = [
            self._quiz(f, course, module_numbers, by_original.get(f.name, [])) for f in quizzes
        ]
        if not modules:
            self.problem("course.md", 1, "the course has no modules (NN-slug.md files)")
        if course is None:
            return None
        description = self.render("course.md", course)
        course_translations = {}
        for file in by_original.get("course.md", []):
            matter = self.front_matter(file)
            if matter is not None:
                course_translations[file.language] = CourseTranslation(
                    title=matter.values.get("title", ""),
                    summary=matter.values.get("summary") or course.values.get("summary", ""),
                    description_html=self.render(file.name, matter).html,
                )
        if errors(self.problems):
            return None  # warnings never stop a course
        values = course.values
        return CourseDoc(
            slug=self.slug,
            title=values["title"],
            summary=values["summary"],
            description_html=description.html,
            audiences=values["audiences"],
            version=values["version"],
            language=values["language"],
            estimated_minutes=values["estimated_minutes"],
            enrolment=values["enrolment"],
            enrolment_key=values["enrolment_key"],
            pass_mark=values["pass_mark"],
            certificate_valid_months=values["certificate_valid_months"],
            recertify_days=values["recertify_days"],
            status=values["status"],
            owners=values["owners"],
            translations=frozen_mapping(course_translations),
            modules=tuple(module_docs),  # type: ignore[arg-type]
            quizzes=tuple(quiz_docs),  # type: ignore[arg-type]
            content_hash=content_hash(self.folder, self.files),
            images=tuple(sorted(self.images)),
            signature_required=values["signature"] == "required",
        )

    def _course_front_matter(self, documents: list[CourseFile]) -> fm.FrontMatter | None:
        course = next((d for d in documents if d.name == "course.md"), None)
        if course is None:
            self.problem("course.md", 1, "missing course.md (the course's front matter)")
            return None
        return self.front_matter(course)

    def _translations(
        self, translations: list[CourseFile], originals: set[str], language: str | None
    ) -> dict[str, list[CourseFile]]:
        usable: dict[str, list[CourseFile]] = {}
        for file in translations:
            if file.language not in fm.LANGUAGES:
                self.problem(
                    file.name, 1, f"'{file.language}' is not a language of the app (en or sv)"
                )
            elif file.language == language:
                self.problem(
                    file.name,
                    1,
                    f"a translation into '{language}', the language of the course itself",
                )
            elif file.original_name not in originals:
                self.problem(
                    file.name, 1, f"translation of {file.original_name}, which does not exist"
                )
            else:
                usable.setdefault(file.original_name, []).append(file)
        return usable

    # --- modules and quizzes

    def _module(
        self, file: CourseFile, course: fm.FrontMatter | None, translations: list[CourseFile]
    ) -> ModuleDoc | None:
        matter = self.front_matter(file)
        if matter is None:
            return None
        rendered = self.render(file.name, matter)
        course_audiences = course.values.get("audiences") if course else None
        audiences = matter.values.get("audiences") or course_audiences or ()
        if course_audiences and matter.values.get("audiences"):
            for audience in audiences:
                if audience not in course_audiences:
                    self.problem(
                        file.name,
                        matter.lines["audiences"],
                        f"'audiences' has '{audience}', which is not an audience of the course",
                    )
        translated = {}
        for other in translations:
            other_matter = self.front_matter(other)
            if other_matter is not None:
                html = self.render(other.name, other_matter)
                translated[other.language] = ModuleTranslation(
                    other_matter.values.get("title", ""), html.html, html.toc_html
                )
        return ModuleDoc(
            number=file.number or 0,
            slug=file.slug or "",
            title=matter.values.get("title", ""),
            minutes=matter.values.get("minutes", 0),
            audiences=tuple(audiences),
            html=rendered.html,
            toc_html=rendered.toc_html,
            translations=frozen_mapping(translated),
        )

    def _questions(self, file: CourseFile, matter: fm.FrontMatter) -> list[ParsedQuestion]:
        self.unclosed_comment(file.name, matter)
        questions, problems = parse_questions(
            matter.body, path=self.shown(file.name), line_offset=matter.body_offset
        )
        self.problems.extend(problems)
        for question in questions:
            for found in question_differences(question):
                self.problem(file.name, found.line, found.message, warning=True)
        return questions

    def _quiz(
        self,
        file: CourseFile,
        course: fm.FrontMatter | None,
        module_numbers: set[int | None],
        translations: list[CourseFile],
    ) -> QuizDoc | None:
        matter = self.front_matter(file)
        if matter is None:
            return None
        values = matter.values
        parsed = self._questions(file, matter)
        if values.get("shuffle"):
            self.problems.extend(unpinned_under_shuffle(parsed, self.shown(file.name)))
        per_attempt = values.get("questions_per_attempt")
        if per_attempt is not None and parsed and per_attempt > len(parsed):
            self.problem(
                file.name,
                matter.lines["questions_per_attempt"],
                f"'questions_per_attempt' is {per_attempt} but the quiz has only "
                f"{len(parsed)} question{'s' if len(parsed) != 1 else ''}",
            )
        if values.get("show_answers") == "after_last_attempt" and not values.get("max_attempts"):
            self.problem(
                file.name,
                matter.lines["show_answers"],
                "'show_answers: after_last_attempt' needs 'max_attempts': with unlimited "
                "attempts the answers would never be shown (write 'never' if that is meant)",
            )
        translated = {}
        for other in translations:
            other_matter = self.front_matter(other)
            if other_matter is None:
                continue
            other_parsed = self._questions(other, other_matter)
            self.problems.extend(
                compare_translation(
                    other_parsed,
                    parsed,
                    path=self.shown(other.name),
                    original_name=file.name,
                )
            )
            translated[other.language] = QuizTranslation(
                other_matter.values.get("title", ""),
                render_questions(other_parsed, link_resolver=self.links(other.name)),
            )
        pass_mark = values.get("pass_mark")
        if pass_mark is None and course is not None:
            pass_mark = course.values.get("pass_mark")
        return QuizDoc(
            number=file.number or 0,
            slug=file.slug or "",
            title=values.get("title", ""),
            pass_mark=pass_mark if pass_mark is not None else 80,
            max_attempts=values.get("max_attempts"),
            shuffle=values.get("shuffle", False),
            questions_per_attempt=per_attempt,
            partial_credit=values.get("partial_credit", False),
            show_answers=values.get("show_answers", "after_pass"),
            module_number=file.number if file.number in module_numbers else None,
            questions=render_questions(parsed, link_resolver=self.links(file.name)),
            translations=frozen_mapping(translated),
        )


def _order(file: CourseFile) -> tuple[int, str]:
    return (file.number or 0, file.name)
