"""Service ClusterIP and NodePort allocation.

Cluster IPs are claimed by creating `networking.k8s.io/v1` IPAddress objects
named after the address (as upstream 1.33 does), so two API servers sharing
one store can never hand out the same IP: the create of the claim is the
compare-and-swap. NodePorts are counted from the Services themselves plus
the claims in flight on this server.
"""

from __future__ import annotations

import ipaddress
import random
from typing import TYPE_CHECKING, Any

from bosun.apiserver.registry import Registry, WriteContext
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

Obj = dict[str, Any]
IP_LABELS = {"ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"}


def _invalid(name: str, field: str, value: Any, message: str) -> errors.StatusError:
    shown = f'"{value}"' if isinstance(value, str) else str(value)
    return errors.invalid("", "Service", name, [errors.Cause(field, f"Invalid value: {shown}: {message}")])


def _needs_node_ports(spec: Obj) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer") and (
        spec.get("type") == "NodePort" or spec.get("allocateLoadBalancerNodePorts", True))


class ServiceAllocator:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.network = ipaddress.ip_network(server.config.service_cidr, strict=False)
        lo, _, hi = server.config.service_node_port_range.partition("-")
        self.port_lo, self.port_hi = int(lo), int(hi or lo)
        self.ports_in_flight: set[int] = set()

    async def start(self) -> None:
        pass

    # ---- admission entry

    async def admit(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        spec = obj.get("spec") or {}
        meta = obj["metadata"]
        if ctx.operation == "DELETE":
            ctx.after.append(lambda: self.release(obj))
            return
        if ctx.subresource:
            return
        if ctx.operation == "CREATE":
            await self._allocate_ip(meta, spec, ctx)
            self._allocate_ports(meta, spec, None, ctx)
            obj["spec"] = spec
            return
        assert old is not None
        ospec = old.get("spec") or {}
        if spec.get("type") == "ExternalName":
            if ospec.get("clusterIP") and ospec.get("clusterIP") != "None":
                spec.pop("clusterIP", None)
                spec.pop("clusterIPs", None)
                spec.pop("ipFamilies", None)
                spec.pop("ipFamilyPolicy", None)
                ctx.after.append(lambda: self._release_ip(ospec["clusterIP"]))
        elif ospec.get("type") == "ExternalName" or not ospec.get("clusterIP"):
            await self._allocate_ip(meta, spec, ctx)
        elif not spec.get("clusterIP"):
            spec["clusterIP"] = ospec["clusterIP"]
            if ospec.get("clusterIPs"):
                spec["clusterIPs"] = ospec["clusterIPs"]
        self._allocate_ports(meta, spec, ospec, ctx)

    # ---- cluster IPs

    async def _allocate_ip(self, meta: Obj, spec: Obj, ctx: WriteContext) -> None:
        if spec.get("type") == "ExternalName":
            return
        wanted = spec.get("clusterIP") or (spec.get("clusterIPs") or [None])[0]
        if wanted == "None":
            spec["clusterIP"] = "None"
            spec["clusterIPs"] = ["None"]
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
            return
        name = meta.get("name", "")
        if wanted:
            try:
                ip = ipaddress.ip_address(wanted)
            except ValueError:
                raise _invalid(name, "spec.clusterIPs[0]", wanted,
                               "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)") from None
            if ip not in self.network or ip in (self.network.network_address, self.network.broadcast_address):
                raise _invalid(name, "spec.clusterIPs[0]", wanted,
                               f"failed to allocate IP {wanted}: the provided IP ({wanted}) is not in the valid "
                               f"range. The range of valid IPs is {self.network}")
            if not await self._claim(str(ip), meta, ctx):
                raise _invalid(name, "spec.clusterIPs[0]", wanted,
                               f"failed to allocate IP {wanted}: provided IP is already allocated")
            chosen = str(ip)
        else:
            chosen = await self._claim_any(meta, ctx)
        spec["clusterIP"] = chosen
        spec["clusterIPs"] = [chosen]
        spec["ipFamilies"] = ["IPv4"]
        spec["ipFamilyPolicy"] = spec.get("ipFamilyPolicy") or "SingleStack"

    def _ipreg(self) -> Registry:
        return self.server.registry("networking.k8s.io", "ipaddresses")

    async def _claim(self, ip: str, meta: Obj, ctx: WriteContext) -> bool:
        reg = self._ipreg()
        if reg.cache.synchronous and reg.cache.get(reg.key("", ip)) is not None:
            return False
        claim = {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress",
                 "metadata": {"name": ip, "labels": dict(IP_LABELS)},
                 "spec": {"parentRef": {"group": "", "resource": "services",
                                        "namespace": meta.get("namespace", ""), "name": meta.get("name", "")}}}
        if ctx.dry_run:
            return True
        try:
            await reg.create("", claim, WriteContext(field_manager="ipallocator"))
        except errors.StatusError as e:
            if e.code == 409:
                return False
            raise
        ctx.rollbacks.append(lambda: self._release_ip(ip))
        return True

    async def _claim_any(self, meta: Obj, ctx: WriteContext) -> str:
        net = self.network
        size = net.num_addresses
        # Upstream keeps the lower band of the range for static choices; dynamic ones come from above it.
        static_band = min(max(16, size // 16), 256)
        base = int(net.network_address)
        candidates = list(range(static_band, size - 1)) or list(range(1, size - 1))
        start = random.randrange(len(candidates))
        for i in range(len(candidates)):
            offset = candidates[(start + i) % len(candidates)]
            ip = str(ipaddress.ip_address(base + offset))
            if await self._claim(ip, meta, ctx):
                return ip
        for offset in range(2, static_band):
            ip = str(ipaddress.ip_address(base + offset))
            if await self._claim(ip, meta, ctx):
                return ip
        raise errors.StatusError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                                 "range is full")

    async def _release_ip(self, ip: str) -> None:
        reg = self._ipreg()
        try:
            await reg.delete("", ip, {}, WriteContext())
        except errors.StatusError as e:
            if e.code != 404:
                raise

    # ---- node ports

    def _used_ports(self) -> set[int]:
        used = set(self.ports_in_flight)
        svcreg = self.server.registry("", "services")
        for entry in svcreg.cache.objects.values():
            spec = entry.obj.get("spec") or {}
            for p in spec.get("ports") or ():
                if p.get("nodePort"):
                    used.add(p["nodePort"])
            if spec.get("healthCheckNodePort"):
                used.add(spec["healthCheckNodePort"])
        return used

    def _allocate_ports(self, meta: Obj, spec: Obj, ospec: Obj | None, ctx: WriteContext) -> None:
        name = meta.get("name", "")
        ports = spec.get("ports") or []
        if not _needs_node_ports(spec):
            if spec.get("type") not in ("NodePort", "LoadBalancer"):
                for p in ports:
                    p.pop("nodePort", None)
            return
        used = self._used_ports()
        mine: set[int] = set()
        if ospec is not None:
            for p in ospec.get("ports") or ():
                if p.get("nodePort"):
                    mine.add(p["nodePort"])
            used -= mine
            old_by_key = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                          for p in ospec.get("ports") or ()}
            for p in ports:
                if not p.get("nodePort"):
                    prev = old_by_key.get((p.get("port"), p.get("protocol", "TCP")))
                    if prev:
                        p["nodePort"] = prev
        taken: set[int] = set()
        for i, p in enumerate(ports):
            np = p.get("nodePort")
            if np:
                if not (self.port_lo <= np <= self.port_hi):
                    raise _invalid(name, f"spec.ports[{i}].nodePort", np,
                                   f"provided port is not in the valid range. The range of valid ports is "
                                   f"{self.port_lo}-{self.port_hi}")
                if np in used or (np in taken and not _same_port_other_protocol(ports, i, np)):
                    raise _invalid(name, f"spec.ports[{i}].nodePort", np, "provided port is already allocated")
                taken.add(np)
        for p in ports:
            if not p.get("nodePort"):
                p["nodePort"] = self._pick(used | taken)
                taken.add(p["nodePort"])
        if spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local" and \
                not spec.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = self._pick(used | taken)
            taken.add(spec["healthCheckNodePort"])
        fresh = taken - mine
        self.ports_in_flight |= fresh
        if fresh:
            async def done() -> None:
                self.ports_in_flight -= fresh
            ctx.rollbacks.append(done)
            ctx.after.append(done)

    def _pick(self, used: set[int]) -> int:
        span = self.port_hi - self.port_lo + 1
        start = random.randrange(span)
        for i in range(span):
            port = self.port_lo + (start + i) % span
            if port not in used:
                return port
        raise errors.StatusError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                                 "range is full")

    # ---- release on delete

    async def release(self, obj: Obj) -> None:
        ip = (obj.get("spec") or {}).get("clusterIP")
        if ip and ip != "None":
            reg = self._ipreg()
            entry = reg.cache.get(reg.key("", ip))
            ref = (entry.obj.get("spec") or {}).get("parentRef", {}) if entry else {}
            if entry is None or (ref.get("name") == obj["metadata"]["name"] and
                                 ref.get("namespace") == obj["metadata"].get("namespace")):
                await self._release_ip(ip)


def _same_port_other_protocol(ports: list[Obj], i: int, np: int) -> bool:
    """One nodePort may serve the same port number over TCP and UDP (kube-dns style)."""
    proto = ports[i].get("protocol", "TCP")
    return all(p.get("protocol", "TCP") != proto for j, p in enumerate(ports[:i]) if p.get("nodePort") == np)
