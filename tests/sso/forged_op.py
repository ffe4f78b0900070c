"""A tiny OpenID provider whose ID tokens the test shapes: for the token-level checks
(another audience, a tampered signature, an expired token, another issuer, an unknown key).

Real HTTP on 127.0.0.1 and real signatures (joserfc, RS256): only the *content* of each
token is chosen by the test, the way a broken or hostile provider would choose it.
"""

from __future__ import annotations

import base64
import json
import threading
import time

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class ForgedOP:
    def __init__(self, port: int, client_id: str):
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.client_id = client_id
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.mode = "good"
        self.nonce = ""
        self.subject = "forged-subject-1"

    def claims(self) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
            "email": "forged.person@region.example",
            "name": "Forged Person",
        }
        if self.mode == "other-audience":
            claims["aud"] = "some-other-client"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 1200, now - 600
        elif self.mode == "skewed":  # 30 s past expiry: inside the allowed clock skew
            claims["iat"], claims["exp"] = now - 330, now - 30
        elif self.mode == "other-issuer":
            claims["iss"] = "https://unknown-issuer.example"
        return claims

    def id_token(self) -> str:
        key = self.stranger if self.mode == "other-key" else self.key
        token = jwt.encode({"alg": "RS256", "kid": "test-key"}, self.claims(), key)
        if self.mode == "tampered":  # the payload changed after signing
            header, payload, signature = token.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["email"] = "someone.else@region.example"
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            token = f"{header}.{payload}.{signature}"
        if self.mode == "alg-none":
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            payload = base64.urlsafe_b64encode(json.dumps(self.claims()).encode())
            token = f"{header}.{payload.rstrip(b'=').decode()}."
        return token

    def __call__(self, environ, start_response):
        request = Request(environ)
        # Any path's discovery document names this issuer: an "issuer" configured with
        # another path is an impostor the relying party must notice.
        if request.path.endswith("/.well-known/openid-configuration"):
            body = {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/auth",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "none"],
            }
        elif request.path == "/jwks":
            body = {"keys": [self.key.as_dict(private=False)]}
        elif request.path == "/token" and request.method == "POST":
            body = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 300,
                    "id_token": self.id_token()}  # fmt: skip
        else:
            return Response("not found", status=404)(environ, start_response)
        return Response(json.dumps(body), mimetype="application/json")(environ, start_response)

    def start(self) -> None:
        self.http = make_server("127.0.0.1", self.port, self, threaded=True)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.http.shutdown()
