"""Catalogue pages. Thin: services pick what a person may see, templates show it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict

from lms import events
from lms.access import login_required, public
from lms.labels import profession_label
from lms.plugins.catalog import services
from lms.plugins.catalog.forms import ALL, CatalogueFilterForm, language_label

bp = Blueprint("catalog", __name__, template_folder="templates")

ASSET_MAX_AGE = 3600
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _user():
    return current_user if current_user.is_authenticated else None


def _locale() -> str:
    return get_locale().language  # type: ignore[union-attr]


def _preview_asked() -> bool:
    return request.args.get("preview") == "draft"


def _render(template: str, **context) -> str:
    # Helpers passed here, not by a blueprint context processor: the home page renders the
    # catalogue from the core's endpoint, where blueprint processors do not run.
    locale = _locale()

    def lang_attr(language: str) -> Markup:
        """` lang="en"` when the content is not in the UI language, for screen readers."""
        return Markup(' lang="%s"') % language if language != locale else Markup("")

    def listed(values, label) -> str:
        return ", ".join(label(value) for value in values)

    return render_template(
        template,
        lang_attr=lang_attr,
        audiences=lambda values: listed(values, profession_label),
        languages=lambda values: listed(values, language_label),
        locale=locale,
        **context,
    )


@bp.route("/")
@public
def index():
    user = _user()
    args = request.args
    defaulted = user is not None and "audience" not in args
    if defaulted:
        # A logged-in person browses the courses for their own profession first.
        args = ImmutableMultiDict([*args.items(multi=True), ("audience", user.profession.value)])
    form = CatalogueFilterForm(formdata=args)
    form.validate()
    filters = services.Filters(
        audience=form.chosen(form.audience),
        language=form.chosen(form.language),
        q=(form.q.data or "").strip() if not form.q.errors else "",
    )
    locale = _locale()
    entries = services.catalogue(filters, drafts=services.sees_drafts(user), locale=locale)
    return _render(
        "catalog/index.html",
        states=services.card_states(user, entries),
        form=form,
        entries=entries,
        filters=filters,
        defaulted=defaulted,
        all_value=ALL,
    )


@bp.route("/<course>/")
@public
def course(course: str):
    user = _user()
    shown = services.shown_version(course, user, preview=_preview_asked())
    if shown is None:
        abort(404)
    version = shown.version
    panels = events.panels(
        events.course_page_panels,
        events.CoursePage(
            user_id=user.id if user else None,
            course_id=shown.course.id,
            version_id=version.id,
            course_slug=shown.course.slug,
        ),
    )
    quizzed = {quiz.module_id for quiz in version.quizzes if quiz.module_id is not None}
    return _render(
        "catalog/course.html",
        shown=shown,
        version=version,
        quizzed=quizzed,
        course_quizzes=[quiz for quiz in version.quizzes if quiz.module_id is None],
        panels=panels,
        preview_args={"preview": "draft"} if shown.previewing else {},
    )


@bp.route("/<course>/<module>/")
@login_required
def module(course: str, module: str):
    user = current_user._get_current_object()
    shown = services.shown_version(course, user, preview=_preview_asked())
    if shown is None:
        abort(404)
    try:
        before, current, after = services.neighbours(shown.version.modules, module)
    except KeyError:
        abort(404)
    if services.needs_enrolment(user, shown):
        return _render("catalog/needs_enrolment.html", shown=shown), 403
    locale = _locale()
    text = current.text(locale)
    html = services.preview_assets(text["html"]) if shown.previewing else text["html"]
    page = events.ModulePage(
        user_id=user.id,
        course_id=shown.course.id,
        version_id=shown.version.id,
        module_id=current.id,
        course_slug=shown.course.slug,
        module_slug=current.slug,
        previewing=shown.previewing or shown.version.is_draft,
    )
    facts = services.page_facts(events.module_page_query, page)
    panels = events.panels(events.module_page_panels, events.with_facts(page, facts))
    return _render(
        "catalog/module.html",
        shown=shown,
        version=shown.version,
        module=current,
        text=text,
        html=html,
        before=before,
        after=after,
        panels=panels,
        preview_args={"preview": "draft"} if shown.previewing else {},
    )


@bp.route("/<course>/assets/<path:path>")
@public
def asset(course: str, path: str):
    found = services.find_asset(course, path, _user(), preview=_preview_asked())
    if found is None:
        abort(404)
    stored, draft = found
    response = current_app.response_class(stored.data, mimetype=stored.media_type)
    response.set_etag(stored.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if stored.media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_CSP
    if draft:
        response.cache_control.private = True
        response.cache_control.no_store = True
    else:
        # The same bytes for everyone, named by their hash: browsers and proxies may keep them.
        response.cache_control.public = True
        response.cache_control.max_age = ASSET_MAX_AGE
    return response.make_conditional(request)
