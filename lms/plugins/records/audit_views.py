"""The audit trail as pages: a filterable list, its CSV export, a person's history. Thin:
the scope and the rows come from :mod:`audit_query`."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from lms import audit_text, clock
from lms.access import roles_required
from lms.extensions import db
from lms.models import Centre, Role, User
from lms.params import page_number
from lms.plugins.records import audit_query
from lms.plugins.records.blueprint import bp
from lms.plugins.records.forms import AuditFilterForm

ADMINS = (Role.centre_admin, Role.site_admin)
PAGE_SIZE = 50


def _form(viewer: User) -> tuple[AuditFilterForm, audit_query.AuditFilter]:
    form = AuditFilterForm(formdata=request.args)
    codes = sorted(audit_text.SENTENCES, key=lambda code: audit_text.action_label(code))
    form.action.choices = [
        SelectChoice("", _("All events")),
        *(SelectChoice(code, audit_text.action_label(code)) for code in codes),
    ]
    centres = []
    if viewer.has_role(Role.site_admin):
        centres = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    form.centre.choices = [
        SelectChoice("", _("All centres")),
        *(SelectChoice(str(c.id), c.label) for c in centres),
    ]
    if request.args and not form.validate():
        return form, audit_query.AuditFilter()
    centre_id = int(form.centre.data) if form.centre.data else None
    return form, audit_query.AuditFilter(
        action=form.action.data or "",
        person=(form.q.data or "").strip(),
        start=form.start.data,
        end=form.end.data,
        centre_id=centre_id if viewer.has_role(Role.site_admin) else None,
    )


def _rows(rows):
    return [
        {
            "event": event,
            "at": clock.to_local(event.at),
            "text": audit_text.describe(event.action, event.details),
            "changes": audit_text.changes(event.details),
            "reason": audit_text.reason_of(event.details),
            "actor": actor,
            "subject": subject,
        }
        for event, actor, subject in rows
    ]


@bp.route("/audit")
@roles_required(*ADMINS)
def audit_list():
    viewer = current_user._get_current_object()
    form, flt = _form(viewer)
    statement = audit_query.scoped(viewer, flt)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page_number(), pages)
    rows = db.session.execute(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "records/audit.html",
        form=form,
        rows=_rows(rows),
        page=page,
        pages=pages,
        total=total,
        query=query,
    ), (422 if form.errors else 200)


@bp.route("/audit.csv")
@roles_required(*ADMINS)
def audit_csv():
    viewer = current_user._get_current_object()
    form, flt = _form(viewer)
    if form.errors:
        abort(400)
    lines = audit_query.csv_lines(audit_query.stream(audit_query.scoped(viewer, flt)))
    stamp = clock.local_today().isoformat()
    # The rows are read while the body is sent, after the view returned: keep the request's
    # context (database session, locale) for the generator, as a WSGI server needs.
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-trail-{stamp}.csv"'},
    )


@bp.route("/people/<int:user_id>/history")
@roles_required(*ADMINS)
def history(user_id: int):
    viewer = current_user._get_current_object()
    person = db.session.get(User, user_id)
    if person is None or not audit_query.may_see_person(viewer, person):
        abort(404)
    flt = audit_query.AuditFilter(subject_ids=(person.id,))
    statement = audit_query.scoped(viewer, flt)
    if viewer.has_role(Role.site_admin):  # also what the person did to others
        statement = audit_query.person_history(person.id)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page_number(), pages)
    rows = db.session.execute(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "records/history.html",
        person=person,
        rows=_rows(rows),
        page=page,
        pages=pages,
        total=total,
        query={},
    )
