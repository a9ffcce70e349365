"""What an API server puts in place at start: system namespaces, the `kubernetes` Service, priority classes."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from bosun.apiserver.registry import WriteContext
from bosun.machinery import errors, pki

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

log = logging.getLogger("bosun.apiserver.bootstrap")
Obj = dict[str, Any]

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
PRIORITY_CLASSES = (
    ("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their "
                                         "current node."),
    ("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but "
                                            "can be moved to another node if necessary."),
)


async def ensure(server: APIServer, group: str, plural: str, obj: Obj) -> Obj:
    reg = server.registry(group, plural)
    meta = obj["metadata"]
    existing = reg.cache.get(reg.key(meta.get("namespace", ""), meta["name"]))
    if existing is not None:
        return existing.obj
    try:
        return await reg.create(meta.get("namespace", ""), obj, WriteContext(field_manager="kube-apiserver"))
    except errors.StatusError as e:
        if e.code != 409:
            raise
        return (await reg.get(meta.get("namespace", ""), meta["name"])).obj


def advertise_address(server: APIServer) -> str:
    if server.config.advertise_address:
        return server.config.advertise_address
    addrs = [a for a in pki.local_addresses() if ":" not in a]
    return addrs[0] if addrs else "127.0.0.1"


async def bootstrap(server: APIServer) -> None:
    for ns in SYSTEM_NAMESPACES:
        await ensure(server, "", "namespaces", {"metadata": {"name": ns}})
    for name, value, description in PRIORITY_CLASSES:
        await ensure(server, "scheduling.k8s.io", "priorityclasses", {
            "metadata": {"name": name}, "value": value, "description": description, "globalDefault": False,
            "preemptionPolicy": "PreemptLowerPriority"})
    net = ipaddress.ip_network(server.config.service_cidr, strict=False)
    await ensure(server, "networking.k8s.io", "servicecidrs", {
        "metadata": {"name": "kubernetes"}, "spec": {"cidrs": [str(net)]}})
    first = str(net.network_address + 1)
    await ensure(server, "", "services", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"type": "ClusterIP", "clusterIP": first, "sessionAffinity": "None",
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}})
    await reconcile_endpoints(server)


async def reconcile_endpoints(server: APIServer) -> None:
    """Add this API server's address to the `kubernetes` Endpoints (each API server adds its own)."""
    address = advertise_address(server)
    port = server.config.secure_port or 6443
    reg = server.registry("", "endpoints")

    def make(old: Obj | None) -> Obj:
        obj = old or {"metadata": {"name": "kubernetes", "namespace": "default",
                                   "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}}}
        subsets = obj.get("subsets") or []
        addresses = subsets[0].get("addresses", []) if subsets else []
        if not any(a.get("ip") == address for a in addresses):
            addresses.append({"ip": address})
        addresses.sort(key=lambda a: a.get("ip", ""))
        obj["subsets"] = [{"addresses": addresses, "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]
        return obj
    await reg.update("default", "kubernetes", make, WriteContext(field_manager="kube-apiserver"), create_ok=True)
    slices = server.registry("discovery.k8s.io", "endpointslices")
    eps = (await reg.get("default", "kubernetes")).obj
    ips = [a["ip"] for s in eps.get("subsets") or () for a in s.get("addresses") or ()]

    def make_slice(old: Obj | None) -> Obj:
        return {"metadata": {"name": "kubernetes", "namespace": "default",
                             "labels": {"kubernetes.io/service-name": "kubernetes",
                                        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
                "addressType": "IPv4",
                "endpoints": [{"addresses": [ip], "conditions": {"ready": True}} for ip in ips],
                "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}
    await slices.update("default", "kubernetes", make_slice, WriteContext(field_manager="kube-apiserver"),
                        create_ok=True)
