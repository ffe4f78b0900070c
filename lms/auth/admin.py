"""Site admins manage people: find them, change roles and centre, deactivate, anonymise."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms import audit_text, events
from lms.access import roles_required
from lms.auth import services
from lms.auth.forms import optional_int
from lms.confirm import confirmation_page, confirmed
from lms.extensions import db, unicode_lower
from lms.forms import Form
from lms.labels import ROLE_LABELS
from lms.membership import services as membership
from lms.membership.forms import REASON_MAX
from lms.models import AuditEvent, Centre, CentreMembership, Role, User
from lms.params import contains_pattern, page_number, search_term

bp = Blueprint("admin", __name__, template_folder="templates")

PAGE_SIZE = 50


# The roles a site admin gives (everyone is a learner: no box for that). Each gives its own
# pages; a person may hold several (an educator who is also their centre's admin).
GRANTABLE = (Role.educator, Role.centre_admin, Role.site_admin)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccountForm(Form):
    roles = CheckboxesField(
        _l("Roles"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in GRANTABLE]
    )
    centre = SelectField(_l("Centre"), coerce=optional_int)
    reason = TextAreaField(
        _l("Reason for the change"), validators=[Optional(), Length(max=REASON_MAX)]
    )


class ConfirmForm(Form):
    """A POST button: CSRF only."""


def _centre_choices() -> list[SelectChoice]:
    centres = db.session.scalars(select(Centre).order_by(Centre.name))
    return [SelectChoice("", _("No centre")), *(SelectChoice(c.id, c.label) for c in centres)]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@roles_required(Role.site_admin)
def users():
    query = search_term()
    page = page_number()
    statement = select(User).options(selectinload(User.role_rows)).order_by(User.name, User.id)
    if query:
        pattern = contains_pattern(query.lower())
        statement = statement.where(
            or_(
                unicode_lower(User.name).like(pattern, escape="\\"),
                unicode_lower(User.email).like(pattern, escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)  # a page past the end (the list got shorter) shows the last
    people = db.session.scalars(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/users.html", people=people, q=query, page=page, pages=pages, total=total
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.site_admin)
def user(user_id: int):
    person = _user_or_404(user_id)
    form = AccountForm(obj=None)
    form.centre.choices = _centre_choices()
    if request.method == "GET":
        form.roles.data = [r.value for r in GRANTABLE if person.has_role(r)]
        form.centre.data = person.centre_id
    if form.validate_on_submit():
        actor = current_user._get_current_object()
        reason = (form.reason.data or "").strip()
        roles = {Role(value) for value in form.roles.data or ()} | {Role.learner}
        changes = roles != person.roles or form.centre.data != person.centre_id
        if person.id == actor.id and Role.site_admin not in roles:
            flash(_("You cannot take the site admin role from yourself."), "error")
        elif changes and person.id != actor.id and not reason:
            form.reason.errors.append(_("Say why: the change is made to another person's record."))
        else:
            services.set_roles(person, roles, actor=actor, reason=reason or None)
            centre = db.session.get(Centre, form.centre.data) if form.centre.data else None
            try:
                membership.place(person, centre, actor=actor, reason=reason or None)
                membership.commit()
            except membership.Conflict:
                flash(_("Someone changed this at the same time; look again and retry."), "error")
            else:
                flash(_("The account is saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    history = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.subject_id == person.id, AuditEvent.actor_id == person.id))
        .order_by(AuditEvent.id.desc())
        .limit(30)
    ).all()
    due = services.anonymisable_from(person)
    return render_template(
        "admin/user.html",
        person=person,
        form=form,
        confirm=ConfirmForm(),
        history=history,
        memberships=db.session.scalars(
            select(CentreMembership)
            .where(CentreMembership.user_id == person.id)
            .order_by(CentreMembership.id.desc())
        ).all(),
        panels=events.panels(events.person_admin_panels, events.PersonPage(user_id=person.id)),
        anonymise_due=due,
        anonymise_now=services.may_anonymise_now(person),
        anonymise_due_text=format_date(due) if due else None,
        describe_event=audit_text.describe,
    ), (422 if form.errors else 200)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.site_admin)
def set_active(user_id: int):
    person = _user_or_404(user_id)
    form = ConfirmForm()
    activate = request.form.get("active") == "1"
    if form.validate_on_submit():
        if not activate and person.active and person.id != current_user.id and not confirmed():
            days = current_app.config["LMS_RETENTION_DAYS"]
            return confirmation_page(
                title=_("Deactivate %(name)s?", name=person.name),
                consequences=[
                    _(
                        "%(name)s (%(email)s) is signed out everywhere at once and can no "
                        "longer sign in.",
                        name=person.name,
                        email=person.email,
                    ),
                    _("Their training records, certificates and history are kept."),
                    ngettext(
                        "After %(num)d day their name and e-mail address may be anonymised.",
                        "After %(num)d days their name and e-mail address may be anonymised.",
                        days,
                    ),
                    _("You can reactivate the account until then."),
                ],
                action=url_for("admin.set_active", user_id=person.id),
                fields={"active": "0"},
                button=_("Deactivate the account"),
                back=url_for("admin.user", user_id=person.id),
            )
        if person.id == current_user.id:
            flash(_("You cannot deactivate yourself."), "error")
        elif person.anonymised_at is not None:
            flash(_("An anonymised account cannot be reactivated."), "error")
        else:
            services.set_active(person, activate, actor=current_user)
            flash(
                _("The account is active.") if activate else _("The account is deactivated."),
                "success",
            )
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/anonymise", methods=["POST"])
@roles_required(Role.site_admin)
def anonymise(user_id: int):
    person = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        if services.may_anonymise_now(person) and not confirmed():
            return confirmation_page(
                title=_("Anonymise %(name)s?", name=person.name),
                consequences=[
                    _(
                        "The name and e-mail address of %(name)s (%(email)s) are replaced for "
                        "good; this cannot be undone.",
                        name=person.name,
                        email=person.email,
                    ),
                    _("Training records and the centre's statistics stay."),
                ],
                action=url_for("admin.anonymise", user_id=person.id),
                button=_("Anonymise"),
                back=url_for("admin.user", user_id=person.id),
            )
        try:
            services.anonymise(person, actor=current_user)
        except services.NotYetAnonymisable:
            flash(
                _("This account cannot be anonymised yet: the retention period has not ended."),
                "error",
            )
        else:
            flash(_("The personal data is replaced; the training records are kept."), "success")
    return redirect(url_for("admin.user", user_id=person.id))
