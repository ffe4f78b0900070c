"""Certificates: public verification, the PDF for its owner and their admins, revocation,
and the public Open Badges documents (credential, status list, DID document)."""

from lms.models import Role
from tests.access_rules import ANY, PUBLIC

RULES = {
    "certificates.verify": PUBLIC,
    "certificates.public_key": PUBLIC,
    "certificates.pdf": ANY,
    "certificates.revoke": frozenset({Role.site_admin}),
    "certificates.credential": PUBLIC,
    "certificates.status_list": PUBLIC,
    "certificates.did_document": PUBLIC,
}

SAMPLE_ARGS = {"code": "0000-0000-0000-0000-0000-0000-0000", "number": 1}
