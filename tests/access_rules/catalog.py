"""Catalogue: the list, course pages and pictures are public; modules need a login."""

from tests.access_rules import ANY, PUBLIC

RULES = {
    "catalog.index": PUBLIC,
    "catalog.course": PUBLIC,
    "catalog.module": ANY,
    "catalog.asset": PUBLIC,
}

# No such course: the matrix only checks refusals, and a 404 is not one.
SAMPLE_ARGS = {"course": "test-course", "module": "module-1", "path": "images/none.png"}
