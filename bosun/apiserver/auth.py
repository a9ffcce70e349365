"""Authentication (client certificates, static tokens) and authorization of requests."""

from __future__ import annotations

import csv
import hmac
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bosun.apiserver.request import RequestInfo
from bosun.machinery import errors

log = logging.getLogger("bosun.apiserver.auth")

PUBLIC_PATHS = ("/healthz", "/livez", "/readyz", "/version")


@dataclass(frozen=True)
class UserInfo:
    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict:
        out: dict = {"username": self.name}
        if self.uid:
            out["uid"] = self.uid
        if self.groups:
            out["groups"] = list(self.groups)
        if self.extra:
            out["extra"] = self.extra
        return out


ANONYMOUS = UserInfo("system:anonymous", groups=("system:unauthenticated",))
UNSECURED = UserInfo("system:unsecured", groups=("system:masters", "system:authenticated"))


def _authenticated(name: str, uid: str, groups: list[str]) -> UserInfo:
    gs = [g for g in groups if g]
    if "system:authenticated" not in gs:
        gs.append("system:authenticated")
    return UserInfo(name, uid, tuple(gs))


class TokenFile:
    """Upstream's --token-auth-file: `token,user,uid,"group1,group2"` per line."""

    def __init__(self, path: str | Path) -> None:
        self.tokens: dict[str, UserInfo] = {}
        with open(path, newline="") as f:
            for lineno, row in enumerate(csv.reader(f), 1):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) < 3:
                    raise ValueError(f"token file {path}, line {lineno}: need at least token,user,uid")
                groups = row[3].split(",") if len(row) > 3 else []
                self.tokens[row[0]] = _authenticated(row[1], row[2], groups)

    def lookup(self, token: str) -> UserInfo | None:
        for t, user in self.tokens.items():
            if hmac.compare_digest(t, token):
                return user
        return None


class Authenticator:
    """Turns a request's credentials into a user; unknown credentials are 401."""

    def __init__(self, token_file: TokenFile | None = None) -> None:
        self.token_file = token_file
        self.token_authenticators: list = []  # callables token -> UserInfo | None (service accounts later)

    def authenticate(self, headers: dict | object, peer_identity: tuple[str, list[str]] | None) -> UserInfo:
        auth = headers.get("Authorization") if hasattr(headers, "get") else None  # type: ignore[union-attr]
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                token = token.strip()
                if self.token_file is not None:
                    user = self.token_file.lookup(token)
                    if user is not None:
                        return user
                for fn in self.token_authenticators:
                    user = fn(token)
                    if user is not None:
                        return user
                raise errors.unauthorized()
        if peer_identity is not None:
            name, groups = peer_identity
            return _authenticated(name, "", groups)
        return ANONYMOUS


class Authorizer:
    """For now: `system:masters` may do everything; everyone may read the public paths."""

    def allowed(self, user: UserInfo, info: RequestInfo) -> bool:
        if "system:masters" in user.groups:
            return True
        if not info.is_resource and info.path in PUBLIC_PATHS:
            return True
        return False

    def check(self, user: UserInfo, info: RequestInfo) -> None:
        if self.allowed(user, info):
            return
        raise forbidden_for(user, info)

    def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[dict], list[dict]]:
        """(resourceRules, nonResourceRules) the user has, for SelfSubjectRulesReview."""
        if "system:masters" in user.groups:
            return ([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    [{"verbs": ["*"], "nonResourceURLs": ["*"]}])
        return ([{"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
                  "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
                 {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]}],
                [{"verbs": ["get"], "nonResourceURLs": list(PUBLIC_PATHS)}])


def forbidden_for(user: UserInfo, info: RequestInfo) -> errors.StatusError:
    if not info.is_resource:
        return errors.StatusError(403, "Forbidden",
                                  f'forbidden: User "{user.name}" cannot {info.verb} path "{info.path}"', {})
    res = info.resource + (f"/{info.subresource}" if info.subresource else "")
    where = f' in the namespace "{info.namespace}"' if info.namespace else ""
    msg = (f'User "{user.name}" cannot {info.verb} resource "{res}" in API group "{info.group}"'
           f'{where}')
    return errors.forbidden(info.group, info.resource, info.name, msg)
