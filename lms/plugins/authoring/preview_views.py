"""The draft as learners will see it, in either language: the course page, each module and
each quiz. Answering a previewed quiz shows the feedback and stores nothing."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_percent
from markupsafe import Markup

from lms.access import roles_required
from lms.content.files import classify
from lms.plugins.authoring import checking, preview
from lms.plugins.authoring.blueprint import bp
from lms.plugins.authoring.forms import PreviewQuizForm
from lms.plugins.authoring.views import AUTHORS, authored_or_404, lang

LANGS = "<any(en, sv):preview_lang>"
LANGUAGE_NAMES = {"en": "English", "sv": "Svenska"}


def languages(doc) -> list[str]:
    """The languages the draft has (its own, and any of its course, module or quiz files
    is translated into), in the order of :data:`LANGUAGE_NAMES`."""
    found = {doc.language, *doc.translations}
    for part in (*doc.modules, *doc.quizzes):
        found.update(part.translations)
    return [code for code in LANGUAGE_NAMES if code in found]


def _loaded(course: str):
    authored = authored_or_404(course)
    if authored.workspace is None:
        abort(404)
    return authored, checking.load_draft(authored.workspace)


def _render(template: str, authored, loaded, preview_lang: str, status: int = 200, **context):
    if loaded.doc is None:
        return render_template(
            "authoring/preview_blocked.html", authored=authored, loaded=loaded
        ), 409
    doc = loaded.doc
    offered = languages(doc)
    if preview_lang not in offered:  # e.g. /preview/sv/ of a draft with no Swedish files
        args = dict(request.view_args or {}, preview_lang=doc.language)
        return redirect(url_for(request.endpoint, **args))

    def lang_attr(language: str) -> Markup:
        """` lang="sv"` when the content is not in the page's UI language."""
        return Markup(' lang="%s"') % language if language != lang() else Markup("")

    def content_lang(translations) -> str:
        return preview_lang if preview_lang in translations else doc.language

    return render_template(
        template,
        authored=authored,
        doc=doc,
        preview_lang=preview_lang,
        preview_languages=[(code, LANGUAGE_NAMES[code]) for code in offered],
        lang_attr=lang_attr,
        content_lang=content_lang,
        rewrite=lambda html: preview.rewrite(html, doc.slug, preview_lang),
        **context,
    ), status


@bp.route("/<course>/preview/")
@roles_required(*AUTHORS)
def preview_start(course: str):
    """The preview in the draft's own language (the nav's "Preview" link); with ``?file=``
    (the editor's link), the page of that file in that file's language: ``01-x.sv.md``
    opens the Swedish page of module x, ``01-x.quiz.md`` its quiz in the draft's language,
    ``course.sv.md`` the Swedish course page. Any other file opens the course page."""
    _authored, loaded = _loaded(course)
    own = loaded.doc.language if loaded.doc is not None else "en"
    found = classify(request.args.get("file", "").rsplit("/", 1)[-1])
    if found is None:
        return redirect(url_for("authoring.preview_course", course=course, preview_lang=own))
    language = found.language if found.language in LANGUAGE_NAMES else own
    if found.kind == "module":
        target = url_for(
            "authoring.preview_module", course=course, preview_lang=language, module=found.slug
        )
    elif found.kind == "quiz":
        target = url_for(
            "authoring.preview_quiz", course=course, preview_lang=language, quiz=found.slug
        )
    else:
        target = url_for("authoring.preview_course", course=course, preview_lang=language)
    return redirect(target)


@bp.route(f"/<course>/preview/{LANGS}/")
@roles_required(*AUTHORS)
def preview_course(course: str, preview_lang: str):
    authored, loaded = _loaded(course)
    return _render("authoring/preview_course.html", authored, loaded, preview_lang)


@bp.route(f"/<course>/preview/{LANGS}/<module>/")
@roles_required(*AUTHORS)
def preview_module(course: str, preview_lang: str, module: str):
    authored, loaded = _loaded(course)
    found = loaded.doc.module(module) if loaded.doc else None
    if loaded.doc is not None and found is None:
        abort(404)
    modules = loaded.doc.modules if loaded.doc else ()
    index = modules.index(found) if found else 0
    return _render(
        "authoring/preview_module.html",
        authored,
        loaded,
        preview_lang,
        module=found,
        before=modules[index - 1] if index > 0 else None,
        after=modules[index + 1] if index + 1 < len(modules) else None,
        quiz=loaded.doc.quiz_for_module(found.number) if found else None,
    )


@bp.route(f"/<course>/preview/{LANGS}/quiz/<quiz>/", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def preview_quiz(course: str, preview_lang: str, quiz: str):
    authored, loaded = _loaded(course)
    found = loaded.doc.quiz(quiz) if loaded.doc else None
    if loaded.doc is not None and found is None:
        abort(404)
    form = PreviewQuizForm()
    picks = None
    if found is not None and form.validate_on_submit():
        questions = found.translated(preview_lang).questions
        picks = preview.read_picks(questions, request.form)
    questions, percent = (
        preview.question_views(found, preview_lang, course, picks) if found else ([], None)
    )
    module = (
        next((m for m in loaded.doc.modules if m.number == found.module_number), None)
        if found
        else None
    )
    return _render(
        "authoring/preview_quiz.html",
        authored,
        loaded,
        preview_lang,
        quiz=found,
        module=module,
        form=form,
        questions=questions,
        answered=picks is not None,
        percent=percent,
        percent_text=format_percent(percent / 100, format="#,##0.#%")
        if percent is not None
        else "",
        pass_mark_text=format_percent(found.pass_mark / 100, format="#,##0.#%") if found else "",
    )
