"""The identity providers a site trusts, read from configuration.

Providers come from ``LMS_SSO_PROVIDERS`` (a JSON list) and/or ``LMS_SSO_CONFIG_FILE`` (a
JSON or TOML file whose ``providers`` key holds the same list). Each entry names a ``kind``
(``oidc`` or ``saml``), a ``slug`` (used in the URLs), a ``label`` shown on the login button
(a string, or ``{"sv": ..., "en": ...}``) and an attribute mapping; see README, "Single
sign-on for a region's IT". A mistake in the configuration stops the app at start-up with a
message naming the provider and the key: a half-configured identity provider is worse than
none.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.models import Profession

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")
# Asymmetric signatures only: "none" and the HMAC family (keyed with the client secret,
# which the whole tenant may know) are never accepted for ID tokens.
SAFE_ID_TOKEN_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")  # fmt: skip


class ProviderConfigError(ValueError):
    """A provider's configuration is unusable; the message names the provider and key."""


@dataclass(frozen=True)
class AttributeMap:
    """Which claim (OIDC) or attribute (SAML) carries each fact about the person.

    ``subject`` is the stable identifier: ``sub`` for OIDC, ``nameid`` (the SAML NameID) or an
    attribute such as the HSA-id. ``centres`` and ``professions`` map asserted values (e.g.
    an organisation name or a title) to a centre slug and a profession.
    """

    subject: str
    email: str
    name: str
    given_name: str | None = None
    family_name: str | None = None
    centre: str | None = None
    profession: str | None = None
    centres: dict[str, str] = field(default_factory=dict)
    professions: dict[str, Profession] = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    kind: str
    slug: str
    labels: dict[str, str]
    attributes: AttributeMap
    trust_centre: bool = True
    clock_skew_seconds: int = 60
    # OIDC
    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    id_token_algs: tuple[str, ...] = SAFE_ID_TOKEN_ALGS
    # SAML
    idp_metadata_url: str | None = None
    idp_metadata_file: str | None = None
    sp_key_file: str | None = None
    sp_cert_file: str | None = None
    want_assertions_signed: bool = True
    single_logout: bool = True

    def label(self, locale: str | None) -> str:
        return self.labels.get(locale or "", None) or next(iter(self.labels.values()))


def _require(entry: dict, key: str, where: str) -> Any:
    value = entry.get(key)
    if value in (None, ""):
        raise ProviderConfigError(f"{where}: `{key}` is required")
    return value


def _attributes(entry: dict, kind: str, where: str) -> AttributeMap:
    raw = dict(entry.get("attributes") or {})
    defaults = (
        {"subject": "sub", "email": "email", "name": "name"}
        if kind == "oidc"
        else {"subject": "nameid", "email": "mail", "name": "displayName"}
    )
    for key, value in defaults.items():
        raw.setdefault(key, value)
    known = set(AttributeMap.__dataclass_fields__) - {"centres", "professions"}
    unknown = set(raw) - known
    if unknown:
        raise ProviderConfigError(f"{where}: unknown attribute keys {sorted(unknown)}")
    professions = {}
    for value, name in (entry.get("professions") or {}).items():
        try:
            professions[str(value)] = Profession(name)
        except ValueError:
            raise ProviderConfigError(
                f"{where}: professions[{value!r}] = {name!r} is none of "
                f"{[p.value for p in Profession]}"
            ) from None
    centres = {str(k): str(v) for k, v in (entry.get("centres") or {}).items()}
    return AttributeMap(**raw, centres=centres, professions=professions)


def parse_provider(entry: dict, secrets: dict[str, str] | None = None) -> Provider:
    """One provider from its configuration mapping.

    ``client_secret`` may be given directly or, better, as ``client_secret_env`` naming an
    environment variable (looked up in ``secrets``, default ``os.environ``).
    Raises :class:`ProviderConfigError` on a missing or unknown key.
    """
    secrets = os.environ if secrets is None else secrets
    slug = str(entry.get("slug", ""))
    if not SLUG_RE.match(slug) or slug == "admin":
        raise ProviderConfigError(
            f"provider {slug!r}: `slug` must be lower-case a-z, 0-9, - (and not admin)"
        )
    where = f"SSO provider {slug!r}"
    kind = entry.get("kind")
    if kind not in ("oidc", "saml"):
        raise ProviderConfigError(f"{where}: `kind` must be oidc or saml")
    label = _require(entry, "label", where)
    labels = dict(label) if isinstance(label, dict) else {"": str(label)}
    common: dict[str, Any] = {
        "kind": kind,
        "slug": slug,
        "labels": labels,
        "attributes": _attributes(entry, kind, where),
        "trust_centre": bool(entry.get("trust_centre", True)),
        "clock_skew_seconds": int(entry.get("clock_skew_seconds", 60)),
    }
    if kind == "oidc":
        secret = entry.get("client_secret")
        if entry.get("client_secret_env"):
            secret = secrets.get(entry["client_secret_env"])
            if not secret:
                raise ProviderConfigError(
                    f"{where}: environment variable {entry['client_secret_env']} is not set"
                )
        algs = tuple(entry.get("id_token_algs") or SAFE_ID_TOKEN_ALGS)
        return Provider(
            **common,
            issuer=str(_require(entry, "issuer", where)).rstrip("/"),
            client_id=str(_require(entry, "client_id", where)),
            client_secret=secret,
            scopes=tuple(entry.get("scopes") or ("openid", "email", "profile")),
            id_token_algs=algs,
        )
    if not (entry.get("idp_metadata_url") or entry.get("idp_metadata_file")):
        raise ProviderConfigError(f"{where}: `idp_metadata_url` or `idp_metadata_file` is needed")
    if bool(entry.get("sp_key_file")) != bool(entry.get("sp_cert_file")):
        raise ProviderConfigError(f"{where}: give both `sp_key_file` and `sp_cert_file`")
    return Provider(
        **common,
        idp_metadata_url=entry.get("idp_metadata_url"),
        idp_metadata_file=entry.get("idp_metadata_file"),
        sp_key_file=entry.get("sp_key_file"),
        sp_cert_file=entry.get("sp_cert_file"),
        want_assertions_signed=bool(entry.get("want_assertions_signed", True)),
        single_logout=bool(entry.get("single_logout", True)),
    )


def _entries(config) -> list[dict]:
    entries: list[dict] = []
    raw = config.get("LMS_SSO_PROVIDERS")
    if isinstance(raw, str) and raw.strip():
        raw = json.loads(raw)
    entries += list(raw or [])
    path = config.get("LMS_SSO_CONFIG_FILE")
    if path:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
        entries += list(data.get("providers", []))
    return entries


def load_providers(config) -> dict[str, Provider]:
    """Every configured provider by slug (empty: single sign-on is off).

    Raises :class:`ProviderConfigError` on a bad entry or a slug used twice.
    """
    providers: dict[str, Provider] = {}
    for entry in _entries(config):
        provider = parse_provider(entry)
        if provider.slug in providers:
            raise ProviderConfigError(f"two SSO providers are named {provider.slug!r}")
        providers[provider.slug] = provider
    return providers


def deploy_problems(providers: dict[str, Provider], base_url: str) -> list[str]:
    """What a production deployment gets wrong about single sign-on: plain HTTP anywhere in
    the chain (the redirect carries the code or assertion), or signatures not checked."""
    problems = []
    if providers and not base_url.startswith("https://"):
        problems.append(
            "SSO: LMS_BASE_URL is not https://, so redirect URIs and the SAML ACS are plain HTTP"
        )
    for provider in providers.values():
        where = f"SSO provider {provider.slug!r}"
        if provider.kind == "oidc":
            if not (provider.issuer or "").startswith("https://"):
                problems.append(f"{where}: the issuer {provider.issuer} is not https://")
            unsafe = set(provider.id_token_algs) - set(SAFE_ID_TOKEN_ALGS)
            if unsafe:
                problems.append(
                    f"{where}: ID tokens accepted with {sorted(unsafe)}: no signature check "
                    "against the provider's keys"
                )
        else:
            url = provider.idp_metadata_url
            if url and not url.startswith("https://"):
                problems.append(f"{where}: the IdP metadata URL {url} is not https://")
            if not provider.want_assertions_signed:
                problems.append(f"{where}: want_assertions_signed is off: signatures unchecked")
    return problems
