"""The upstream 1.33 schemas of every built-in kind, from the kubernetes-validate package.

The package ships upstream's OpenAPI definitions rewritten as JSON Schema
(`"type": ["string", "null"]`, `$ref: #/$defs/...`). This module loads them once
and answers the questions the API server asks: which definition is a kind,
what is below a property, what are its `x-kubernetes-*` extensions.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any

import orjson

KUBE_VERSION = "v1.33.0"
Node = dict[str, Any]


@functools.cache
def definitions() -> dict[str, Node]:
    """All definitions by name (`io.k8s.api.core.v1.Pod`)."""
    base = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema" / f"{KUBE_VERSION}-local"
    data = orjson.loads((base / "_definitions.json").read_bytes())
    return data["$defs"]


@functools.cache
def _gvk_index() -> dict[tuple[str, str, str], str]:
    out: dict[tuple[str, str, str], str] = {}
    for name, d in definitions().items():
        for gvk in d.get("x-kubernetes-group-version-kind", ()):
            key = (gvk.get("group", ""), gvk["version"], gvk["kind"])
            # meta/v1 types (DeleteOptions, WatchEvent...) are tagged with every group; keep the first.
            out.setdefault(key, name)
    return out


def definition_name(group: str, version: str, kind: str) -> str | None:
    return _gvk_index().get((group, version, kind))


def for_kind(group: str, version: str, kind: str) -> Node | None:
    name = definition_name(group, version, kind)
    return definitions()[name] if name else None


def ref_name(node: Node) -> str | None:
    ref = node.get("$ref")
    if ref is None:
        return None
    return ref.rsplit("/", 1)[-1]


def resolve(node: Node | None) -> Node | None:
    """Follow `$ref` (keeping the referring node's extensions out of the way)."""
    while node is not None and "$ref" in node:
        node = definitions().get(ref_name(node) or "")
    return node


def prop(node: Node | None, name: str) -> Node | None:
    node = resolve(node)
    if node is None:
        return None
    props = node.get("properties")
    if props is None:
        return None
    return props.get(name)


def items(node: Node | None) -> Node | None:
    node = resolve(node) if node is not None and "items" not in node else node
    if node is None:
        return None
    return node.get("items")


def additional(node: Node | None) -> Node | None:
    node = resolve(node) if node is not None and "additionalProperties" not in node else node
    if node is None:
        return None
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def types(node: Node | None) -> set[str]:
    """The JSON types a node admits, without `null`."""
    node = resolve(node)
    if node is None:
        return set()
    t = node.get("type")
    if t is None:
        if "oneOf" in node:
            out: set[str] = set()
            for alt in node["oneOf"]:
                out |= types(alt)
            return out
        return set()
    if isinstance(t, str):
        return {t}
    return {x for x in t if x != "null"}
