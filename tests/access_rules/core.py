"""Core and accounts."""

from tests.access_rules import ANY, PUBLIC

RULES = {
    "static": PUBLIC,
    "core.home": PUBLIC,
    "core.set_language": PUBLIC,
    "core.accessibility": PUBLIC,
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.logout": ANY,
    "auth.profile": ANY,
    "auth.change_password": ANY,
}

SAMPLE_ARGS = {"filename": "css/app.css", "token": "not-a-token"}

from lms.models import Role  # noqa: E402

RULES.update(
    {
        "auth.my_data": ANY,
        "admin.users": {Role.site_admin},
        "admin.user": {Role.site_admin},
        "admin.set_active": {Role.site_admin},
        "admin.anonymise": {Role.site_admin},
    }
)
SAMPLE_ARGS["user_id"] = 1
