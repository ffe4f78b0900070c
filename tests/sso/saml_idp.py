"""A real SAML 2.0 identity provider for the tests: pysaml2's IdP (``saml2.server.Server``)
behind a small WSGI app on 127.0.0.1, with a login page a test or a browser fills in.

It signs assertions with its own key (xmlsec1 does the XML signatures, as at a real IdP).
``mode`` lets a test make it misbehave the way an attacker or a broken IdP would:
``unsigned`` (no signature), ``altered`` (signed, then an attribute changed),
``other-audience`` (signed, for another service provider).
"""

from __future__ import annotations

import base64
import html
import secrets
import threading
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

with warnings.catch_warnings():  # pysaml2's IdP module touches a deprecated cipher mode
    warnings.simplefilter("ignore")
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig
    from saml2.metadata import entity_descriptor
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
    from saml2.server import Server

HSA_ID = "urn:oid:1.2.752.29.6.2.1"  # employeeHsaId, as Sambi and Inera assert it


def make_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A 2048-bit RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class TestIdP:
    """``start()`` then hand ``metadata_file`` to the SP; ``add_sp(metadata_xml)`` for each
    service provider that may sign in here (its metadata: ACS, SLO, certificate)."""

    def __init__(self, folder: Path, port: int, accounts: dict[str, dict]):
        self.folder = folder
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.accounts = accounts
        self.key, self.cert = make_key_pair(folder, "idp")
        self.sp_metadata: list[Path] = []
        self.pending: dict[str, dict] = {}
        self.mode = "normal"
        self.responses: list[str] = []  # every SAMLResponse it posted (base64)
        self.logouts: list[str] = []  # NameIDs logged out through SLO
        self.server = self._server()
        self.metadata_file = folder / "idp-metadata.xml"
        self.metadata_file.write_text(str(entity_descriptor(self.server.config)))

    def _config(self) -> dict:
        return {
            "entityid": f"{self.base}/idp",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{self.base}/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": None}},
                    "sign_assertion": True,
                    "sign_response": False,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
            "metadata": {"local": [str(p) for p in self.sp_metadata]},
            "key_file": str(self.key),
            "cert_file": str(self.cert),
            "xmlsec_binary": "/usr/bin/xmlsec1",
        }

    def _server(self) -> Server:
        config = IdPConfig()
        config.load(self._config())
        return Server(config=config)

    def add_sp(self, metadata_xml: str) -> None:
        path = self.folder / f"sp-{len(self.sp_metadata)}.xml"
        path.write_text(metadata_xml)
        self.sp_metadata.append(path)
        self.server = self._server()

    # The web pages -------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        routes = {"/sso": self.sso, "/login": self.login, "/slo": self.slo}
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def sso(self, request: Request) -> Response:
        parsed = self.server.parse_authn_request(request.args["SAMLRequest"], BINDING_HTTP_REDIRECT)
        key = secrets.token_urlsafe(8)
        self.pending[key] = {
            "id": parsed.message.id,
            "sp": parsed.message.issuer.text,
            "relay_state": request.args.get("RelayState", ""),
        }
        page = (
            "<!doctype html><title>Test IdP</title><h1>Region test IdP</h1>"
            f'<form method="post" action="/login"><input type="hidden" name="key" value="{key}">'
            '<label for="username">Username</label><input id="username" name="username">'
            '<button type="submit">Sign in</button></form>'
        )
        return Response(page, mimetype="text/html")

    def assertion_for(self, username: str, in_response_to: str, sp_entity_id: str) -> str:
        """A base64 SAMLResponse for the account, shaped by ``mode``."""
        account = self.accounts[username]
        sp = self.server.metadata.assertion_consumer_service(sp_entity_id, BINDING_HTTP_POST)
        destination = sp[0]["location"]
        audience = "https://other-service.example/sp" if self.mode == "other-audience" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            response = self.server.create_authn_response(
                identity={k: [v] for k, v in account["attributes"].items()},
                in_response_to=in_response_to,
                destination=destination,
                sp_entity_id=audience or sp_entity_id,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=account["name_id"]),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_assertion=self.mode != "unsigned",
                sign_response=False,
            )
        xml = str(response)
        if self.mode == "altered":
            mail = account["attributes"]["mail"]
            assert mail in xml
            xml = xml.replace(mail, "intruder@evil.example")
        return base64.b64encode(xml.encode()).decode()

    def login(self, request: Request) -> Response:
        pending = self.pending.pop(request.form.get("key", ""), None)
        username = request.form.get("username", "")
        if pending is None or username not in self.accounts:
            return Response("unknown user or request", status=400)
        saml_response = self.assertion_for(username, pending["id"], pending["sp"])
        self.responses.append(saml_response)
        sp = self.server.metadata.assertion_consumer_service(pending["sp"], BINDING_HTTP_POST)
        action = html.escape(sp[0]["location"])
        page = (
            "<!doctype html><title>Test IdP</title>"
            f'<form method="post" action="{action}">'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(pending["relay_state"])}">'
            '<button type="submit">Continue</button></form>'
        )
        return Response(page, mimetype="text/html")

    def slo(self, request: Request) -> Response:
        """SP-initiated single logout: check the signed LogoutRequest, answer success."""
        parsed = self.server.parse_logout_request(
            request.args["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=request.args.get(
                "RelayState"), sigalg=request.args.get("SigAlg"),
            signature=request.args.get("Signature"),
        )  # fmt: skip
        self.logouts.append(parsed.message.name_id.text)
        sp_entity = parsed.message.issuer.text
        destination = self.server.metadata.single_logout_service(
            sp_entity, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        response = self.server.create_logout_response(
            parsed.message, [BINDING_HTTP_REDIRECT], sign=False
        )
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(response), destination, response=True, sign=True,
            sigalg=self.server.signing_algorithm,
        )  # fmt: skip
        return Response(status=303, headers={"Location": dict(info["headers"])["Location"]})

    # Running -------------------------------------------------------------------------

    def start(self) -> None:
        self.http = make_server("127.0.0.1", self.port, self, threaded=True)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.http.shutdown()
