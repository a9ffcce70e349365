"""discovery.k8s.io/v1: EndpointSlice.

Upstream's pkg/apis/discovery/v1/defaults.go, pkg/apis/discovery/validation
and pkg/registry/discovery/endpointslice (Kubernetes 1.33).
"""

from __future__ import annotations

import ipaddress

from bosun.api import validation as v
from bosun.api.apps import d, lst
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_TOPOLOGY_LABELS = 16
MAX_ADDRESSES = 100
MAX_PORTS = 20000
MAX_ENDPOINTS = 1000
MAX_ZONE_HINTS = 8
_IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


@register("discovery.k8s.io", "EndpointSlice")
class EndpointSliceStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        for port in lst(obj.get("ports")):
            if isinstance(port, dict):
                if port.get("name") is None:
                    port["name"] = ""
                if port.get("protocol") is None:
                    port["protocol"] = "TCP"

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        address_type = obj.get("addressType") or ""
        out.extend(_validate_endpoints(lst(obj.get("endpoints")), address_type, "endpoints"))
        if not address_type:
            out.append(v.required("addressType"))
        elif address_type not in ADDRESS_TYPES:
            out.append(v.not_supported("addressType", address_type, ADDRESS_TYPES))
        out.extend(_validate_ports(lst(obj.get("ports")), "ports"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        # Slices of a since-removed address type may change theirs; the known ones may not.
        if old.get("addressType") in ADDRESS_TYPES:
            out.extend(v.validate_immutable(obj.get("addressType"), old.get("addressType"), "addressType"))
        return out


def _validate_address(address: object, address_type: str, path: str) -> list[Cause]:
    if address_type in ("IPv4", "IPv6"):
        try:
            ip = ipaddress.ip_address(str(address))
        except ValueError:
            return [v.invalid(path, address, _IP_MSG)]
        if address_type == "IPv4" and ip.version != 4:
            return [v.invalid(path, address, "must be an IPv4 address")]
        if address_type == "IPv6" and ip.version != 6:
            return [v.invalid(path, address, "must be an IPv6 address")]
        return []
    if address_type == "FQDN":
        return validate_fqdn(str(address), path)
    return []


def validate_fqdn(name: str, path: str) -> list[Cause]:
    """util/validation IsFullyQualifiedDomainName."""
    if not name:
        return [v.required(path)]
    name = name[:-1] if name.endswith(".") else name
    out = [v.invalid(path, name, m) for m in v.is_dns1123_subdomain(name)]
    if len(name.split(".")) < 2:
        out.append(v.invalid(path, name, "should be a domain with at least two segments separated by dots"))
    for label in name.split("."):
        errs = v.is_dns1123_label(label)
        if errs:
            out.extend(v.invalid(path, label, m) for m in errs)
            break
    return out


def _validate_endpoints(endpoints: list, address_type: str, path: str) -> list[Cause]:
    if len(endpoints) > MAX_ENDPOINTS:
        return [v.too_many(path, len(endpoints), MAX_ENDPOINTS)]
    out: list[Cause] = []
    for i, ep in enumerate(endpoints):
        ep = d(ep)
        p = f"{path}[{i}]"
        addresses = lst(ep.get("addresses"))
        if not addresses:
            out.append(v.required(f"{p}.addresses", "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            out.append(v.too_many(f"{p}.addresses", len(addresses), MAX_ADDRESSES))
        for j, address in enumerate(addresses):
            out.extend(_validate_address(address, address_type, f"{p}.addresses[{j}]"))
        node = ep.get("nodeName")
        if node is not None:
            out.extend(v.invalid(f"{p}.nodeName", node, m) for m in v.dns1123_subdomain(str(node)))
        topology = d(ep.get("deprecatedTopology"))
        if len(topology) > MAX_TOPOLOGY_LABELS:
            out.append(v.too_many(f"{p}.deprecatedTopology", len(topology), MAX_TOPOLOGY_LABELS))
        out.extend(v.validate_labels(topology, f"{p}.deprecatedTopology"))
        zone = ep.get("zone")
        if zone is not None:
            out.extend(v.invalid(f"{p}.zone", zone, m) for m in v.is_valid_label_value(str(zone)))
        hostname = ep.get("hostname")
        if hostname is not None:
            out.extend(v.validate_dns1123_label(str(hostname), f"{p}.hostname"))
        hints = ep.get("hints")
        if isinstance(hints, dict):
            zones = lst(hints.get("forZones"))
            if len(zones) > MAX_ZONE_HINTS:
                out.append(v.too_many(f"{p}.hints.forZones", len(zones), MAX_ZONE_HINTS))
            seen: set[str] = set()
            for j, z in enumerate(zones):
                name = str(d(z).get("name", ""))
                zp = f"{p}.hints.forZones[{j}].name"
                if name in seen:
                    out.append(v.duplicate(zp, name))
                seen.add(name)
                out.extend(v.invalid(zp, name, m) for m in v.is_valid_label_value(name))
    return out


def _validate_ports(ports: list, path: str) -> list[Cause]:
    if len(ports) > MAX_PORTS:
        return [v.too_many(path, len(ports), MAX_PORTS)]
    out: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        port = d(port)
        p = f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            out.extend(v.validate_dns1123_label(str(name), f"{p}.name"))
        if name in names:
            out.append(v.duplicate(f"{p}.name", name))
        names.add(name)
        proto = port.get("protocol")
        if proto is None:
            out.append(v.required(f"{p}.protocol"))
        elif proto not in PROTOCOLS:
            out.append(v.not_supported(f"{p}.protocol", proto, PROTOCOLS))
        app = port.get("appProtocol")
        if app is not None:
            out.extend(v.validate_qualified_name(str(app), f"{p}.appProtocol"))
    return out
