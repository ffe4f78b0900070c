"""Catalogue: the course list and the course and module pages.

Other plugins add their parts to these pages (the enrol button, progress, the quiz link)
through the ``course_page_panels`` and ``module_page_panels`` signals; the catalogue asks
``ensure_enrolment`` before it shows a module of a key or assigned course.
"""

from flask_babel import lazy_gettext as _l

from lms.plugins import NavEntry, Plugin
from lms.plugins.catalog import copies
from lms.plugins.catalog.views import bp


def nav(user):
    return [NavEntry(_l("Courses"), "catalog.index", order=10)]


plugin = Plugin(
    name="catalog",
    blueprint=bp,
    url_prefix="/courses",
    nav=nav,
    init_app=copies.init_app,
    description="Course list, course pages and module pages.",
)
