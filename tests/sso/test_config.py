"""Provider configuration: read from the environment or a file, mistakes stop the start-up,
`check-deploy` flags what is unsafe, and without providers the plugin stays out of the way."""

from __future__ import annotations

import json

import pytest

from lms import create_app
from lms.deploy import deploy_problems
from lms.plugins.sso.providers import ProviderConfigError, load_providers, parse_provider
from lms.plugins.sso.providers import deploy_problems as sso_problems

OIDC = {"kind": "oidc", "slug": "region-x", "label": "Region X",
        "issuer": "https://idp.region-x.example/", "client_id": "lms"}  # fmt: skip
SAML = {"kind": "saml", "slug": "sambi", "label": {"sv": "Sambi", "en": "Sambi"},
        "idp_metadata_url": "https://md.sambi.example/idp.xml"}  # fmt: skip


@pytest.fixture
def config_overrides() -> dict:
    return {}  # no provider: the plugin is off


def test_without_providers_nothing_changes(client, auth, make_user):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "/sso/" not in page
    assert client.get("/sso/region-test/login").status_code == 404
    assert auth.login(make_user()).status_code == 302


def test_providers_from_a_toml_file_with_the_secret_in_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "sso.toml"
    path.write_text(
        '[[providers]]\nkind = "oidc"\nslug = "region-x"\nlabel = "Region X"\n'
        'issuer = "https://idp.region-x.example"\nclient_id = "lms"\n'
        'client_secret_env = "REGION_X_SECRET"\n'
        '[providers.centres]\n"Karolinska Universitetssjukhuset" = "karolinska"\n'
        '[providers.professions]\n"Sjuksköterska" = "nurse"\n'
    )
    monkeypatch.setenv("REGION_X_SECRET", "s3cret")
    providers = load_providers({"LMS_SSO_CONFIG_FILE": str(path)})
    provider = providers["region-x"]
    assert provider.client_secret == "s3cret"
    assert provider.attributes.centres == {"Karolinska Universitetssjukhuset": "karolinska"}
    assert provider.attributes.subject == "sub"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**OIDC, "kind": "ldap"}, "`kind` must be oidc or saml"),
        ({**OIDC, "slug": "Region X"}, "`slug` must be lower-case"),
        ({**OIDC, "slug": "admin"}, "`slug` must be lower-case"),
        ({**OIDC, "issuer": ""}, "`issuer` is required"),
        ({**OIDC, "client_secret_env": "NOT_SET_ANYWHERE"}, "NOT_SET_ANYWHERE is not set"),
        ({**OIDC, "professions": {"Kurator": "counsellor"}}, "is none of"),
        ({**OIDC, "attributes": {"mail": "email"}}, "unknown attribute keys"),
        ({**SAML, "idp_metadata_url": None}, "`idp_metadata_url` or `idp_metadata_file`"),
        ({**SAML, "sp_key_file": "/k.pem"}, "give both"),
    ],
)
def test_configuration_mistakes_are_named(entry, message):
    with pytest.raises(ProviderConfigError, match=message):
        parse_provider(entry, secrets={})


def test_a_bad_configuration_stops_the_app():
    with pytest.raises(ProviderConfigError, match="two SSO providers"):
        create_app({"LMS_SSO_PROVIDERS": json.dumps([OIDC, OIDC])})


def test_check_deploy_flags_http_and_unchecked_signatures():
    providers = load_providers({"LMS_SSO_PROVIDERS": json.dumps([
        {**OIDC, "issuer": "http://idp.region-x.example", "id_token_algs": ["HS256"]},
        {**SAML, "idp_metadata_url": "http://md.sambi.example/idp.xml",
         "want_assertions_signed": False},
    ])})  # fmt: skip
    problems = sso_problems(providers, "https://learn.atmp.example")
    assert problems == [
        "SSO provider 'region-x': the issuer http://idp.region-x.example is not https://",
        "SSO provider 'region-x': ID tokens accepted with ['HS256']: no signature check "
        "against the provider's keys",
        "SSO provider 'sambi': the IdP metadata URL http://md.sambi.example/idp.xml is not "
        "https://",
        "SSO provider 'sambi': want_assertions_signed is off: signatures unchecked",
    ]
    safe = load_providers({"LMS_SSO_PROVIDERS": json.dumps([OIDC, SAML])})
    assert sso_problems(safe, "https://learn.atmp.example") == []
    assert sso_problems(safe, "http://learn.atmp.example")[0].startswith("SSO: LMS_BASE_URL")


def test_core_deploy_check_knows_nothing_of_sso():
    assert not any("SSO" in p for p in deploy_problems({"LMS_SSO_PROVIDERS": "[]"}))
