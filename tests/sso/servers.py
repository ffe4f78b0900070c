"""The identity providers the single sign-on tests run against, started once per session
on free loopback ports: npm's oidc-provider (a certified OpenID provider, under node), a
small OpenID provider whose tokens the tests shape (:mod:`.forged_op`), and pysaml2's IdP
(:mod:`.saml_idp`). Imported into ``tests/conftest.py`` so the browser tests share them.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sso.forged_op import ForgedOP
from tests.sso.saml_idp import HSA_ID, TestIdP

ROOT = Path(__file__).resolve().parents[2]
TEST_BASE_URL = "http://lms.test"
CLIENT_ID = "atmp-learn"
CLIENT_SECRET = "test-client-secret-for-loopback-only"

CENTRES = {
    "Karolinska Universitetssjukhuset": "karolinska",
    "Sahlgrenska Universitetssjukhuset": "sahlgrenska",
    "Akademiska sjukhuset": "akademiska",
    "Skånes universitetssjukhus": "skane",
}
PROFESSIONS = {"Sjuksköterska": "nurse", "Apotekare": "pharmacist", "Läkare": "physician"}

OIDC_ACCOUNTS = {
    "nora": {"email": "nora.sjoberg@regionstockholm.example", "name": "Nora Sjöberg",
             "org": "Karolinska Universitetssjukhuset", "title": "Sjuksköterska"},
    "per": {"email": "per.apotekare@vgregion.example", "name": "Per Lind",
            "org": "Sahlgrenska Universitetssjukhuset", "title": "Apotekare"},
    "linda": {"email": "linda.local@example.com", "name": "Linda Lokal",
              "org": "Akademiska sjukhuset", "title": "Läkare"},
    "erik": {"email": "erik.browser@regionuppsala.example", "name": "Erik Webbläsare",
             "org": "Akademiska sjukhuset", "title": "Läkare"},
    "okand": {"email": "okand@region.example", "name": "Okänd Organisation",
              "org": "Ett sjukhus vi inte känner", "title": "Kurator"},
}  # fmt: skip
SAML_ACCOUNTS = {
    "sara": {"name_id": "persistent-sara-7", "attributes": {
        "mail": "sara.saml@skane.example", "displayName": "Sara Samlsson",
        "o": "Skånes universitetssjukhus", "title": "Sjuksköterska",
        HSA_ID: "SE2321000016-SARA"}},
    "sven": {"name_id": "persistent-sven-8", "attributes": {
        "mail": "sven.saml@skane.example", "displayName": "Sven Browser",
        "o": "Skånes universitetssjukhus", "title": "Apotekare",
        HSA_ID: "SE2321000016-SVEN"}},
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SsoServers:
    oidc_issuer: str
    forged: ForgedOP
    idp: TestIdP
    e2e_port: int
    folder: Path
    sp_key: Path
    sp_cert: Path

    def providers(self, base_url: str = TEST_BASE_URL) -> list[dict]:
        """The LMS_SSO_PROVIDERS list an app at ``base_url`` uses."""
        del base_url  # the same providers for every app; the URLs come from LMS_BASE_URL
        mapping = {"centres": CENTRES, "professions": PROFESSIONS}
        return [
            {"kind": "oidc", "slug": "region-test", "label": "Region Test",
             "issuer": self.oidc_issuer, "client_id": CLIENT_ID,
             "client_secret": CLIENT_SECRET, "scopes": ["openid", "email", "profile", "atmp"],
             "attributes": {"centre": "org", "profession": "title"}, **mapping},
            {"kind": "oidc", "slug": "forged", "label": "Forged",
             "issuer": self.forged.issuer, "client_id": CLIENT_ID,
             "client_secret": CLIENT_SECRET},
            {"kind": "oidc", "slug": "impostor", "label": "Impostor",
             "issuer": f"{self.forged.issuer}/tenant-b", "client_id": CLIENT_ID,
             "client_secret": CLIENT_SECRET},
            {"kind": "saml", "slug": "saml-test", "label": {"sv": "Inera (test)",
             "en": "Inera (test)"}, "idp_metadata_file": str(self.idp.metadata_file),
             "sp_key_file": str(self.sp_key), "sp_cert_file": str(self.sp_cert),
             "attributes": {"subject": HSA_ID, "email": "mail", "name": "displayName",
                            "centre": "o", "profession": "title"}, **mapping},
        ]  # fmt: skip


def _start_oidc(port: int, redirect_bases: list[str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(f"{b}/sso/region-test/callback" for b in redirect_bases),
        "OIDC_POST_LOGOUT_URIS": ",".join(
            f"{b}/sso/region-test/logged-out" for b in redirect_bases
        ),
        "OIDC_ACCOUNTS": json.dumps(OIDC_ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", str(ROOT / "tests" / "sso" / "oidc_provider.mjs"), str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("ready"):
        process.kill()
        raise RuntimeError(f"oidc-provider did not start: {line!r}")
    return process


def _sp_metadata(servers: SsoServers, base_url: str) -> str:
    """Our SP metadata as the app serves it, for the IdP to register."""
    from lms import create_app

    app = create_app(
        {"LMS_BASE_URL": base_url, "LMS_SSO_PROVIDERS": json.dumps(servers.providers())}
    )
    response = app.test_client().get("/sso/saml-test/metadata.xml")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture(scope="session")
def sso_servers(tmp_path_factory):
    from tests.sso.saml_idp import make_key_pair

    folder = tmp_path_factory.mktemp("sso")
    e2e_port = free_port()
    oidc_port = free_port()
    oidc = _start_oidc(oidc_port, [TEST_BASE_URL, f"http://127.0.0.1:{e2e_port}"])
    forged = ForgedOP(free_port(), CLIENT_ID)
    forged.start()
    idp = TestIdP(folder, free_port(), SAML_ACCOUNTS)
    sp_key, sp_cert = make_key_pair(folder, "sp")
    servers = SsoServers(
        f"http://127.0.0.1:{oidc_port}", forged, idp, e2e_port, folder, sp_key, sp_cert
    )
    for base in (TEST_BASE_URL, f"http://127.0.0.1:{e2e_port}"):
        idp.add_sp(_sp_metadata(servers, base))
    idp.start()
    yield servers
    idp.stop()
    forged.stop()
    oidc.terminate()
    oidc.wait(timeout=10)
    oidc.stdout.close()
