"""A member's profession and unit, set by their centre (:mod:`lms.people`).

``/centre/members/<user_id>/details``: centre admins for their own centre's members (not
other admins), site admins for anyone with a centre. A reason is required: the change is
made to another person's record and decides which training they must hold.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import people
from lms.access import roles_required
from lms.auth.forms import profession_choices
from lms.extensions import db
from lms.membership import bp, services
from lms.membership.forms import PersonDetailsForm
from lms.models import Profession, Role, User


@bp.route("/centre/members/<int:user_id>/details", methods=["GET", "POST"])
@roles_required(Role.centre_admin, Role.site_admin)
def details(user_id: int):
    actor = current_user._get_current_object()
    person = db.session.get(User, user_id)
    if person is None or person.centre_id is None:
        abort(404)
    if not actor.has_role(Role.site_admin) and person.centre_id != actor.centre_id:
        abort(404)  # another centre's people do not exist for a centre admin
    may = services.may_decide(actor, person, person.centre_id)
    form = PersonDetailsForm()
    form.profession.choices = profession_choices()
    if request.method == "GET":
        form.profession.data = person.profession.value
        form.unit.data = person.unit or ""
    back = url_for("membership.members", centre=person.centre.slug)
    if may and form.validate_on_submit():
        changed = people.update(
            person,
            profession=Profession(form.profession.data),
            unit=form.unit.data,
            actor=actor,
            via="admin",
            reason=form.reason.data.strip(),
        )
        db.session.commit()
        if changed:
            flash(_("%(name)s: saved.", name=person.name), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(back)
    return render_template(
        "membership/details.html", person=person, form=form, may=may, back=back
    ), 422 if form.errors else 200
