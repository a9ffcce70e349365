"""networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy, IPAddress and ServiceCIDR.

Upstream's pkg/apis/networking/v1/defaults.go, pkg/apis/networking/validation
and pkg/registry/networking/*/strategy.go (Kubernetes 1.33).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, is_int, lst, spec_of
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
MAX_CONTROLLER_LEN = 250
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
PARAMETER_SCOPES = ("Cluster", "Namespace")
NETPOL_PROTOCOLS = ("TCP", "UDP", "SCTP")
POLICY_TYPES = ("Ingress", "Egress")

_WILDCARD_FMT = r"\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_WILDCARD_RE = re.compile(_WILDCARD_FMT)
_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH_RE = re.compile(_HTTP_PATH_FMT)


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(v.max_len_error(253))
    if not _WILDCARD_RE.fullmatch(value):
        errs.append(v.regex_error("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
                                  "subdomain, which must consist of lower case alphanumeric characters, '-' or '.' "
                                  "and end with an alphanumeric character", _WILDCARD_FMT, "*.example.com"))
    return errs


def validate_domain_prefixed_path(value: Any, path: str) -> list[Cause]:
    """util/validation IsDomainPrefixedPath (IngressClass controllers, Job managedBy)."""
    if not value or not isinstance(value, str):
        return [v.required(path)]
    segments = value.split("/", 1)
    if len(segments) != 2 or not segments[0] or not segments[1]:
        return [v.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    out = [v.invalid(path, segments[0], m) for m in v.is_dns1123_subdomain(segments[0])]
    if not _HTTP_PATH_RE.fullmatch(segments[1]):
        out.append(v.invalid(path, segments[1], v.regex_error("Invalid path", _HTTP_PATH_FMT)))
    return out


def parse_ip_sloppy(s: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """netutils.ParseIPSloppy: IPv4 parts may carry leading zeros."""
    try:
        return ipaddress.ip_address(s)
    except ValueError:
        parts = s.split(".")
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):
            try:
                return ipaddress.ip_address(".".join(str(int(p)) for p in parts))
            except ValueError:
                return None
        return None


def parse_cidr_sloppy(s: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    ip, sep, bits = s.partition("/")
    addr = parse_ip_sloppy(ip)
    if not sep or addr is None or not bits.isdigit():
        return None
    try:
        return ipaddress.ip_network(f"{addr}/{int(bits)}", strict=False)
    except ValueError:
        return None


_CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def validate_legacy_cidr(value: Any, path: str) -> list[Cause]:
    if not isinstance(value, str) or parse_cidr_sloppy(value) is None:
        return [v.invalid(path, value, _CIDR_MSG)]
    return []


def validate_cidr(value: Any, path: str) -> list[Cause]:
    """IsValidCIDR (fields without legacy leniency): valid and in canonical form."""
    try:
        net = ipaddress.ip_network(value, strict=False) if isinstance(value, str) and "/" in value else None
    except ValueError:
        net = None
    if net is None:
        return [v.invalid(path, value, _CIDR_MSG)]
    if str(net) != value:
        return [v.invalid(path, value, f'must be in canonical form ("{net}")')]
    return []


def _path_segment(value: Any, path: str) -> list[Cause]:
    return [v.invalid(path, value, m) for m in v.path_segment_name(str(value))]


# ---------------------------------------------------------------------------
# Ingress


@register("networking.k8s.io", "Ingress")
class IngressStrategy(StatusStrategy):
    initial_status = {"loadBalancer": {}}

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_ingress_spec(spec_of(obj), "spec", allow_invalid_secret=False, allow_invalid_wildcard=False))
        annotations = d(d(obj.get("metadata")).get("annotations"))
        cls = spec_of(obj).get("ingressClassName")
        if INGRESS_CLASS_ANNOTATION in annotations and cls is not None and annotations[INGRESS_CLASS_ANNOTATION] != cls:
            out.append(v.invalid(f"annotations.{INGRESS_CLASS_ANNOTATION}", annotations[INGRESS_CLASS_ANNOTATION],
                                 "must match `ingressClassName` when both are specified"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        lb = d(d(obj.get("status")).get("loadBalancer"))
        for i, ing in enumerate(lst(lb.get("ingress"))):
            ing = d(ing)
            p = f"status.loadBalancer.ingress[{i}]"
            ip = ing.get("ip")
            if ip and parse_ip_sloppy(str(ip)) is None:
                out.append(v.invalid(f"{p}.ip", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
            host = ing.get("hostname")
            if host and isinstance(host, str):
                out.extend(v.validate_dns1123_subdomain(host, f"{p}.hostname"))
                if parse_ip_sloppy(host) is not None:
                    out.append(v.invalid(f"{p}.hostname", host, "must be a DNS name, not an IP address"))
        return out

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        annotations = d(d(obj.get("metadata")).get("annotations"))
        if old is None and INGRESS_CLASS_ANNOTATION in annotations:
            return [f'annotation "{INGRESS_CLASS_ANNOTATION}" is deprecated, please use \'spec.ingressClassName\' '
                    "instead"]
        return []


def validate_ingress_spec(spec: Obj, path: str, allow_invalid_secret: bool, allow_invalid_wildcard: bool) -> list[Cause]:
    out: list[Cause] = []
    rules = lst(spec.get("rules"))
    default_backend = spec.get("defaultBackend")
    if not rules and default_backend is None:
        out.append(v.invalid(path, spec.get("rules"), "either `defaultBackend` or `rules` must be specified"))
    if default_backend is not None:
        out.extend(_validate_backend(d(default_backend), f"{path}.defaultBackend"))
    for i, rule in enumerate(rules):
        rule = d(rule)
        rp = f"{path}.rules[{i}]"
        host = rule.get("host")
        wildcard = False
        if host and isinstance(host, str):
            if parse_ip_sloppy(host) is not None:
                out.append(v.invalid(f"{rp}.host", host, "must be a DNS name, not an IP address"))
            if "*" in host:
                out.extend(v.invalid(f"{rp}.host", host, m) for m in is_wildcard_dns1123_subdomain(host))
                wildcard = True
            else:
                out.extend(v.validate_dns1123_subdomain(host, f"{rp}.host"))
        if not wildcard or not allow_invalid_wildcard:
            http = rule.get("http")
            if isinstance(http, dict):
                out.extend(_validate_http_rule(http, f"{rp}.http"))
    for ti, tls in enumerate(lst(spec.get("tls"))):
        tls = d(tls)
        tp = f"{path}.tls[{ti}]"
        for hi, host in enumerate(lst(tls.get("hosts"))):
            hp = f"{tp}.hosts[{hi}]"
            host = str(host)
            if "*" in host:
                out.extend(v.invalid(hp, host, m) for m in is_wildcard_dns1123_subdomain(host))
            else:
                out.extend(v.validate_dns1123_subdomain(host, hp))
        secret = tls.get("secretName")
        if secret and not allow_invalid_secret:
            out.extend(v.validate_dns1123_subdomain(str(secret), f"{tp}.secretName"))
    cls = spec.get("ingressClassName")
    if cls is not None:
        out.extend(v.invalid(f"{path}.ingressClassName", cls, m) for m in v.dns1123_subdomain(str(cls)))
    return out


def _validate_http_rule(http: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    paths = lst(http.get("paths"))
    if not paths:
        out.append(v.required(f"{path}.paths"))
    for i, p in enumerate(paths):
        p = d(p)
        pp = f"{path}.paths[{i}]"
        kind = p.get("pathType")
        if kind is None:
            out.append(v.required(f"{pp}.pathType", "pathType must be specified"))
            continue
        value = p.get("path", "")
        value = value if isinstance(value, str) else ""
        if kind in ("Exact", "Prefix"):
            if not value.startswith("/"):
                out.append(v.invalid(f"{pp}.path", value, "must be an absolute path"))
            for seq in INVALID_PATH_SEQUENCES:
                if seq in value:
                    out.append(v.invalid(f"{pp}.path", value, f"must not contain '{seq}'"))
            for suffix in INVALID_PATH_SUFFIXES:
                if value.endswith(suffix):
                    out.append(v.invalid(f"{pp}.path", value, f"cannot end with '{suffix}'"))
        elif kind == "ImplementationSpecific":
            if value and not value.startswith("/"):
                out.append(v.invalid(f"{pp}.path", value, "must be an absolute path"))
        else:
            out.append(v.not_supported(f"{pp}.pathType", kind, PATH_TYPES))
        out.extend(_validate_backend(d(p.get("backend")), f"{pp}.backend"))
    return out


def _validate_backend(backend: Obj, path: str) -> list[Cause]:
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        return [v.invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        return validate_typed_local_ref(d(resource), f"{path}.resource")
    if service is None:
        return [v.invalid(path, "", "resource or service backend is required")]
    service = d(service)
    out: list[Cause] = []
    name = service.get("name")
    if not name:
        out.append(v.required(f"{path}.service.name"))
    else:
        out.extend(v.invalid(f"{path}.service.name", name, m) for m in v.dns1035_label(str(name)))
    port = d(service.get("port"))
    pname, number = port.get("name") or "", port.get("number") or 0
    if pname and number:
        out.append(v.invalid(path, "", "cannot set both port name & port number"))
    elif pname:
        out.extend(v.invalid(f"{path}.service.port.name", pname, m) for m in v.is_valid_port_name(str(pname)))
    elif number:
        out.extend(v.invalid(f"{path}.service.port.number", number, m) for m in v.is_valid_port_num(number))
    else:
        out.append(v.required(path, "port name or number is required"))
    return out


def validate_typed_local_ref(ref: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    group = ref.get("apiGroup")
    if group is not None:
        out.extend(v.validate_dns1123_subdomain(str(group), f"{path}.apiGroup"))
    for f in ("kind", "name"):
        val = ref.get(f)
        if not val:
            out.append(v.required(f"{path}.{f}", f"{f} is required"))
        else:
            out.extend(_path_segment(val, f"{path}.{f}"))
    return out


# ---------------------------------------------------------------------------
# IngressClass


@register("networking.k8s.io", "IngressClass")
class IngressClassStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        params = spec_of(obj).get("parameters")
        if isinstance(params, dict) and params.get("scope") is None:
            params["scope"] = "Cluster"

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        controller = spec.get("controller", "")
        if isinstance(controller, str) and len(controller) > MAX_CONTROLLER_LEN:
            out.append(v.too_long("spec.controller", MAX_CONTROLLER_LEN))
        out.extend(validate_domain_prefixed_path(controller, "spec.controller"))
        params = spec.get("parameters")
        if isinstance(params, dict):
            out.extend(_validate_parameters(params, "spec.parameters"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        out.extend(v.validate_immutable(spec_of(obj).get("controller"), d(old.get("spec")).get("controller"),
                                        "spec.controller"))
        return out


def _validate_parameters(params: Obj, path: str) -> list[Cause]:
    out = validate_typed_local_ref(params, path)
    scope = params.get("scope")
    if scope is None:
        out.append(v.required(f"{path}.scope"))
        return out
    if scope not in PARAMETER_SCOPES:
        out.append(v.not_supported(f"{path}.scope", scope, PARAMETER_SCOPES))
    elif scope == "Namespace":
        ns = params.get("namespace")
        if ns is None:
            out.append(v.required(f"{path}.namespace", "`parameters.scope` is set to 'Namespace'"))
        else:
            out.extend(v.invalid(f"{path}.namespace", ns, m) for m in v.dns1123_label(str(ns)))
    elif params.get("namespace") is not None:
        out.append(v.forbidden(f"{path}.namespace", "`parameters.scope` is set to 'Cluster'"))
    return out


# ---------------------------------------------------------------------------
# NetworkPolicy


@register("networking.k8s.io", "NetworkPolicy")
class NetworkPolicyStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        for direction in ("ingress", "egress"):
            for rule in lst(spec.get(direction)):
                for port in lst(d(rule).get("ports")):
                    if isinstance(port, dict) and port.get("protocol") is None:
                        port["protocol"] = "TCP"
        if not spec.get("policyTypes"):
            spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_network_policy_spec(spec_of(obj), "spec"))
        return out


def validate_network_policy_spec(spec: Obj, path: str) -> list[Cause]:
    out = v.validate_label_selector(d(spec.get("podSelector")), f"{path}.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(lst(spec.get(direction))):
            rule = d(rule)
            rp = f"{path}.{direction}[{i}]"
            for j, port in enumerate(lst(rule.get("ports"))):
                out.extend(_validate_netpol_port(d(port), f"{rp}.ports[{j}]"))
            for j, peer in enumerate(lst(rule.get(peers))):
                out.extend(_validate_peer(d(peer), f"{rp}.{peers}[{j}]"))
    types = lst(spec.get("policyTypes"))
    if len(types) > 2:
        out.append(v.invalid(f"{path}.policyTypes", types, "may not specify more than two policyTypes"))
        return out
    for i, t in enumerate(types):
        if t not in POLICY_TYPES:
            out.append(v.not_supported(f"{path}.policyTypes[{i}]", t, POLICY_TYPES))
    return out


def _validate_netpol_port(port: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    proto = port.get("protocol")
    if proto is not None and proto not in NETPOL_PROTOCOLS:
        out.append(v.not_supported(f"{path}.protocol", proto, NETPOL_PROTOCOLS))
    p, end = port.get("port"), port.get("endPort")
    if p is not None:
        if is_int(p):
            out.extend(v.invalid(f"{path}.port", p, m) for m in v.is_valid_port_num(p))
            if end is not None:
                if is_int(end) and end < p:
                    out.append(v.invalid(f"{path}.endPort", p, "must be greater than or equal to `port`"))
                out.extend(v.invalid(f"{path}.endPort", end, m) for m in v.is_valid_port_num(end))
        else:
            if end is not None:
                out.append(v.invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric"))
            out.extend(v.invalid(f"{path}.port", p, m) for m in v.is_valid_port_name(str(p)))
    elif end is not None:
        out.append(v.invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified"))
    return out


def _validate_peer(peer: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    n = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            n += 1
            out.extend(v.validate_label_selector(peer[key], f"{path}.{key}"))
    block = peer.get("ipBlock")
    if block is not None:
        n += 1
        out.extend(_validate_ip_block(d(block), f"{path}.ipBlock"))
    if n == 0:
        out.append(v.required(path, "must specify a peer"))
    elif n > 1 and block is not None:
        out.append(v.forbidden(path, "may not specify both ipBlock and another peer"))
    return out


def _validate_ip_block(block: Obj, path: str) -> list[Cause]:
    cidr = block.get("cidr")
    if not cidr:
        return [v.required(f"{path}.cidr")]
    out = validate_legacy_cidr(cidr, f"{path}.cidr")
    net = parse_cidr_sloppy(str(cidr))
    if net is None:
        return out
    for i, ex in enumerate(lst(block.get("except"))):
        ep = f"{path}.except[{i}]"
        errs = validate_legacy_cidr(ex, ep)
        out.extend(errs)
        exnet = parse_cidr_sloppy(str(ex))
        if exnet is None:
            continue
        if exnet.version != net.version or exnet.network_address not in net or net.prefixlen >= exnet.prefixlen:
            out.append(v.invalid(ep, ex, "must be a strict subset of `cidr`"))
    return out


# ---------------------------------------------------------------------------
# IPAddress and ServiceCIDR


def ip_address_name(name: str, prefix: bool = False) -> list[str]:
    """ValidateIPAddressName: the name is an IP address in canonical form."""
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ["must not be an IPv4-mapped IPv6 address"]
    if str(ip) != name:
        return [f'must be in canonical form ("{ip}")']
    return []


@register("networking.k8s.io", "IPAddress")
class IPAddressStrategy(Strategy):
    tracks_generation = False
    name_validator = staticmethod(ip_address_name)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        ref = spec_of(obj).get("parentRef")
        path = "spec.parentRef"
        if ref is None:
            out.append(v.required(path))
            return out
        ref = d(ref)
        if ref.get("group"):
            out.extend(v.validate_dns1123_subdomain(str(ref["group"]), f"{path}.group"))
        for f in ("resource", "name"):
            if not ref.get(f):
                out.append(v.required(f"{path}.{f}"))
            else:
                out.extend(_path_segment(ref[f], f"{path}.{f}"))
        if ref.get("namespace"):
            out.extend(_path_segment(ref["namespace"], f"{path}.namespace"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        new_ref, old_ref = spec_of(obj).get("parentRef"), d(old.get("spec")).get("parentRef")
        if new_ref != old_ref:
            out.append(Cause("spec.parentRef", "Invalid value: &networking.ParentReference{...}: field is immutable",
                             v.INVALID))
        return out


@register("networking.k8s.io", "ServiceCIDR")
class ServiceCIDRStrategy(StatusStrategy):
    tracks_generation = False

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        cidrs = spec_of(obj).get("cidrs")
        path = "spec.cidrs"
        cidrs = lst(cidrs)
        if not cidrs:
            out.append(v.required(path, "at least one CIDR required"))
            return out
        if len(cidrs) > 2:
            out.append(Cause(path, "Invalid value: networking.ServiceCIDRSpec{...}: may only hold up to 2 values",
                             v.INVALID))
            return out
        if len(cidrs) == 2:
            nets = [parse_cidr_sloppy(str(c)) for c in cidrs]
            if None in nets or nets[0].version == nets[1].version:  # type: ignore[union-attr]
                out.append(Cause(path, "Invalid value: networking.ServiceCIDRSpec{...}: may specify no more than "
                                       "one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64", v.INVALID))
                return out
        for i, c in enumerate(cidrs):
            out.extend(validate_cidr(c, f"{path}[{i}]"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        new, prev = lst(spec_of(obj).get("cidrs")), lst(d(old.get("spec")).get("cidrs"))
        path = "spec.cidrs"
        if len(new) == len(prev):
            for i, c in enumerate(prev):
                if new[i] != c:
                    out.append(v.immutable(f"{path}[{i}]", new[i]))
        elif len(prev) == 1 and len(new) == 2:
            # Adding the other family turns a single-stack range dual-stack.
            if new[0] != prev[0]:
                out.append(v.immutable(f"{path}[0]", new[0]))
        else:
            out.append(v.immutable(path, new))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
