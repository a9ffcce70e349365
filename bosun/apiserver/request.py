"""What a request is about (upstream's RequestInfo) and how its bodies are encoded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import orjson
import yaml
from aiohttp import web

from bosun.machinery import errors

# Warnings gathered while a request is served, sent back in `Warning` headers.
WARNINGS = web.RequestKey("warnings", list)

NAMESPACE_SUBRESOURCES = frozenset(("status", "finalize"))
MAX_BODY = 3 * 1024 * 1024

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"


@dataclass(slots=True)
class RequestInfo:
    path: str
    method: str
    is_resource: bool = False
    verb: str = ""
    api_prefix: str = ""
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    name: str = ""
    subresource: str = ""
    rest: list[str] = field(default_factory=list)  # what follows a subresource (proxy paths)


def parse_request(method: str, path: str, query: Any) -> RequestInfo:
    info = RequestInfo(path=path, method=method)
    parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
    if not parts or parts[0] not in ("api", "apis"):
        info.verb = method.lower()
        return info
    info.api_prefix = parts[0]
    if parts[0] == "api":
        if len(parts) < 2:
            return info
        info.version = parts[1]
        rest = parts[2:]
    else:
        if len(parts) < 3:
            info.group = parts[1] if len(parts) > 1 else ""
            return info
        info.group, info.version = parts[1], parts[2]
        rest = parts[3:]
    if not rest:
        return info
    info.is_resource = True
    watch_prefix = False
    if rest[0] == "watch":
        watch_prefix = True
        rest = rest[1:]
    if rest and rest[0] == "namespaces":
        if len(rest) > 1:
            info.namespace = rest[1]
            if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
                rest = rest[2:]
            else:
                info.namespace = ""
    if not rest:
        info.is_resource = False
        return info
    info.resource = rest[0]
    if len(rest) > 1:
        info.name = rest[1]
    if len(rest) > 2:
        info.subresource = rest[2]
        info.rest = rest[3:]
    if info.resource == "namespaces" and info.name and not info.subresource:
        info.namespace = ""
    m = method.upper()
    if watch_prefix:
        info.verb = "watch"
    elif m in ("GET", "HEAD"):
        if info.name:
            info.verb = "get"
        elif query.get("watch") in ("1", "true", "True"):
            info.verb = "watch"
        else:
            info.verb = "list"
    elif m == "POST":
        info.verb = "create"
    elif m == "PUT":
        info.verb = "update"
    elif m == "PATCH":
        info.verb = "patch"
    elif m == "DELETE":
        info.verb = "delete" if info.name else "deletecollection"
    else:
        info.verb = m.lower()
    if info.name and info.verb == "watch":
        info.verb = "watch"
    return info


# ---- content negotiation


@dataclass(slots=True)
class MediaType:
    type: str
    params: dict[str, str]

    @property
    def as_(self) -> str:
        return self.params.get("as", "")


def parse_accept(header: str | None) -> list[MediaType]:
    if not header:
        return [MediaType(JSON, {})]
    out = []
    for item in header.split(","):
        item = item.strip()
        if not item:
            continue
        pieces = item.split(";")
        params = {}
        for p in pieces[1:]:
            if "=" in p:
                k, v = p.split("=", 1)
                params[k.strip()] = v.strip()
        if params.get("q") == "0":
            continue
        out.append(MediaType(pieces[0].strip().lower(), params))
    return out


@dataclass(slots=True)
class Output:
    """How to write a response: format (json/yaml/protobuf) and shape (object/Table/PartialObjectMetadata)."""

    format: str = "json"
    shape: str = ""  # "", "Table", "PartialObjectMetadata", "PartialObjectMetadataList"
    shape_version: str = "v1"


def negotiate(accept: str | None, protobuf_ok: bool = True) -> Output:
    """The response format. JSON wins whenever it is acceptable (kubectl's typed clients list protobuf
    first but accept JSON, and JSON is the cheaper encoding here); protobuf only when it is the sole choice."""
    proto: Output | None = None
    for mt in parse_accept(accept):
        t = mt.type
        shape = mt.as_
        if shape:
            if mt.params.get("g") not in ("meta.k8s.io",) or shape not in (
                    "Table", "PartialObjectMetadata", "PartialObjectMetadataList"):
                continue
            if mt.params.get("v") not in ("v1", "v1beta1"):
                continue
        if t in (JSON, "application/*", "*/*", "application/json-seq"):
            return Output("json", shape, mt.params.get("v", "v1"))
        if t in (YAML, "application/x-yaml", "text/yaml"):
            return Output("yaml", shape, mt.params.get("v", "v1"))
        if t == PROTOBUF and protobuf_ok and proto is None:
            proto = Output("protobuf", shape, mt.params.get("v", "v1"))
    if proto is not None:
        return proto
    raise errors.not_acceptable("only the following media types are accepted: application/json, "
                                "application/yaml, application/vnd.kubernetes.protobuf")


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _no_dates(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


# Kubernetes YAML is JSON-compatible: timestamps stay strings.
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _no_dates)


def decode_body(content_type: str | None, body: bytes, expect: str) -> Any:
    """Parse a request body by its Content-Type into wire form (JSON-compatible data).

    No Content-Type means JSON, as upstream negotiates it (the Python client sends none on creates).
    """
    ct = (content_type or JSON).split(";")[0].strip().lower()
    if len(body) > MAX_BODY:
        raise errors.too_large()
    if ct in (JSON, "application/json-patch+json", "application/merge-patch+json",
              "application/strategic-merge-patch+json", "*/*", ""):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            problem = go_json_error(body)
            if expect in ("patch", "DeleteOptions"):
                raise errors.bad_request(f"error decoding {expect}: {problem}") from None
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {problem}") from None
    if ct in (YAML, "application/x-yaml", "text/yaml", "application/apply-patch+yaml"):
        try:
            return yaml.load(body, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as e:
            raise errors.bad_request(f"error converting YAML to JSON: {_yaml_error(e)}") from None
    if ct == PROTOBUF:
        from bosun.machinery import protobuf

        try:
            return protobuf.decode_object(body)
        except Exception as e:  # noqa: BLE001 - any failure of a foreign encoding is the client's
            raise errors.bad_request(f"error decoding protobuf body: {e}") from None
    raise errors.unsupported_media_type(ct)


def go_json_error(body: bytes) -> str:
    """What Go's encoding/json says of a malformed document (clients and users read these texts)."""
    text = body.decode("utf-8", errors="replace")
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        rest = text[e.pos:].lstrip() if e.pos < len(text) else ""
        if not rest or e.msg.startswith("Unterminated string"):
            return "unexpected end of JSON input"
        c = rest[0]
        where = {
            "Expecting value": "looking for beginning of value",
            "Expecting property name enclosed in double quotes": "looking for beginning of object key string",
            "Expecting ':' delimiter": "after object key",
            "Extra data": "after top-level value",
        }.get(e.msg)
        if where is None and e.msg.startswith("Expecting ',' delimiter"):
            before = text[:e.pos].rstrip()
            where = "after array element" if _innermost_open(before) == "[" else "after object key:value pair"
        return f"invalid character {_go_char(c)} {where or 'in string literal'}"
    except RecursionError:
        return "exceeded max depth"
    return "unexpected end of JSON input"


def _innermost_open(text: str) -> str:
    depth: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth.append(ch)
        elif ch in "]}" and depth:
            depth.pop()
    return depth[-1] if depth else ""


def _go_char(c: str) -> str:
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    return f"'{c}'"


def _yaml_error(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    if mark is not None:
        return f"yaml: line {mark.line + 1}: {problem}"
    return f"yaml: {problem}"


def dump_yaml(obj: Any) -> bytes:
    return yaml.safe_dump(obj, default_flow_style=False, sort_keys=True, allow_unicode=True).encode()
