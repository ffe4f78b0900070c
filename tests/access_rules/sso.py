"""Single sign-on: the provider round trips are public (the provider's answer and the
session decide), a person's own identities need a login, the policy and links site admins."""

from lms.models import Role

from . import ANY, PUBLIC

RULES = {
    "sso.login": PUBLIC,
    "sso.oidc_callback": PUBLIC,
    "sso.saml_acs": PUBLIC,
    "sso.saml_complete": PUBLIC,
    "sso.saml_metadata": PUBLIC,
    "sso.saml_sls": PUBLIC,
    "sso.logged_out": PUBLIC,
    "sso.leaving": PUBLIC,
    "sso.link": PUBLIC,
    "sso.identities": ANY,
    "sso.admin": frozenset({Role.site_admin}),
    "sso.set_centre_policy": frozenset({Role.site_admin}),
    "sso.remove_identity": frozenset({Role.site_admin}),
}

SAMPLE_ARGS = {"slug": "region-test", "centre_id": 1, "identity_id": 1}
