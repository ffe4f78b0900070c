"""Question statistics for the courses an educator owns (site admins: every course)."""

from __future__ import annotations

from flask import Response, abort, render_template

from lms.access import roles_required
from lms.models import Role
from lms.plugins.quizzes import pages, stats
from lms.plugins.quizzes.blueprint import bp
from lms.plugins.quizzes.display import percent

EDUCATORS = (Role.educator, Role.site_admin)


@bp.route("/educator/quizzes/")
@roles_required(*EDUCATORS)
def educator_index():
    rows = stats.quiz_rows(pages.user())
    return render_template("quizzes/educator_index.html", rows=rows, lang=pages.lang())


def _educator_quiz(quiz_id: int):
    quiz = stats.find_quiz(quiz_id)
    if quiz is None or not stats.may_see(pages.user(), quiz.version):
        abort(404)
    return quiz


@bp.route("/educator/quizzes/<int:quiz_id>/")
@roles_required(*EDUCATORS)
def educator_quiz(quiz_id: int):
    quiz = _educator_quiz(quiz_id)
    return render_template(
        "quizzes/educator_quiz.html",
        quiz=quiz,
        quiz_title=quiz.title_in(pages.lang()),
        course_title=quiz.version.text(pages.lang())["title"],
        questions=stats.question_stats(quiz, pages.lang()),
        flag_min=stats.FLAG_MIN_ANSWERS,
        flag_below=stats.FLAG_BELOW_PERCENT,
        percent=percent,
    )


@bp.route("/educator/quizzes/<int:quiz_id>/stats.csv")
@roles_required(*EDUCATORS)
def educator_csv(quiz_id: int):
    quiz = _educator_quiz(quiz_id)
    body = stats.stats_csv(stats.question_stats(quiz, pages.lang()))
    name = f"quiz-{quiz.version.course.slug}-{quiz.slug}-{quiz.version.version}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
