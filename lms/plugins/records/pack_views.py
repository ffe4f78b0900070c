"""``/centre/inspection-pack``: a centre admin downloads their centre's pack, a site admin
any centre's. GET shows the form; POST builds the pack (audited) and streams it."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from lms import audit, clock
from lms.access import roles_required
from lms.content.choices import published_course_choices
from lms.extensions import db
from lms.models import Centre, Role
from lms.plugins.records import pack
from lms.plugins.records.forms import PackForm


def _form(viewer) -> PackForm:
    form = PackForm()
    if viewer.has_role(Role.site_admin):
        centres = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    else:
        centres = [viewer.centre] if viewer.centre is not None else []
    form.centre.choices = [SelectChoice(str(c.id), c.label) for c in centres]
    form.course.choices = [
        SelectChoice("", _("All courses")),
        *(SelectChoice(str(c.value), c.label) for c in published_course_choices()),
    ]
    return form


@roles_required(Role.centre_admin, Role.site_admin)
def inspection_pack():
    viewer = current_user._get_current_object()
    form = _form(viewer)
    if not form.centre.choices:
        return render_template("records/pack.html", form=None), 200
    if form.validate_on_submit():
        centre = db.session.get(Centre, int(form.centre.data))
        elsewhere = centre is not None and centre.id != viewer.centre_id
        if centre is None or (elsewhere and not viewer.has_role(Role.site_admin)):
            abort(404)
        course_id = int(form.course.data) if form.course.data else None
        request = pack.PackRequest(centre_id=centre.id, course_id=course_id, since=form.start.data)
        handle, manifest = pack.temporary_pack(request)
        audit.record(
            "records.pack_built",
            actor=viewer,
            centre=centre.slug,
            course=course_id,
            records_from=request.since.isoformat() if request.since else None,
            files=len(manifest["files"]),
            via="web",
        )
        db.session.commit()
        name = f"inspection-pack-{centre.slug}-{clock.local_today().isoformat()}.zip"
        return Response(
            pack.stream_file(handle),
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return render_template("records/pack.html", form=form), (422 if form.errors else 200)
