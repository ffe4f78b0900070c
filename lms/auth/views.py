"""Account pages. Thin: forms in, services do the work, templates show the result."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms import events, people
from lms.access import login_required, public
from lms.auth import services
from lms.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    profession_choices,
)
from lms.auth.passwords import verify_password
from lms.auth.redirects import landing, safe_next
from lms.extensions import db, limiter
from lms.membership import domains
from lms.membership import services as membership
from lms.membership.forms import AskForm, ButtonForm
from lms.models import Centre, Profession

bp = Blueprint("auth", __name__, template_folder="templates")


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _limit(name: str) -> str:
    return current_app.config[name]


def _centre_choices(prompt: bool = False) -> list[SelectChoice]:
    centres = db.session.scalars(db.select(Centre).order_by(Centre.name))
    choices = [SelectChoice(c.id, c.label) for c in centres]
    if prompt:
        choices.insert(0, SelectChoice("", _("Choose your centre")))
    return choices


def _home() -> str:
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit("LMS_LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(
    lambda: _limit("LMS_LOGIN_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"]
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), _home()))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and not services.password_login_allowed(user):
            form.password.errors.append(
                _("Your centre signs in through its identity provider: use its button above.")
            )
        elif user is not None:
            session.clear()
            services.start_session(user, remember=form.remember.data)
            if user.locale:
                session["lang"] = user.locale
            return redirect(safe_next(request.args.get("next"), landing(user)))
        else:
            form.password.errors.append(_("The e-mail address or password is wrong."))
    panels = events.panels(
        events.login_page_panels, events.LoginPage(next_url=request.args.get("next"))
    )
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form, panels=panels), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    # Asked before the session ends: a plugin may read it (e.g. which identity provider).
    onward = [
        url
        for url in events.emit(events.logout_redirect, events.LogoutRequest(user_id=user.id))
        if url
    ]
    services.end_session(user)
    session.clear()
    if onward:  # e.g. on to the identity provider's logout
        return redirect(onward[0])
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit("LMS_FORM_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    form.centre.choices = _centre_choices(prompt=True)
    form.profession.choices = profession_choices(prompt=True)
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                centre_id=form.centre.data,
                profession=Profession(form.profession.data),
                locale=session.get("lang"),
            )
        except services.EmailTaken:
            # Say what happened without confirming more than the user already typed.
            form.email.errors.append(
                _("An account with this e-mail address exists. Log in or reset the password.")
            )
        else:
            session.clear()
            services.start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if user.centre_id is None:
                flash(
                    _(
                        "You asked to join a centre: its admin confirms it. Your profile "
                        "shows where the request stands."
                    ),
                    "info",
                )
            return redirect(_home())
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Name, and profession while the person has no confirmed centre. The centre is not a
    field here: a person asks to join or move (``membership.ask``) and the centre decides; a
    ``centre`` sent here is ignored, and so is a ``profession`` from a confirmed member
    (their centre sets it, with their unit: :mod:`lms.people`)."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=None if request.method == "POST" else user)
    own_profession = people.may_edit_own(user)
    if own_profession:
        form.profession.choices = profession_choices()
        if request.method == "GET":
            form.profession.data = user.profession.value
    else:  # a confirmed member's profession is the centre's to set (lms.people)
        del form.profession
    if form.validate_on_submit():
        services.update_profile(
            user,
            name=form.name.data,
            profession=Profession(form.profession.data) if own_profession else None,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    status = 422 if form.errors else 200
    waiting = membership.open_request(user.id)
    ask_form = AskForm()
    ask_form.centre.choices = [c for c in _centre_choices(prompt=True) if c.value != user.centre_id]
    return render_template(
        "auth/profile.html",
        form=form,
        user=user,
        waiting=waiting,
        may_ask=membership.may_ask(user),
        ask_form=ask_form,
        button=ButtonForm(),
        last_decision=membership.last_decision(user.id),
        domain_waits=waiting is not None
        and user.email_verified_at is None
        and domains.centre_for(user.email) == waiting.centre_id,
    ), status


@bp.route("/my-data.json", methods=["POST"])
@login_required
def my_data():
    """Everything we hold about the person, as JSON (GDPR art. 15). A POST (a button, with
    the CSRF token): each download is recorded in the audit trail, and a GET never writes."""
    data = services.personal_data(current_user._get_current_object())
    response = jsonify(data)
    response.headers["Content-Disposition"] = 'attachment; filename="atmp-learn-my-data.json"'
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.user_email, form.user_name = user.email, user.name
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            services.change_password(user, form.password.data)
            # The session counter moved on: log this browser in again, others stay out.
            services.start_session(user)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("auth.profile"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit("LMS_FORM_LIMIT"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_reset_mail(form.email.data)
        flash(
            _("If an account has this address, we have sent it a link to set a new password."),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit("LMS_FORM_LIMIT"), methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    form.user_email, form.user_name = user.email, user.name
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        flash(_("Your new password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form), status
