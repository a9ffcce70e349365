"""flowcontrol.apiserver.k8s.io/v1: FlowSchema and PriorityLevelConfiguration.

Upstream's pkg/apis/flowcontrol/v1/defaults.go, pkg/apis/flowcontrol/validation
and the registry strategies (Kubernetes 1.33). The fixed specs of the
mandatory objects (`exempt`, `catch-all`) are kept by the API server's
bootstrap, not checked here.
"""

from __future__ import annotations

import math

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, is_int, lst, spec_of
from bosun.api.strategy import Obj, register
from bosun.machinery.errors import Cause

GROUP = "flowcontrol.apiserver.k8s.io"
DEFAULT_MATCHING_PRECEDENCE = 1000
MAX_MATCHING_PRECEDENCE = 10000
DEFAULT_NOMINAL_SHARES = 30
DEFAULT_HAND_SIZE, DEFAULT_QUEUES, DEFAULT_QUEUE_LENGTH_LIMIT = 8, 64, 50
MAX_QUEUES = 10_000_000
MAX_HASH_BITS = 60
DISTINGUISHER_METHODS = ("ByNamespace", "ByUser")
SUBJECT_KINDS = ("Group", "ServiceAccount", "User")
VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch")
ENABLEMENTS = ("Exempt", "Limited")
LIMIT_RESPONSE_TYPES = ("Queue", "Reject")


def _wildcard(values: list, path: str, what: str) -> list[Cause]:
    if "*" in values and len(values) > 1:
        return [v.invalid(path, values, f"if '*' is present, must not specify other {what}")]
    return []


# ---------------------------------------------------------------------------
# FlowSchema


@register(GROUP, "FlowSchema")
class FlowSchemaStrategy(StatusStrategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        if not spec.get("matchingPrecedence"):
            spec["matchingPrecedence"] = DEFAULT_MATCHING_PRECEDENCE

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        name = d(obj.get("metadata")).get("name") or ""
        spec = spec_of(obj)
        mp = spec.get("matchingPrecedence", 0)
        if is_int(mp):
            if mp <= 0:
                out.append(v.invalid("spec.matchingPrecedence", mp, "must be a positive value"))
            if mp > MAX_MATCHING_PRECEDENCE:
                out.append(v.invalid("spec.matchingPrecedence", mp, f"must not be greater than {MAX_MATCHING_PRECEDENCE}"))
            if mp == 1 and name != "exempt":
                out.append(v.invalid("spec.matchingPrecedence", mp, "only the schema named 'exempt' may have "
                                                                    "matchingPrecedence 1"))
        dm = spec.get("distinguisherMethod")
        if isinstance(dm, dict) and dm.get("type") not in DISTINGUISHER_METHODS:
            out.append(Cause("spec.distinguisherMethod.type", "Unsupported value: flowcontrol.FlowDistinguisherMethod"
                                                              f"{{Type:{v.go_value(dm.get('type') or '')}}}: supported "
                                                              'values: "ByNamespace", "ByUser"', v.NOT_SUPPORTED))
        pl = d(spec.get("priorityLevelConfiguration")).get("name") or ""
        if pl:
            out.extend(v.invalid("spec.priorityLevelConfiguration.name", pl, m) for m in v.dns1123_subdomain(str(pl)))
        else:
            out.append(v.required("spec.priorityLevelConfiguration.name", "must reference a priority level"))
        for i, rule in enumerate(lst(spec.get("rules"))):
            out.extend(_validate_rule(d(rule), f"spec.rules[{i}]"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))


def _validate_rule(rule: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    subjects = lst(rule.get("subjects"))
    if not subjects:
        out.append(v.required(f"{path}.subjects", "subjects must contain at least one value"))
    for i, s in enumerate(subjects):
        out.extend(_validate_subject(d(s), f"{path}.subjects[{i}]"))
    rr, nrr = lst(rule.get("resourceRules")), lst(rule.get("nonResourceRules"))
    if not rr and not nrr:
        out.append(v.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"))
    for i, r in enumerate(rr):
        out.extend(_validate_resource_rule(d(r), f"{path}.resourceRules[{i}]"))
    for i, r in enumerate(nrr):
        out.extend(_validate_non_resource_rule(d(r), f"{path}.nonResourceRules[{i}]"))
    return out


def _validate_subject(s: Obj, path: str) -> list[Cause]:
    kind = s.get("kind") or ""
    out: list[Cause] = []
    fields = {"ServiceAccount": "serviceAccount", "User": "user", "Group": "group"}
    if kind not in fields:
        return [v.not_supported(f"{path}.kind", kind, SUBJECT_KINDS)]
    own = fields[kind]
    detail = s.get(own)
    if detail is None:
        out.append(v.required(f"{path}.{own}", f"{own} is required when subject kind is '{kind}'"))
    else:
        detail = d(detail)
        name = detail.get("name") or ""
        if not name:
            out.append(v.required(f"{path}.{own}.name"))
        elif kind == "ServiceAccount" and name != "*":
            out.extend(v.invalid(f"{path}.{own}.name", name, m) for m in v.dns1123_subdomain(str(name)))
        if kind == "ServiceAccount":
            ns = detail.get("namespace") or ""
            if ns:
                out.extend(v.invalid(f"{path}.{own}.namespace", ns, m) for m in v.dns1123_label(str(ns)))
            else:
                out.append(v.required(f"{path}.{own}.namespace", "must specify namespace for service account"))
    for other_kind, other in fields.items():
        if other != own and s.get(other) is not None:
            out.append(v.forbidden(f"{path}.{other}", f"{other} is forbidden when subject kind is not '{other_kind}'"))
    return out


def _validate_verbs(verbs: list, path: str) -> list[Cause]:
    if not verbs:
        return [v.required(path, "verbs must contain at least one value")]
    if "*" in verbs:
        return _wildcard(verbs, path, "verbs")
    if any(x not in VERBS for x in verbs):
        return [v.not_supported(path, verbs, VERBS)]
    return []


def _validate_resource_rule(rule: Obj, path: str) -> list[Cause]:
    out = _validate_verbs(lst(rule.get("verbs")), f"{path}.verbs")
    groups = lst(rule.get("apiGroups"))
    if not groups:
        out.append(v.required(f"{path}.apiGroups", "resource rules must supply at least one api group"))
    out.extend(_wildcard(groups, f"{path}.apiGroups", "api groups"))
    resources = lst(rule.get("resources"))
    if not resources:
        out.append(v.required(f"{path}.resources", "resource rules must supply at least one resource"))
    out.extend(_wildcard(resources, f"{path}.resources", "resources"))
    namespaces = lst(rule.get("namespaces"))
    if not namespaces and rule.get("clusterScope") is not True:
        out.append(v.required(f"{path}.namespaces", "resource rules that are not cluster scoped must supply at least "
                                                    "one namespace"))
    elif "*" in namespaces:
        out.extend(_wildcard(namespaces, f"{path}.namespaces", "namespaces"))
    else:
        for i, ns in enumerate(namespaces):
            out.extend(v.invalid(f"{path}.namespaces[{i}]", ns, m) for m in v.dns1123_label(str(ns)))
    return out


def _validate_non_resource_rule(rule: Obj, path: str) -> list[Cause]:
    out = _validate_verbs(lst(rule.get("verbs")), f"{path}.verbs")
    urls = lst(rule.get("nonResourceURLs"))
    if not urls:
        out.append(v.required(f"{path}.nonResourceURLs", "nonResourceURLs must contain at least one value"))
    elif "*" in urls:
        out.extend(_wildcard(urls, f"{path}.nonResourceURLs", "non-resource URLs"))
    else:
        for i, url in enumerate(urls):
            out.extend(_validate_url_path(str(url), f"{path}.nonResourceURLs[{i}]"))
    return out


def _validate_url_path(url: str, path: str) -> list[Cause]:
    """ValidateNonResourceURLPath."""
    if not url:
        return [v.invalid(path, url, "must not be empty")]
    if url == "/":
        return []
    if not url.startswith("/"):
        return [v.invalid(path, url, "must start with slash")]
    if "//" in url:
        return [v.invalid(path, url, "must not contain double slashes")]
    parts = url[1:].split("/")
    for i, seg in enumerate(parts):
        if seg == "*" and i != len(parts) - 1:
            return [v.invalid(path, url, "wildcard can only do suffix matching")]
    return []


# ---------------------------------------------------------------------------
# PriorityLevelConfiguration


@register(GROUP, "PriorityLevelConfiguration")
class PriorityLevelConfigurationStrategy(StatusStrategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        limited = spec.get("limited")
        if isinstance(limited, dict):
            if limited.get("nominalConcurrencyShares") is None:
                limited["nominalConcurrencyShares"] = DEFAULT_NOMINAL_SHARES
            if limited.get("lendablePercent") is None:
                limited["lendablePercent"] = 0
            queuing = d(limited.get("limitResponse")).get("queuing")
            if isinstance(queuing, dict):
                for key, value in (("handSize", DEFAULT_HAND_SIZE), ("queues", DEFAULT_QUEUES),
                                   ("queueLengthLimit", DEFAULT_QUEUE_LENGTH_LIMIT)):
                    if not queuing.get(key):
                        queuing[key] = value
        exempt = spec.get("exempt")
        if isinstance(exempt, dict):
            exempt.setdefault("nominalConcurrencyShares", 0)
            exempt.setdefault("lendablePercent", 0)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        name = d(obj.get("metadata")).get("name") or ""
        spec = spec_of(obj)
        kind = spec.get("type") or ""
        if (name == "exempt") != (kind == "Exempt"):
            out.append(v.invalid("spec.type", kind, "type must be 'Exempt' if and only if name is 'exempt'"))
        if kind == "Exempt":
            if spec.get("limited") is not None:
                out.append(v.forbidden("spec.limited", "must be nil if the type is not Limited"))
            exempt = spec.get("exempt")
            if isinstance(exempt, dict):
                out.extend(_validate_shares_and_lending(exempt, "spec.exempt"))
        elif kind == "Limited":
            if spec.get("exempt") is not None:
                out.append(v.forbidden("spec.exempt", "must be nil if the type is Limited"))
            limited = spec.get("limited")
            if not isinstance(limited, dict):
                out.append(v.required("spec.limited", "must not be empty when type is Limited"))
            else:
                out.extend(_validate_limited(limited, "spec.limited"))
        else:
            out.append(v.not_supported("spec.type", kind, ENABLEMENTS))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))


def _validate_shares_and_lending(cfg: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    shares = cfg.get("nominalConcurrencyShares")
    if is_int(shares) and shares < 0:
        out.append(v.invalid(f"{path}.nominalConcurrencyShares", shares, "must be a non-negative integer"))
    lending = cfg.get("lendablePercent")
    if is_int(lending) and not 0 <= lending <= 100:
        out.append(v.invalid(f"{path}.lendablePercent", lending, "must be between 0 and 100, inclusive"))
    return out


def _validate_limited(limited: Obj, path: str) -> list[Cause]:
    out = _validate_shares_and_lending(limited, path)
    borrowing = limited.get("borrowingLimitPercent")
    if is_int(borrowing) and borrowing < 0:
        out.append(v.invalid(f"{path}.borrowingLimitPercent", borrowing, "if specified, must be a non-negative integer"))
    lr = d(limited.get("limitResponse"))
    lpath = f"{path}.limitResponse"
    kind = lr.get("type") or ""
    queuing = lr.get("queuing")
    if kind == "Reject":
        if queuing is not None:
            out.append(v.forbidden(f"{lpath}.queuing", "must be nil if limited.limitResponse.type is not Limited"))
    elif kind == "Queue":
        if not isinstance(queuing, dict):
            out.append(v.required(f"{lpath}.queuing", "must not be empty if limited.limitResponse.type is Limited"))
        else:
            out.extend(_validate_queuing(queuing, f"{lpath}.queuing"))
    else:
        out.append(v.not_supported(f"{lpath}.type", kind, LIMIT_RESPONSE_TYPES))
    return out


def _validate_queuing(q: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    qll, queues, hand = q.get("queueLengthLimit", 0), q.get("queues", 0), q.get("handSize", 0)
    if is_int(qll) and qll <= 0:
        out.append(v.invalid(f"{path}.queueLengthLimit", qll, "must be positive"))
    if is_int(queues) and queues <= 0:
        out.append(v.invalid(f"{path}.queues", queues, "must be positive"))
    elif is_int(queues) and queues > MAX_QUEUES:
        out.append(v.invalid(f"{path}.queues", queues, f"must not be greater than {MAX_QUEUES}"))
    if is_int(hand) and hand <= 0:
        out.append(v.invalid(f"{path}.handSize", hand, "must be positive"))
    elif is_int(hand) and is_int(queues) and hand > queues:
        out.append(v.invalid(f"{path}.handSize", hand, f"should not be greater than queues ({queues})"))
    elif is_int(hand) and is_int(queues) and queues > 0 and math.ceil(math.log2(queues) * hand) > MAX_HASH_BITS:
        out.append(v.invalid(f"{path}.handSize", hand, f"required entropy bits of deckSize {queues} and handSize "
                                                      f"{hand} should not be greater than {MAX_HASH_BITS}"))
    return out
