"""Extra attempts: owners, centre admins (their own centre) and site admins grant a
learner who used every attempt more, with a reason. Thin: :mod:`.grants` decides."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import ngettext

from lms.access import roles_required
from lms.extensions import db
from lms.models import Role, User
from lms.params import search_term
from lms.plugins.quizzes import grants, pages, services, stats
from lms.plugins.quizzes.blueprint import bp
from lms.plugins.quizzes.forms import GrantForm

GRANTERS = (Role.educator, Role.centre_admin, Role.site_admin)


@bp.route("/quizzes/extra-attempts")
@roles_required(*GRANTERS)
def waiting():
    """The learners who used every attempt without passing, that this person may help."""
    term = search_term()
    return render_template(
        "quizzes/waiting.html",
        q=term,
        rows=grants.waiting(pages.user(), term),
        limit=grants.LIST_LIMIT,
        lang=pages.lang(),
    )


@bp.route("/quizzes/extra-attempts/<int:quiz_id>/<int:user_id>", methods=["GET", "POST"])
@roles_required(*GRANTERS)
def grant(quiz_id: int, user_id: int):
    actor = pages.user()
    quiz = stats.find_quiz(quiz_id)
    learner = db.session.get(User, user_id)
    # Someone the person may not grant to is "not found": the URL tells nothing.
    if quiz is None or learner is None or not grants.may_grant(actor, quiz, learner):
        abort(404)
    form = GrantForm()
    used = services.attempts_used(learner.id, quiz.id)
    allowed = services.allowed_attempts(quiz, learner.id)
    if form.validate_on_submit():
        grants.grant(actor, quiz, learner, extra=form.extra.data, reason=form.reason.data)
        flash(
            ngettext(
                "%(name)s may make %(num)d more attempt at %(quiz)s.",
                "%(name)s may make %(num)d more attempts at %(quiz)s.",
                form.extra.data,
                name=learner.name,
                quiz=quiz.title_in(pages.lang()),
            ),
            "success",
        )
        return redirect(url_for("quizzes.waiting"))
    left = None if allowed is None else max(0, allowed - used)
    # Shown after every attempt ("always"), or once none was left (all but "never").
    seen_answers = used > 0 and (
        quiz.show_answers == "always" or (left == 0 and quiz.show_answers != "never")
    )
    return render_template(
        "quizzes/grant.html",
        form=form,
        learner=learner,
        used=used,
        allowed=allowed,
        seen_answers=seen_answers,
        history=grants.history(learner.id, quiz.id),
        **pages.context(quiz),
    ), 422 if form.errors else 200
