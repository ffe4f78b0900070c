"""Constants and small functions the catalogue tests share."""

from __future__ import annotations

from lms.models import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10" fill="#0b5c6b"/></svg>'
)
STAFF = (Role.educator, Role.centre_admin, Role.site_admin)
EVERYONE = (None, Role.learner, *STAFF)


def text(response) -> str:
    return response.get_data(as_text=True)


def role_id(role) -> str:
    return getattr(role, "value", "visitor")
