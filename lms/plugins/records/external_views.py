"""Outside training pages: the centre's list with the form to record one, and the
evidence file for those who may see the record."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from lms import people
from lms.access import login_required, roles_required
from lms.content.choices import published_course_choices
from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre, Role, User
from lms.params import search_term
from lms.plugins.records import external
from lms.plugins.records.blueprint import bp
from lms.plugins.records.forms import ExternalTrainingForm
from lms.plugins.records.models import ExternalTraining


def _centre(viewer: User) -> Centre | None:
    """A centre admin's own centre; a site admin's ``?centre=<slug>`` (else their own)."""
    if viewer.has_role(Role.site_admin) and request.args.get("centre"):
        found = db.session.scalar(select(Centre).where(Centre.slug == request.args["centre"]))
        if found is None:
            abort(404)
        return found
    return viewer.centre


def _form(centre: Centre) -> ExternalTrainingForm:
    form = ExternalTrainingForm()
    # The person picker: a search by name or e-mail (GET, no JavaScript needed), not a
    # list of everyone at the centre; the view refuses a person of another centre.
    found = people.search(centre.id, search_term("person_q"))
    form.person.choices = [
        SelectChoice(0, _("Choose a person") if found else _("Search for the person first"))
    ] + [SelectChoice(u.id, f"{u.name} ({u.email})") for u in found]
    form.person.validate_choice = False
    form.course.choices = [
        SelectChoice("", _("None: described below")),
        *(SelectChoice(str(c.value), c.label) for c in published_course_choices()),
    ]
    return form


@bp.route("/external", methods=["GET", "POST"])
@roles_required(Role.centre_admin, Role.site_admin)
def external_list():
    viewer = current_user._get_current_object()
    centre = _centre(viewer)
    if centre is None:
        return render_template("records/external.html", centre=None, form=None, rows=[])
    form = _form(centre)
    if form.validate_on_submit():
        person = db.session.get(User, form.person.data)
        course = db.session.get(Course, int(form.course.data)) if form.course.data else None
        if person is None or person.centre_id != centre.id:
            form.person.errors.append(_("Choose a person of this centre."))
        else:
            upload = form.evidence.data
            limit = request.max_content_length or 0
            data = upload.read(limit + 1 if limit else -1)
            try:
                external.record(
                    viewer,
                    person,
                    course=course,
                    title=form.title.data,
                    provider=form.provider.data,
                    completed_on=form.completed_on.data,
                    valid_until=form.valid_until.data,
                    evidence=external.Evidence(data=data, name=upload.filename or ""),
                    reason=form.reason.data.strip(),
                )
            except PermissionError:
                abort(404)
            except external.Refused as exc:
                form.evidence.errors.append(str(exc))
            else:
                flash(_("The training done elsewhere is recorded."), "success")
                return redirect(request.full_path.rstrip("?"))
    rows = external.of_centre(centre.id)
    holders = {r.user_id for r in rows}
    person_q = search_term("person_q")
    return render_template(
        "records/external.html",
        centre=centre,
        centre_slug=centre.slug if viewer.has_role(Role.site_admin) else None,
        form=form,
        rows=rows,
        people={u.id: u for u in db.session.scalars(select(User).where(User.id.in_(holders)))},
        person_q=person_q,
        found=form.person.choices[1:],
    ), (422 if form.errors else 200)


@bp.route("/external/<int:record_id>/evidence")
@login_required
def evidence(record_id: int):
    row = db.session.get(ExternalTraining, record_id)
    # Someone else's evidence is "not found", as a certificate's PDF.
    if row is None or not external.may_see(current_user, row):
        abort(404)
    return Response(
        external.evidence_bytes(row),
        mimetype=row.evidence_type,
        headers={
            "Content-Disposition": f'attachment; filename="{row.evidence_name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def dashboard_panel(sender, payload, **_extra):
    """On the learner's dashboard: their training done elsewhere, marked external."""
    from markupsafe import Markup

    rows = external.of_people([payload.user_id])
    if not rows:
        return None
    return Markup(render_template("records/external_panel.html", rows=rows))
