"""Centre reports. Thin: services decide the scope and count, templates and exports show.

The scope comes from the person, never from the URL alone: a centre admin's ``?centre=``
is ignored (they always get their own centre), in the pages and in the exports alike.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms import events
from lms.access import roles_required
from lms.labels import profession_label
from lms.models import Profession, Role
from lms.params import page_number, search_term
from lms.plugins import enabled_plugins
from lms.plugins.reports import charts, exports, people_list, services
from lms.plugins.reports.forms import ReportFilterForm
from lms.plugins.reports.labels import STATUS_HEADINGS, cert_code, left_label, status_label
from lms.plugins.reports.query import STATUSES

bp = Blueprint("reports", __name__, template_folder="templates")

VIEWERS = (Role.educator, Role.centre_admin, Role.site_admin)
ADMINS = (Role.centre_admin, Role.site_admin)


def _lang() -> str:
    return get_locale().language  # type: ignore[union-attr]


def _filters():
    """The scope, the validated filter form and the narrowed filter for this request."""
    user = current_user._get_current_object()
    form = ReportFilterForm(formdata=request.args)
    # An educator who is also a centre admin chooses: their centre, or their own courses.
    as_educator = services.has_both_views(user) and request.args.get("view") == "courses"
    # Centre names for the tables of site admins and educators (who see every centre).
    centres = services.centres() if services.sees_all_centres(user, as_educator=as_educator) else []
    centre_slug = request.args.get("centre") if user.has_role(Role.site_admin) else None
    if not user.has_role(Role.site_admin):
        # Not a choice for anyone else: whatever ``?centre=`` says is not even read.
        del form.centre
    scope = services.scope_for(user, centre_slug, _lang(), centres, as_educator=as_educator)
    form.set_choices(centres, scope.courses)
    form.validate()
    slug = form.chosen("course")
    course = next((c for c in scope.courses if c.slug == slug), None)
    filt = services.narrowed(
        scope, course_id=course.id if course else None, profession=form.chosen("profession")
    )
    return scope, form, filt, centres


def _names(scope, centres):
    # Every centre's name (a few rows): people who left name the centre they moved to.
    centre_names = {c.id: c.name for c in centres or services.centres()}
    if scope.centre is not None:
        centre_names[scope.centre.id] = scope.centre.name
    course_titles = {c.id: c.title for c in scope.courses}
    return (
        lambda cid: centre_names.get(cid, _("No centre")),
        lambda cid: "—" if cid is None else course_titles.get(cid, str(cid)),
    )


def _tables():
    t = services.tables()
    if t is None:
        abort(404)
    return t


def _percent(tally) -> str:
    return f"{tally.percent_valid} %"


def _chart(chart_id: str, title: str, desc: str, rows) -> tuple:
    """A bar chart of the share holding valid training, and the same numbers as rows."""
    items = [(label, t.percent_valid, f"{_percent(t)} ({t.valid}/{t.total})") for label, t in rows]
    table = [(label, t.valid, t.total, _percent(t)) for label, t in rows]
    return charts.bar_chart(chart_id, title, desc, items, maximum=100), table


@bp.get("/")
@roles_required(*VIEWERS)
def dashboard():
    scope, form, filt, centres = _filters()
    t = services.tables()
    if t is None:
        return render_template("reports/unavailable.html", scope=scope)
    figures = services.figures(t, filt)
    by_month = services.completions_by_month(t, filt)
    months = [(format_date(m, "MMM yyyy"), n) for m, n in by_month]
    centre_slug = scope.centre.slug if scope.centre else None
    course_rows = [
        (c, figures.by_course.get(c.id, services.Tally()))
        for c in scope.courses
        if c.id in figures.by_course or c.status == "published"
    ]
    profession_rows = [
        (profession_label(p), figures.by_profession.get(p.value, services.Tally()))
        for p in Profession
    ]
    course_chart, course_chart_rows = _chart(
        "chart-courses",
        _("Valid training by course"),
        _("Share of the people in each course who hold valid training (completed or expiring)."),
        [(c.title, tally) for c, tally in course_rows],
    )
    profession_chart, profession_chart_rows = _chart(
        "chart-professions",
        _("Valid training by profession"),
        _("Share of the people of each profession who hold valid training."),
        profession_rows,
    )
    month_chart = charts.column_chart(
        "chart-months",
        _("Completions per month"),
        _("Courses completed in each of the last twelve months."),
        [(format_date(m, "MMM yy"), n) for m, n in by_month],  # short: twelve must fit
    )
    course_table = [
        (
            c.title,
            tally,
            url_for("reports.people", centre=centre_slug, course=c.slug)
            if scope.may_see_people
            else None,
        )
        for c, tally in course_rows
    ]
    return render_template(
        "reports/dashboard.html",
        scope=scope,
        form=form,
        centres=centres,
        figures=figures,
        course_table=course_table,
        course_chart=course_chart,
        course_chart_rows=course_chart_rows,
        profession_table=[(label, tally, None) for label, tally in profession_rows],
        profession_chart=profession_chart,
        profession_chart_rows=profession_chart_rows,
        month_chart=month_chart,
        month_items=months,
        network_rows=_network_rows(scope, centres, figures) if scope.kind != "centre" else [],
        statuses=STATUSES,
        headings=STATUS_HEADINGS,
        warning_days=services.warning_days(),
        panels=_centre_panels(scope),
        both_views=services.has_both_views(current_user),
    )


def _centre_panels(scope) -> list:
    """What other plugins show on a centre's dashboard (``centre_dashboard_panels``)."""
    if scope.kind != "centre" or scope.centre is None:
        return []
    payload = events.CentreDashboard(user_id=current_user.id, centre_id=scope.centre.id)
    return events.panels(events.centre_dashboard_panels, payload)


def _network_rows(scope, centres, figures):
    """(centre name, course, tally) for each centre × course with anyone in it."""
    centre_name, _title = _names(scope, centres)
    ids = sorted(
        {cid for cid, _course in figures.by_centre_course},
        key=lambda cid: (cid is None, centre_name(cid)),
    )
    return [
        (centre_name(cid), course, figures.by_centre_course[(cid, course.id)])
        for cid in ids
        for course in scope.courses
        if (cid, course.id) in figures.by_centre_course
    ]


@bp.get("/people")
@roles_required(*ADMINS)
def people():
    scope, form, filt, centres = _filters()
    t = _tables()
    page = people_list.people_page(
        t, filt, form.chosen("status"), page_number(), search_term(), everyone=True
    )
    centre_name, course_title = _names(scope, centres)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "reports/people.html",
        scope=scope,
        form=form,
        page=page,
        args=args,
        centre_name=centre_name,
        course_title=course_title,
        status_label=status_label,
        left_label=left_label,
        cert_code=cert_code,
        has_verify="certificates" in enabled_plugins(current_app),
    )


def _export(kind: str):
    scope, form, filt, centres = _filters()
    t = _tables()
    centre_name, course_title = _names(scope, centres)
    rows = people_list.people_stream(t, filt, form.chosen("status"), search_term(), everyone=True)
    name = scope.centre.slug if scope.centre else "network"
    if kind == "csv":
        body = exports.to_csv(rows, centre_name, course_title)
        mimetype = "text/csv"
    else:
        body = exports.to_xlsx(rows, centre_name, course_title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"training-{name}-{services.today().isoformat()}.{kind}"
    # The rows are read while the body is sent, after the view has returned: the request's
    # context (database session, locale, user) stays with the generator.
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/report.csv")
@roles_required(*ADMINS)
def export_csv():
    return _export("csv")


@bp.get("/report.xlsx")
@roles_required(*ADMINS)
def export_xlsx():
    return _export("xlsx")
