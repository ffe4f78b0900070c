"""The training matrix page of a centre and its CSV and XLSX exports (same filters)."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from lms.access import roles_required
from lms.forms import Form
from lms.labels import PROFESSION_LABELS
from lms.models import Role
from lms.params import page_number
from lms.plugins.compliance import exports, matrix
from lms.plugins.compliance.blueprint import bp
from lms.plugins.compliance.forms import profession_choices
from lms.plugins.compliance.views import ADMINS, all_centres, centre_in_view


class MatrixFilterForm(Form):
    """Sent with GET (bookmarkable, no CSRF token, stores nothing)."""

    class Meta:
        csrf = False

    unit = StringField(_l("Unit or ward"), validators=[Optional(), Length(max=120)])
    profession = SelectField(_l("Profession"), validators=[Optional()])
    requirement = SelectField(_l("Requirement"), validators=[Optional()])


def _filtered(page: int | None = None):
    """The centre, the filter form and the matrix: the people of ``page`` (100 a page),
    or the first :data:`matrix.PEOPLE_LIMIT` for the exports (``page`` None)."""
    centre = centre_in_view()
    form = MatrixFilterForm(request.args)
    form.profession.choices = profession_choices(_l("Any profession"))
    in_force = matrix.requirements_at(centre.id)
    form.requirement.choices = [SelectChoice("", _l("Every requirement"))] + [
        SelectChoice(str(r.id), r.name) for r in in_force
    ]
    form.validate()
    chosen = {
        name: (None if form[name].errors else form[name].data or None) for name in form._fields
    }
    filters = matrix.Filters(
        unit=chosen.get("unit"),
        profession=chosen.get("profession"),
        requirement_id=int(chosen["requirement"]) if chosen.get("requirement") else None,
    )
    if page is None:
        return centre, form, matrix.build(centre, filters)
    return centre, form, matrix.build(centre, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)


def _export_url(endpoint: str, centre) -> str:
    args = {k: v for k, v in request.args.items() if k in ("unit", "profession", "requirement")}
    if current_user.has_role(Role.site_admin):
        args["centre"] = centre.slug
    return url_for(endpoint, **args)


PAGE_SIZE = 100  # people per page of the matrix (the exports hold everyone)


def _rows(m: matrix.Matrix, start: int = 0, stop: int | None = None) -> list[tuple]:
    """(person, the row's cells as HTML) of the people ``start:stop``: each distinct
    (status, date) cell is built once, and only the page's rows become HTML."""
    shown, dates, built = exports.shown_labels(), m.dates(format_date), {}
    outside = Markup("<br>{}").format(_("External"))

    def html(cell: matrix.Cell) -> Markup:
        key = (cell.status, cell.on, cell.external)
        if key not in built:
            on = Markup("<br>{}").format(dates[cell.on]) if cell.on else ""
            built[key] = Markup('<td class="cell-{}">{}{}{}</td>').format(
                cell.status, shown[cell.status], on, outside if cell.external else ""
            )
        return built[key]

    return [(p, Markup("").join(html(c) for c in cells)) for p, cells in m.rows(start, stop)]


@bp.route("/centre/matrix", endpoint="matrix")
@roles_required(*ADMINS)
def matrix_page():
    centre, form, built = _filtered(page_number())
    pages = max(1, -(-built.total // PAGE_SIZE))
    page = min(page_number(), pages)
    if page < page_number():  # past the end: the last page
        centre, form, built = _filtered(page)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "compliance/matrix.html",
        page=page,
        pages=pages,
        args=args,
        form=form,
        centre=centre,
        centres=all_centres(),
        m=built,
        rows=_rows(built),
        professions={p: str(label) for p, label in PROFESSION_LABELS.items()},
        csv_url=_export_url("compliance.matrix_csv", centre),
        xlsx_url=_export_url("compliance.matrix_xlsx", centre),
    )


def _download(body: bytes, mimetype: str, centre, ext: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"training-matrix-{centre.slug}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/centre/matrix.csv", endpoint="matrix_csv")
@roles_required(*ADMINS)
def matrix_csv():
    centre, _form, built = _filtered()
    return _download(exports.to_csv(built), "text/csv", centre, "csv")


@bp.route("/centre/matrix.xlsx", endpoint="matrix_xlsx")
@roles_required(*ADMINS)
def matrix_xlsx():
    centre, _form, built = _filtered()
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(exports.to_xlsx(built), mimetype, centre, "xlsx")
