"""Centre membership: the members page for admins, the person's requests, proving an address."""

from lms.models import Role
from tests.access_rules import ANY, PUBLIC

ADMINS = frozenset({Role.centre_admin, Role.site_admin})

RULES = {
    "membership.members": ADMINS,
    "membership.decide": ADMINS,
    "membership.remove": ADMINS,
    "membership.details": ADMINS,
    "membership.add_domain": frozenset({Role.site_admin}),
    "membership.delete_domain": frozenset({Role.site_admin}),
    "membership.ask": ANY,
    "membership.cancel": ANY,
    "membership.resend_verification": ANY,
    "membership.verify_email": PUBLIC,
}

SAMPLE_ARGS = {"request_id": 1, "domain_id": 1}
