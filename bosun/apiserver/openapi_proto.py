"""The protobuf form of `/openapi/v2` (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).

client-go's `OpenAPISchema()` (kubectl 1.27's `explain`, helm's validation) asks
only for this form. It is the `openapi.v2.Document` message; field numbers come
from `bosun/api/openapi_v2_fields.json` (facts `tools/extract_openapi_proto_facts.py`
reads from kubectl). The swagger JSON dict is mapped onto the messages here:
maps become repeated `Named*` pairs, `x-` keys become `vendor_extension`
entries whose value is YAML (JSON is YAML), and the one-of wrappers
(`ParametersItem`, `ResponseValue`, `SchemaItem` ...) pick their branch.
"""

from __future__ import annotations

import re
import struct
from functools import cache
from pathlib import Path
from typing import Any

import orjson

# What clients ask for, and what upstream answers with ('@' is not valid in a Content-Type for Go's parser).
CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
RESPONSE_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
FACTS_PATH = Path(__file__).resolve().parent.parent / "api" / "openapi_v2_fields.json"
P = "openapi.v2."

Obj = dict[str, Any]


@cache
def _fields() -> dict[str, dict[str, tuple[int, str, bool]]]:
    raw = orjson.loads(FACTS_PATH.read_bytes())
    return {msg: {name: (num, type_, "r" in flags) for name, num, type_, flags in rows} for msg, rows in raw.items()}


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(num: int, wire: int) -> bytes:
    return _varint(num << 3 | wire)


def encode(message: str, value: Obj) -> bytes:
    """A dict keyed by proto field names as the bytes of `message` (fields in number order)."""
    fields = _fields()[message]
    parts: list[tuple[int, bytes]] = []
    for name, v in value.items():
        if v is None:
            continue
        num, type_, repeated = fields[name]
        for item in (v if repeated else (v,)):
            parts.append((num, _one(num, type_, item)))
    parts.sort(key=lambda p: p[0])
    return b"".join(b for _, b in parts)


def _one(num: int, type_: str, v: Any) -> bytes:
    if type_ == "string":
        b = v.encode()
        return _key(num, 2) + _varint(len(b)) + b
    if type_ == "bool":
        return _key(num, 0) + (b"\x01" if v else b"\x00")
    if type_ == "int64":
        return _key(num, 0) + _varint(int(v))
    if type_ == "double":
        return _key(num, 1) + struct.pack("<d", float(v))
    b = encode(type_, v)
    return _key(num, 2) + _varint(len(b)) + b


_CAMEL = re.compile(r"(?<!^)([A-Z])")


def _snake(key: str) -> str:
    if key == "$ref":
        return "_ref"
    return _CAMEL.sub(r"_\1", key).lower()


def _any(value: Any) -> Obj:
    return {"yaml": orjson.dumps(value).decode() + "\n"}


def _extensions(d: Obj) -> list[Obj]:
    return [{"name": k, "value": _any(v)} for k, v in d.items() if k.startswith("x-")]


def _plain(d: Obj, message: str, skip: tuple[str, ...] = ()) -> Obj:
    """Scalar fields copied by name; vendor extensions gathered."""
    fields = _fields()[message]
    out: Obj = {}
    for k, v in d.items():
        if k.startswith("x-") or k in skip:
            continue
        name = _snake(k)
        if name in fields and fields[name][1] in ("string", "bool", "int64", "double"):
            out[name] = v
    ext = _extensions(d)
    if ext and "vendor_extension" in fields:
        out["vendor_extension"] = ext
    return out


def schema(d: Obj) -> Obj:
    out = _plain(d, P + "Schema", ("type", "items", "additionalProperties", "properties", "allOf", "enum",
                                   "default", "required", "example"))
    if "type" in d:
        out["type"] = {"value": d["type"] if isinstance(d["type"], list) else [d["type"]]}
    if isinstance(d.get("items"), dict):
        out["items"] = {"schema": [schema(d["items"])]}
    ap = d.get("additionalProperties")
    if isinstance(ap, dict):
        out["additional_properties"] = {"schema": schema(ap)}
    elif isinstance(ap, bool):
        out["additional_properties"] = {"boolean": ap}
    if "properties" in d:
        out["properties"] = {"additional_properties": [{"name": k, "value": schema(v)}
                                                       for k, v in d["properties"].items()]}
    if "allOf" in d:
        out["all_of"] = [schema(s) for s in d["allOf"]]
    if "enum" in d:
        out["enum"] = [_any(v) for v in d["enum"]]
    if "default" in d:
        out["default"] = _any(d["default"])
    if "required" in d:
        out["required"] = list(d["required"])
    return out


def parameter(d: Obj) -> Obj:
    where = d.get("in")
    if where == "body":
        body = _plain(d, P + "BodyParameter", ("schema",))
        body["schema"] = schema(d.get("schema", {}))
        return {"parameter": {"body_parameter": body}}
    message = {"query": "QueryParameterSubSchema", "path": "PathParameterSubSchema",
               "header": "HeaderParameterSubSchema", "formData": "FormDataParameterSubSchema"}[where]
    sub = _plain(d, P + message, ("items",))
    if isinstance(d.get("items"), dict):
        sub["items"] = _plain(d["items"], P + "PrimitivesItems")
    branch = _snake(message[0].lower() + message[1:])
    return {"parameter": {"non_body_parameter": {branch: sub}}}


def operation(d: Obj) -> Obj:
    out = _plain(d, P + "Operation", ("parameters", "responses"))
    for k in ("tags", "produces", "consumes", "schemes"):
        if k in d:
            out[k] = list(d[k])
    if "parameters" in d:
        out["parameters"] = [parameter(p) for p in d["parameters"]]
    codes = []
    for code, r in d.get("responses", {}).items():
        resp: Obj = {"description": r.get("description", "")}
        if "schema" in r:
            resp["schema"] = {"schema": schema(r["schema"])}
        codes.append({"name": code, "value": {"response": resp}})
    out["responses"] = {"response_code": codes}
    return out


def path_item(d: Obj) -> Obj:
    out: Obj = {}
    for method in ("get", "put", "post", "delete", "options", "head", "patch"):
        if method in d:
            out[method] = operation(d[method])
    if "parameters" in d:
        out["parameters"] = [parameter(p) for p in d["parameters"]]
    ext = _extensions(d)
    if ext:
        out["vendor_extension"] = ext
    return out


def document(d: Obj) -> bytes:
    """The swagger 2.0 dict `d` as an `openapi.v2.Document`."""
    out = _plain(d, P + "Document", ("info", "paths", "definitions", "security", "securityDefinitions"))
    out["info"] = _plain(d.get("info", {}), P + "Info")
    out["paths"] = {"path": [{"name": k, "value": path_item(v)} for k, v in d.get("paths", {}).items()]}
    out["definitions"] = {"additional_properties": [{"name": k, "value": schema(v)}
                                                    for k, v in d.get("definitions", {}).items()]}
    if "security" in d:
        out["security"] = [{"additional_properties": [{"name": k, "value": {"value": list(v)}}
                                                      for k, v in req.items()]} for req in d["security"]]
    if "securityDefinitions" in d:
        items = []
        for k, v in d["securityDefinitions"].items():
            if v.get("type") == "apiKey":
                items.append({"name": k, "value": {"api_key_security": _plain(v, P + "ApiKeySecurity")}})
        out["security_definitions"] = {"additional_properties": items}
    return encode(P + "Document", out)
