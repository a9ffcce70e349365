"""Discovery documents: `/api`, `/apis`, each group and group-version, and aggregated discovery.

Everything is computed from the resource table, so a kind added to the table
(a CRD later) shows up in every document at once. Aggregated discovery is
`apidiscovery.k8s.io/v2` (and `v2beta1`, which kubectl 1.27 asks for), served
from `/api` and `/apis` when the Accept header asks for an
`APIGroupDiscoveryList`.
"""

from __future__ import annotations

from typing import Any

from bosun.api.resources import GROUP_ORDER, Resource, ResourceTable
from bosun.apiserver.request import parse_accept

Obj = dict[str, Any]
AGGREGATED_VERSIONS = ("v2", "v2beta1")


def negotiate(accept: str | None) -> str | None:
    """The aggregated discovery version the client asks for first, or None for the legacy documents."""
    for mt in parse_accept(accept):
        if mt.params.get("as") != "APIGroupDiscoveryList" or mt.params.get("g") != "apidiscovery.k8s.io":
            continue
        if mt.type not in ("application/json", "application/*", "*/*"):
            continue
        v = mt.params.get("v", "")
        if v in AGGREGATED_VERSIONS:
            return v
    return None


def content_type(version: str) -> str:
    return f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"


def _group_rank(group: str) -> tuple[int, str]:
    try:
        return GROUP_ORDER.index(group), group
    except ValueError:
        return len(GROUP_ORDER), group  # CRD groups after the built-in ones, by name


def _groups(table: ResourceTable) -> list[tuple[str, list[str]]]:
    return sorted(((g, vs) for g, vs in table.groups().items() if g), key=lambda gv: _group_rank(gv[0]))


def _gv(group: str, version: str) -> Obj:
    return {"groupVersion": f"{group}/{version}", "version": version}


def api_versions(server_address: str) -> Obj:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def api_group(table: ResourceTable, group: str) -> Obj:
    versions = table.groups().get(group, [])
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group,
            "versions": [_gv(group, v) for v in versions], "preferredVersion": _gv(group, versions[0])}


def api_group_list(table: ResourceTable) -> Obj:
    groups = []
    for group, versions in _groups(table):
        groups.append({"name": group, "versions": [_gv(group, v) for v in versions],
                       "preferredVersion": _gv(group, versions[0])})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _legacy_entry(r: Resource) -> Obj:
    out: Obj = {"name": r.plural, "singularName": r.singular_name, "namespaced": r.namespaced, "kind": r.kind,
                "verbs": list(r.verbs)}
    if r.short_names:
        out["shortNames"] = list(r.short_names)
    if r.categories:
        out["categories"] = list(r.categories)
    if r.stored:
        out["storageVersionHash"] = r.storage_version_hash
    return out


def api_resource_list(table: ResourceTable, group: str, version: str) -> Obj:
    resources: list[Obj] = []
    for r in sorted(table.in_group_version(group, version), key=lambda r: r.plural):
        resources.append(_legacy_entry(r))
        for s in sorted(r.subresources, key=lambda s: s.name):
            sub: Obj = {"name": f"{r.plural}/{s.name}", "singularName": "", "namespaced": r.namespaced}
            if s.group is not None and (s.group, s.version) != (r.group, r.version):
                sub["group"] = s.group
                sub["version"] = s.version
            sub["kind"] = s.kind
            sub["verbs"] = list(s.verbs)
            resources.append(sub)
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": resources}


def _aggregated_resource(r: Resource) -> Obj:
    out: Obj = {"resource": r.plural,
                "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                "scope": "Namespaced" if r.namespaced else "Cluster",
                "singularResource": r.singular_name, "verbs": sorted(r.verbs)}
    if r.short_names:
        out["shortNames"] = list(r.short_names)
    if r.categories:
        out["categories"] = list(r.categories)
    subs = []
    for s in sorted(r.subresources, key=lambda s: s.name):
        group = r.group if s.group is None else s.group
        version = r.version if s.version is None else s.version
        subs.append({"subresource": s.name, "responseKind": {"group": group, "version": version, "kind": s.kind},
                     "verbs": sorted(s.verbs)})
    if subs:
        out["subresources"] = subs
    return out


def _aggregated_group(table: ResourceTable, group: str, versions: list[str]) -> Obj:
    meta: Obj = {"creationTimestamp": None}
    if group:
        meta = {"name": group, "creationTimestamp": None}
    out_versions = []
    for v in versions:
        rows = sorted(table.in_group_version(group, v), key=lambda r: r.plural)
        out_versions.append({"version": v, "resources": [_aggregated_resource(r) for r in rows],
                             "freshness": "Current"})
    return {"metadata": meta, "versions": out_versions}


def aggregated(table: ResourceTable, legacy: bool, version: str = "v2") -> Obj:
    """The APIGroupDiscoveryList of `/api` (legacy=True) or `/apis`."""
    if legacy:
        items = [_aggregated_group(table, "", ["v1"])]
    else:
        items = [_aggregated_group(table, g, vs) for g, vs in _groups(table)]
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"apidiscovery.k8s.io/{version}",
            "metadata": {}, "items": items}
