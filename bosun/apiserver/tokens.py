"""Service account tokens: signed JWTs issued by TokenRequest and accepted as bearer tokens."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from bosun.apiserver.auth import UserInfo
from bosun.apiserver.handlers import json_response
from bosun.apiserver.registry import Registry
from bosun.apiserver.request import RequestInfo, decode_body
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

ISSUER = "https://kubernetes.default.svc.cluster.local"
Obj = dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Signs and verifies ES256 service account tokens with a key kept in the data directory."""

    def __init__(self, key_path: Path) -> None:
        if key_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            key_path.parent.mkdir(parents=True, exist_ok=True)
            key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
            key_path.chmod(0o600)
        self.key = key
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = _b64(hashlib.sha256(der).digest())

    def sign(self, claims: Obj) -> str:
        header = _b64(orjson.dumps({"alg": "ES256", "kid": self.kid}))
        payload = _b64(orjson.dumps(claims))
        signing_input = f"{header}.{payload}".encode()
        r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return f"{header}.{payload}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def verify(self, token: str) -> Obj | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            header = orjson.loads(_unb64(parts[0]))
            if header.get("alg") != "ES256" or header.get("kid") != self.kid:
                return None
            sig = _unb64(parts[2])
            if len(sig) != 64:
                return None
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
            self.key.public_key().verify(der, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
            claims = orjson.loads(_unb64(parts[1]))
        except (ValueError, InvalidSignature, orjson.JSONDecodeError):
            return None
        now = time.time()
        if claims.get("iss") != ISSUER or claims.get("exp", 0) < now or claims.get("nbf", 0) > now + 60:
            return None
        return claims


class ServiceAccountTokens:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.issuer = TokenIssuer(server.config.data_dir / "pki" / "service-account.key")
        server.authenticator.token_authenticators.append(self.authenticate)

    def issue(self, namespace: str, name: str, uid: str, audiences: list[str], seconds: int,
              bound: Obj | None = None) -> tuple[str, int]:
        now = int(time.time())
        exp = now + seconds
        k8s: Obj = {"namespace": namespace, "serviceaccount": {"name": name, "uid": uid}}
        if bound and bound.get("kind") in ("Pod", "Secret", "Node"):
            k8s[bound["kind"].lower()] = {"name": bound.get("name", ""), "uid": bound.get("uid", "")}
        claims = {"aud": audiences, "exp": exp, "iat": now, "nbf": now, "iss": ISSUER, "jti": str(uuid.uuid4()),
                  "kubernetes.io": k8s, "sub": f"system:serviceaccount:{namespace}:{name}"}
        return self.issuer.sign(claims), exp

    def authenticate(self, token: str) -> UserInfo | None:
        claims = self.issuer.verify(token)
        if claims is None:
            return None
        k8s = claims.get("kubernetes.io") or {}
        ns = k8s.get("namespace", "")
        sa = k8s.get("serviceaccount") or {}
        reg = self.server.registry("", "serviceaccounts")
        entry = reg.cache.get(reg.key(ns, sa.get("name", "")))
        if entry is None or (sa.get("uid") and entry.obj["metadata"].get("uid") != sa["uid"]):
            return None
        extra: dict[str, list[str]] = {}
        if "pod" in k8s:
            extra["authentication.kubernetes.io/pod-name"] = [k8s["pod"]["name"]]
            extra["authentication.kubernetes.io/pod-uid"] = [k8s["pod"]["uid"]]
        extra["authentication.kubernetes.io/credential-id"] = [f"JTI={claims.get('jti', '')}"]
        return UserInfo(f"system:serviceaccount:{ns}:{sa.get('name', '')}", entry.obj["metadata"].get("uid", ""),
                        ("system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"), extra)

    async def token_request(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        entry = await reg.get(info.namespace, info.name)
        body = await request.read()
        req = decode_body(request.headers.get("Content-Type"), body, "TokenRequest") if body else {}
        if not isinstance(req, dict):
            raise errors.bad_request("the request body must be a TokenRequest")
        spec = req.get("spec") or {}
        seconds = spec.get("expirationSeconds") or 3600
        if not isinstance(seconds, int) or seconds < 600:
            raise errors.invalid("authentication.k8s.io", "TokenRequest", info.name, [errors.Cause(
                "spec.expirationSeconds", f"Invalid value: {seconds}: may not specify a duration less than 10 "
                "minutes")])
        seconds = min(seconds, 2**32)
        audiences = spec.get("audiences") or [ISSUER]
        bound = spec.get("boundObjectRef")
        token, exp = self.issue(info.namespace, info.name, entry.obj["metadata"].get("uid", ""), audiences,
                                seconds, bound)
        out = {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
               "metadata": {"name": info.name, "namespace": info.namespace,
                            "creationTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
               "spec": {"audiences": audiences, "expirationSeconds": seconds, "boundObjectRef": bound},
               "status": {"token": token,
                          "expirationTimestamp": datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}}
        return json_response(orjson.dumps(out), 201)
