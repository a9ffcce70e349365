"""Kubernetes `Status` errors: what every part raises and the API server returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Cause:
    """One field cause of an `Invalid` error (`details.causes[]`)."""

    field: str
    message: str
    reason: str = "FieldValueInvalid"

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.message, "field": self.field}


@dataclass
class StatusError(Exception):
    """An error that reaches a client as a `meta.k8s.io/v1` Status."""

    code: int
    reason: str
    message: str
    details: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        return self.message

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            out["details"] = self.details
        if not self.reason:
            del out["reason"]
        return out


def qualified(group: str, resource: str) -> str:
    return f"{resource}.{group}" if group else resource


def _details(name: str | None, group: str, resource: str, **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    if resource:
        d["kind"] = resource
    d.update(extra)
    return d


def not_found(group: str, resource: str, name: str) -> StatusError:
    return StatusError(404, "NotFound", f'{qualified(group, resource)} "{name}" not found',
                       _details(name, group, resource))


def already_exists(group: str, resource: str, name: str) -> StatusError:
    return StatusError(409, "AlreadyExists", f'{qualified(group, resource)} "{name}" already exists',
                       _details(name, group, resource))


def conflict(group: str, resource: str, name: str, why: str) -> StatusError:
    return StatusError(409, "Conflict",
                       f'Operation cannot be fulfilled on {qualified(group, resource)} "{name}": {why}',
                       _details(name, group, resource))


MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


def invalid(group: str, kind: str, name: str, causes: list[Cause]) -> StatusError:
    gk = f"{kind}.{group}" if group else kind
    parts = []
    for c in causes:
        parts.append(f"{c.field}: {c.message}" if c.field else c.message)
    if len(parts) == 1:
        summary = parts[0]
    else:
        summary = "[" + ", ".join(parts) + "]"
    return StatusError(422, "Invalid", f'{gk} "{name}" is invalid: {summary}',
                       _details(name, group, kind, causes=[c.to_dict() for c in causes]))


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def forbidden(group: str, resource: str, name: str, message: str) -> StatusError:
    what = qualified(group, resource)
    text = f'{what} "{name}" is forbidden: {message}' if name else f"{what} is forbidden: {message}"
    return StatusError(403, "Forbidden", text, _details(name, group, resource))


def unauthorized() -> StatusError:
    return StatusError(401, "Unauthorized", "Unauthorized")


def gone(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def method_not_allowed(message: str = "the server does not allow this method on the requested resource") -> StatusError:
    return StatusError(405, "MethodNotAllowed", message, {})


def not_acceptable(message: str) -> StatusError:
    return StatusError(406, "NotAcceptable", message)


def unsupported_media_type(content_type: str) -> StatusError:
    return StatusError(415, "UnsupportedMediaType", f'the body of the request was in an unknown format - '
                       f'accepted media types include: application/json, application/yaml, '
                       f'application/vnd.kubernetes.protobuf (got "{content_type}")')


def too_large() -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728")


def too_many_requests(message: str, retry_after: int = 1) -> StatusError:
    return StatusError(429, "TooManyRequests", message, {"retryAfterSeconds": retry_after},
                       {"Retry-After": str(retry_after)})


def internal(message: str) -> StatusError:
    return StatusError(500, "InternalError", f"Internal error occurred: {message}",
                       {"causes": [{"message": message}]})


def service_unavailable(message: str) -> StatusError:
    return StatusError(503, "ServiceUnavailable", message)


def timeout(message: str) -> StatusError:
    return StatusError(504, "Timeout", message)


def status_success(name: str = "", group: str = "", kind: str = "", uid: str = "") -> dict[str, Any]:
    details: dict[str, Any] = _details(name, group, kind)
    if uid:
        details["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
