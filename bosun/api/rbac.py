"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding and ClusterRoleBinding.

Upstream's pkg/apis/rbac/v1/defaults.go and pkg/apis/rbac/validation
(Kubernetes 1.33). Names are path segments (`system:controller:...`,
`users:joe`); a binding's roleRef never changes after create.
"""

from __future__ import annotations

from typing import ClassVar

from bosun.api import validation as v
from bosun.api.apps import d, lst
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause
from bosun.machinery.labels import SelectorError, go_quote, selector_from_label_selector

GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ("ServiceAccount", "User", "Group")


class RBACStrategy(Strategy):
    name_validator = staticmethod(v.path_segment_name)
    tracks_generation = False


def validate_policy_rule(rule: Obj, namespaced: bool, path: str) -> list[Cause]:
    out: list[Cause] = []
    if not lst(rule.get("verbs")):
        out.append(v.required(f"{path}.verbs", "verbs must contain at least one value"))
    urls = lst(rule.get("nonResourceURLs"))
    if urls:
        if namespaced:
            out.append(v.invalid(f"{path}.nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"))
        if lst(rule.get("apiGroups")) or lst(rule.get("resources")) or lst(rule.get("resourceNames")):
            out.append(v.invalid(f"{path}.nonResourceURLs", urls,
                                 "rules cannot apply to both regular resources and non-resource URLs"))
        return out
    if not lst(rule.get("apiGroups")):
        out.append(v.required(f"{path}.apiGroups", "resource rules must supply at least one api group"))
    if not lst(rule.get("resources")):
        out.append(v.required(f"{path}.resources", "resource rules must supply at least one resource"))
    return out


@register(GROUP, "Role")
class RoleStrategy(RBACStrategy):
    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        for i, rule in enumerate(lst(obj.get("rules"))):
            out.extend(validate_policy_rule(d(rule), True, f"rules[{i}]"))
        return out


@register(GROUP, "ClusterRole")
class ClusterRoleStrategy(RBACStrategy):
    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        for i, rule in enumerate(lst(obj.get("rules"))):
            out.extend(validate_policy_rule(d(rule), False, f"rules[{i}]"))
        agg = obj.get("aggregationRule")
        if isinstance(agg, dict):
            selectors = lst(agg.get("clusterRoleSelectors"))
            path = "aggregationRule.clusterRoleSelectors"
            if not selectors:
                out.append(v.required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"))
            for i, sel in enumerate(selectors):
                p = f"{path}[{i}]"
                out.extend(v.validate_label_selector(sel, p))
                try:
                    selector_from_label_selector(d(sel))
                except SelectorError:
                    out.append(v.invalid(p, "", "invalid label selector."))
        return out


def default_subjects(obj: Obj) -> None:
    """SetDefaults_Subject: Users and Groups are RBAC's, ServiceAccounts the core group's."""
    for s in lst(obj.get("subjects")):
        if isinstance(s, dict) and not s.get("apiGroup") and s.get("kind") in ("User", "Group"):
            s["apiGroup"] = GROUP


def go_role_ref(ref: Obj) -> str:
    return (f"rbac.RoleRef{{APIGroup:{go_quote(str(ref.get('apiGroup', '')))}, "
            f"Kind:{go_quote(str(ref.get('kind', '')))}, Name:{go_quote(str(ref.get('name', '')))}}}")


class BindingStrategy(RBACStrategy):
    role_kinds: ClassVar[tuple[str, ...]] = ()

    def default(self, obj: Obj) -> None:
        ref = obj.get("roleRef")
        if not isinstance(ref, dict):
            ref = obj["roleRef"] = {}
        if not ref.get("apiGroup"):
            ref["apiGroup"] = GROUP
        default_subjects(obj)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        ref = d(obj.get("roleRef"))
        group = ref.get("apiGroup", "")
        if group != GROUP:
            out.append(v.not_supported("roleRef.apiGroup", group, (GROUP,)))
        kind = ref.get("kind", "")
        if kind not in self.role_kinds:
            out.append(v.not_supported("roleRef.kind", kind, self.role_kinds))
        name = ref.get("name")
        if not name:
            out.append(v.required("roleRef.name"))
        else:
            out.extend(v.invalid("roleRef.name", name, m) for m in v.path_segment_name(str(name)))
        for i, s in enumerate(lst(obj.get("subjects"))):
            out.extend(validate_subject(d(s), self.resource.namespaced, f"subjects[{i}]"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        ref, old_ref = d(obj.get("roleRef")), d(old.get("roleRef"))
        if any(ref.get(k, "") != old_ref.get(k, "") for k in ("apiGroup", "kind", "name")):
            out.append(Cause("roleRef", f"Invalid value: {go_role_ref(ref)}: cannot change roleRef", v.INVALID))
        return out


def validate_subject(s: Obj, namespaced: bool, path: str) -> list[Cause]:
    out: list[Cause] = []
    name = s.get("name") or ""
    if not name:
        out.append(v.required(f"{path}.name"))
    kind = s.get("kind", "")
    group = s.get("apiGroup", "")
    if kind == "ServiceAccount":
        if name:
            out.extend(v.invalid(f"{path}.name", name, m) for m in v.dns1123_subdomain(str(name)))
        if group:
            out.append(v.not_supported(f"{path}.apiGroup", group, ("",)))
        if not namespaced and not s.get("namespace"):
            out.append(v.required(f"{path}.namespace"))
    elif kind in ("User", "Group"):
        if group != GROUP:
            out.append(v.not_supported(f"{path}.apiGroup", group, (GROUP,)))
    else:
        out.append(v.not_supported(f"{path}.kind", kind, SUBJECT_KINDS))
    return out


@register(GROUP, "RoleBinding")
class RoleBindingStrategy(BindingStrategy):
    role_kinds = ("Role", "ClusterRole")


@register(GROUP, "ClusterRoleBinding")
class ClusterRoleBindingStrategy(BindingStrategy):
    role_kinds = ("ClusterRole",)
