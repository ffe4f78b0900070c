"""The learner signs a course: GET shows the meaning and the password field, POST signs.
Throttled like a login (same limits, per address and per account)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from lms import events
from lms.access import login_required
from lms.content.models import Course
from lms.extensions import db, limiter
from lms.plugins.records import signatures
from lms.plugins.records.blueprint import bp
from lms.plugins.records.forms import SignForm


def _limit(name: str) -> str:
    return current_app.config[name]


def _account_key() -> str:
    return f"sign:{current_user.get_id()}"


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def _language() -> str:
    return get_locale().language  # type: ignore[union-attr]


@bp.route("/sign/<course>", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: _limit("LMS_LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(
    lambda: _limit("LMS_LOGIN_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"]
)
def sign(course: str):
    found = _course_or_404(course)
    user = current_user._get_current_object()
    pending = signatures.pending(user.id, found.id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            signatures.sign(user, found, form.password.data, _language())
        except signatures.SignatureRefused as exc:
            current_app.logger.warning("signature refused for user %s: %s", user.id, exc)
            form.password.errors.append(str(exc))
        else:
            flash(_("Signed. Your training record shows the signature."), "success")
            return redirect(url_for("catalog.course", course=found.slug))
    return render_template(
        "records/sign.html",
        course=found,
        pending=pending,
        meaning=signatures.meaning(pending.version, _language()) if pending else None,
        can_sign=signatures.may_sign_with_password(user),
        form=form,
    ), (422 if form.errors else 200)


def course_panel(sender, payload: events.CoursePage, **_extra) -> Markup | None:
    """On the course page: the call to sign once everything else is done."""
    if payload.user_id is None:
        return None
    pending = signatures.pending(payload.user_id, payload.course_id)
    if pending is None:
        return None
    return Markup(
        render_template(
            "records/sign_panel.html",
            course_slug=payload.course_slug,
            meaning=signatures.meaning(pending.version, _language()),
        )
    )


def certificate_panel(sender, payload: events.CertificatePage, **_extra) -> Markup | None:
    """On a certificate's page (holder and admins only): the signature it rests on."""
    found = signatures.signature_for_certificate(payload)
    if found is None:
        return None
    return Markup(render_template("records/signature_panel.html", signature=found))
