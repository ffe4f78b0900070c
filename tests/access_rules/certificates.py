"""Certificates: public verification, the PDF for its owner and their admins, revocation."""

from lms.models import Role
from tests.access_rules import ANY, PUBLIC

RULES = {
    "certificates.verify": PUBLIC,
    "certificates.public_key": PUBLIC,
    "certificates.pdf": ANY,
    "certificates.revoke": frozenset({Role.site_admin}),
}

SAMPLE_ARGS = {"code": "0000-0000-0000-0000-0000-0000-0000"}
