"""apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision.

Upstream's pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation and
pkg/registry/apps/*/strategy.go (Kubernetes 1.33). The int-or-percent and
selector helpers here are shared by the other workload groups (batch,
policy), as upstream's policy validation imports the apps one.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from bosun.api import validation as v
from bosun.api.core import default_pod_template, default_pvc_spec
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause
from bosun.machinery.labels import SelectorError, go_quote, selector_from_label_selector

DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


# ---------------------------------------------------------------------------
# Small readers (objects may still carry wrong types here)


def d(x: Any) -> Obj:
    return x if isinstance(x, dict) else {}


def lst(x: Any) -> list:
    return x if isinstance(x, list) else []


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def spec_of(obj: Obj) -> Obj:
    """obj.spec as a dict, created when missing (defaulting writes into it)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


# ---------------------------------------------------------------------------
# Go renderings of bad values that upstream prints with %#v


def go_intstr(x: Any) -> str:
    """An intstr.IntOrString as %#v prints it (its String method has a pointer receiver)."""
    if isinstance(x, str):
        return f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(x)}}}"
    n = x if is_int(x) else 0
    return f'intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:""}}'


def go_selector(sel: Any) -> str:
    """A metav1.LabelSelector as %#v prints it."""
    sel = d(sel)
    ml = sel.get("matchLabels")
    labels = v.go_value(ml) if isinstance(ml, dict) else "map[string]string(nil)"
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        items = []
        for e in exprs:
            e = d(e)
            vals = e.get("values")
            vs = v.go_value(vals) if isinstance(vals, list) and vals else "[]string(nil)"
            items.append(f"v1.LabelSelectorRequirement{{Key:{go_quote(str(e.get('key', '')))}, "
                         f"Operator:{go_quote(str(e.get('operator', '')))}, Values:{vs}}}")
        ex = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    else:
        ex = "[]v1.LabelSelectorRequirement(nil)"
    return f"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{ex}}}"


def raw_invalid(path: str, rendered: str, detail: str) -> Cause:
    """field.Invalid with a bad value already rendered in Go syntax."""
    return Cause(path, f"Invalid value: {rendered}: {detail}" if detail else f"Invalid value: {rendered}", v.INVALID)


def immutable_selector(new: Any, old: Any, path: str) -> list[Cause]:
    if new != old:
        return [raw_invalid(path, go_selector(new) if new is not None else "null", v.FIELD_IMMUTABLE)]
    return []


# ---------------------------------------------------------------------------
# Int-or-percent (ValidatePositiveIntOrPercent, IsNotMoreThan100Percent)


def percent_value(x: Any) -> int | None:
    if isinstance(x, str) and not v.is_valid_percent(x):
        return int(x[:-1])
    return None


def int_or_percent_value(x: Any) -> int:
    p = percent_value(x)
    if p is not None:
        return p
    if is_int(x):
        return x
    if isinstance(x, str):  # IntValue() of a string: Atoi, 0 on failure
        try:
            return int(x)
        except ValueError:
            return 0
    return 0


def validate_positive_int_or_percent(x: Any, path: str) -> list[Cause]:
    if isinstance(x, str):
        return [raw_invalid(path, go_intstr(x), msg) for msg in v.is_valid_percent(x)]
    if is_int(x):
        return v.validate_nonnegative(x, path)
    return [raw_invalid(path, go_intstr(x), "must be an integer or percentage (e.g '5%')")]


def not_more_than_100_percent(x: Any, path: str) -> list[Cause]:
    p = percent_value(x)
    if p is None or p <= 100:
        return []
    return [raw_invalid(path, go_intstr(x), "must not be greater than 100%")]


# ---------------------------------------------------------------------------
# Selectors and templates


def label_selector(sel: Any):
    """The Selector of a LabelSelector dict, or None when it cannot be built."""
    try:
        return selector_from_label_selector(sel if isinstance(sel, dict) else None)
    except (SelectorError, TypeError, AttributeError):
        return None


def template_labels(spec: Obj) -> dict:
    return d(d(d(spec.get("template")).get("metadata")).get("labels"))


def validate_required_selector(spec: Obj, path: str, kind: str) -> list[Cause]:
    """selector required, strictly valid, not empty (Deployment, ReplicaSet, StatefulSet)."""
    sel = spec.get("selector")
    if sel is None:
        return [v.required(f"{path}.selector")]
    out = v.validate_label_selector(sel, f"{path}.selector")
    sel = d(sel)
    if not d(sel.get("matchLabels")) and not lst(sel.get("matchExpressions")):
        out.append(raw_invalid(f"{path}.selector", go_selector(sel), f"empty selector is invalid for {kind}"))
    return out


def selector_mismatch(sel: Any, labels: dict, path: str) -> list[Cause]:
    s = label_selector(sel)
    if s is not None and not s.empty and not s.matches(labels):
        return [v.invalid(path, labels, "`selector` does not match template `labels`")]
    return []


def validate_template_for_replicas(spec: Obj, path: str, kind: str) -> list[Cause]:
    """ValidatePodTemplateSpecForReplicaSet: selector match, pod template, restartPolicy Always."""
    template = spec.get("template")
    tpath = f"{path}.template"
    if not isinstance(template, dict):
        return [v.required(tpath)]
    out: list[Cause] = []
    if label_selector(spec.get("selector")) is None:
        return [raw_invalid(f"{path}.selector", go_selector(spec.get("selector")), "invalid label selector")]
    out.extend(selector_mismatch(spec.get("selector"), template_labels(spec), f"{tpath}.metadata.labels"))
    out.extend(v.validate_pod_template_spec(template, tpath))
    pod = d(template.get("spec"))
    rp = pod.get("restartPolicy")
    if rp != "Always":
        out.append(v.not_supported(f"{tpath}.spec.restartPolicy", rp if rp is not None else "", ("Always",)))
    if pod.get("activeDeadlineSeconds") is not None:
        out.append(v.forbidden(f"{tpath}.spec.activeDeadlineSeconds", f"activeDeadlineSeconds in {kind} is not Supported"))
    return out


def default_template(spec: Obj) -> None:
    template = spec.get("template")
    if isinstance(template, dict):
        default_pod_template(template)


def nonnegative_fields(obj: Obj, path: str, names: tuple[str, ...]) -> list[Cause]:
    out: list[Cause] = []
    for n in names:
        if n in obj:
            out.extend(v.validate_nonnegative(obj[n], f"{path}.{n}"))
    return out


def not_greater(status: Obj, path: str, field: str, than: str, msg: str) -> list[Cause]:
    a, b = status.get(field, 0), status.get(than, 0)
    if is_int(a) and is_int(b) and a > b:
        return [v.invalid(f"{path}.{field}", a, msg)]
    return []


def collision_count_decrement(new: Obj, old: Obj) -> list[Cause]:
    """IsDecremented(status.collisionCount): set before, and now lower or unset."""
    nc, oc = d(new.get("status")).get("collisionCount"), d(old.get("status")).get("collisionCount")
    if is_int(oc) and (nc is None or (is_int(nc) and nc < oc)):
        return [v.invalid("status.collisionCount", nc if is_int(nc) else 0, "cannot be decremented")]
    return []


class StatusStrategy(Strategy):
    """A kind whose status upstream always serializes: a create starts from its zero status.

    Go writes a status struct even when empty, with the counters that are not
    `omitempty` (a new ReplicaSet reads `status: {replicas: 0}`).
    """

    initial_status: ClassVar[Obj] = {}

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        obj["status"] = copy.deepcopy(self.initial_status)


class WorkloadStrategy(StatusStrategy):
    """What the replicated workloads share: status subresource, generation on spec changes."""

    selector_kind: ClassVar[str] = ""

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # Upstream checks selector immutability after the spec (apps/v1 has no mutable selector).
        out = super().validate_update(obj, old)
        out.extend(immutable_selector(spec_of(obj).get("selector"), d(old.get("spec")).get("selector"),
                                      "spec.selector"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        out.extend(self.validate_status(d(obj.get("status")), "status"))
        out.extend(collision_count_decrement(obj, old))
        return out

    def validate_status(self, status: Obj, path: str) -> list[Cause]:
        return []


# ---------------------------------------------------------------------------
# Deployment


@register("apps", "Deployment")
class DeploymentStrategy(WorkloadStrategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        spec.setdefault("replicas", 1)
        strategy = spec.get("strategy")
        if not isinstance(strategy, dict):
            strategy = spec["strategy"] = {}
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            ru = strategy.get("rollingUpdate")
            if not isinstance(ru, dict):
                ru = strategy["rollingUpdate"] = {}
            if ru.get("maxUnavailable") is None:
                ru["maxUnavailable"] = "25%"
            if ru.get("maxSurge") is None:
                ru["maxSurge"] = "25%"
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        if spec.get("progressDeadlineSeconds") is None:
            spec["progressDeadlineSeconds"] = 600
        default_template(spec)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_deployment_spec(spec_of(obj), "spec"))
        return out

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        # Annotations are copied to the ReplicaSets, so their changes count as a new generation too.
        meta, ometa = obj["metadata"], old["metadata"]
        if meta.get("generation") == ometa.get("generation", 1) and \
                (meta.get("annotations") or {}) != (ometa.get("annotations") or {}):
            meta["generation"] = ometa.get("generation", 1) + 1

    def validate_status(self, status: Obj, path: str) -> list[Cause]:
        out = nonnegative_fields(status, path, ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                                                "availableReplicas", "unavailableReplicas", "terminatingReplicas",
                                                "collisionCount"))
        msg = "cannot be greater than status.replicas"
        for f in ("updatedReplicas", "readyReplicas", "availableReplicas"):
            out.extend(not_greater(status, path, f, "replicas", msg))
        out.extend(not_greater(status, path, "availableReplicas", "readyReplicas",
                               "cannot be greater than readyReplicas"))
        return out


def validate_deployment_spec(spec: Obj, path: str) -> list[Cause]:
    out = v.validate_nonnegative(spec.get("replicas"), f"{path}.replicas")
    out.extend(validate_required_selector(spec, path, "deployment"))
    out.extend(validate_template_for_replicas(spec, path, "ReplicaSet"))
    out.extend(validate_deployment_strategy(d(spec.get("strategy")), f"{path}.strategy"))
    out.extend(v.validate_nonnegative(spec.get("minReadySeconds", 0), f"{path}.minReadySeconds"))
    if spec.get("revisionHistoryLimit") is not None:
        out.extend(v.validate_nonnegative(spec["revisionHistoryLimit"], f"{path}.revisionHistoryLimit"))
    rollback = spec.get("rollbackTo")
    if isinstance(rollback, dict):
        out.extend(v.validate_nonnegative(rollback.get("revision", 0), f"{path}.rollback.version"))
    pds = spec.get("progressDeadlineSeconds")
    if pds is not None:
        out.extend(v.validate_nonnegative(pds, f"{path}.progressDeadlineSeconds"))
        mrs = spec.get("minReadySeconds", 0)
        if is_int(pds) and is_int(mrs) and pds <= mrs:
            out.append(v.invalid(f"{path}.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return out


def validate_deployment_strategy(strategy: Obj, path: str) -> list[Cause]:
    kind = strategy.get("type")
    ru = strategy.get("rollingUpdate")
    if kind == "Recreate":
        if ru is not None:
            return [v.forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if kind == "RollingUpdate":
        if not isinstance(ru, dict):
            return [v.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        rpath = f"{path}.rollingUpdate"
        mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
        out = validate_positive_int_or_percent(mu, f"{rpath}.maxUnavailable")
        out.extend(validate_positive_int_or_percent(ms, f"{rpath}.maxSurge"))
        if int_or_percent_value(mu) == 0 and int_or_percent_value(ms) == 0:
            out.append(raw_invalid(f"{rpath}.maxUnavailable", go_intstr(mu), "may not be 0 when `maxSurge` is 0"))
        out.extend(not_more_than_100_percent(mu, f"{rpath}.maxUnavailable"))
        return out
    rendered = (f"apps.DeploymentStrategy{{Type:{go_quote(str(kind or ''))}, "
                f"RollingUpdate:{'(*apps.RollingUpdateDeployment)(nil)' if ru is None else '&apps.RollingUpdateDeployment{...}'}}}")
    return [Cause(path, f'Unsupported value: {rendered}: supported values: "Recreate", "RollingUpdate"',
                  v.NOT_SUPPORTED)]


# ---------------------------------------------------------------------------
# ReplicaSet


@register("apps", "ReplicaSet")
class ReplicaSetStrategy(WorkloadStrategy):
    initial_status = {"replicas": 0}
    field_labels = ("status.replicas",)

    def field_values(self, obj: Obj) -> dict[str, str]:
        replicas = d(obj.get("status")).get("replicas", 0)
        return {"status.replicas": str(replicas if is_int(replicas) else 0)}

    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        spec.setdefault("replicas", 1)
        default_template(spec)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        path = "spec"
        out.extend(v.validate_nonnegative(spec.get("replicas"), f"{path}.replicas"))
        out.extend(v.validate_nonnegative(spec.get("minReadySeconds", 0), f"{path}.minReadySeconds"))
        # Upstream's message says "deployment" for ReplicaSets too.
        out.extend(validate_required_selector(spec, path, "deployment"))
        out.extend(validate_template_for_replicas(spec, path, "ReplicaSet"))
        return out

    def validate_status(self, status: Obj, path: str) -> list[Cause]:
        out = nonnegative_fields(status, path, ("replicas", "fullyLabeledReplicas", "readyReplicas",
                                                "availableReplicas", "observedGeneration", "terminatingReplicas"))
        msg = "cannot be greater than status.replicas"
        for f in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
            out.extend(not_greater(status, path, f, "replicas", msg))
        out.extend(not_greater(status, path, "availableReplicas", "readyReplicas",
                               "cannot be greater than readyReplicas"))
        return out


# ---------------------------------------------------------------------------
# StatefulSet

_STS_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                  "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
_PVC_RETENTION = ("Retain", "Delete")


@register("apps", "StatefulSet")
class StatefulSetStrategy(WorkloadStrategy):
    # StatefulSet names become pod host names: DNS labels since 1.27.
    name_validator = staticmethod(v.dns1123_label)
    initial_status = {"availableReplicas": 0, "replicas": 0}

    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        if not spec.get("podManagementPolicy"):
            spec["podManagementPolicy"] = "OrderedReady"
        us = spec.get("updateStrategy")
        if not isinstance(us, dict):
            us = spec["updateStrategy"] = {}
        if not us.get("type"):
            us["type"] = "RollingUpdate"
            if us.get("rollingUpdate") is None:
                us["rollingUpdate"] = {}
        ru = us.get("rollingUpdate")
        if us["type"] == "RollingUpdate" and isinstance(ru, dict) and ru.get("partition") is None:
            ru["partition"] = 0
        policy = spec.get("persistentVolumeClaimRetentionPolicy")
        if not isinstance(policy, dict):
            policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
        if not policy.get("whenDeleted"):
            policy["whenDeleted"] = "Retain"
        if not policy.get("whenScaled"):
            policy["whenScaled"] = "Retain"
        spec.setdefault("replicas", 1)
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        default_template(spec)
        for claim in lst(spec.get("volumeClaimTemplates")):
            default_pvc_spec(d(claim).get("spec"))
            if isinstance(claim, dict):
                # Upstream serializes the embedded PVC with its (empty) status and TypeMeta.
                claim.setdefault("apiVersion", "v1")
                claim.setdefault("kind", "PersistentVolumeClaim")
                claim.setdefault("status", {"phase": "Pending"})

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_statefulset_spec(spec_of(obj), "spec"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        new_spec, old_spec = spec_of(obj), d(old.get("spec"))
        keys = (new_spec.keys() | old_spec.keys()) - set(_STS_UPDATABLE)
        if any(new_spec.get(k) != old_spec.get(k) for k in keys):
            out.append(v.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                                           "'template', 'updateStrategy', 'revisionHistoryLimit', "
                                           "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                                           "forbidden"))
        return out

    def validate_status(self, status: Obj, path: str) -> list[Cause]:
        out = nonnegative_fields(status, path, ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
                                                "availableReplicas", "observedGeneration", "collisionCount"))
        msg = "cannot be greater than status.replicas"
        for f in ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"):
            out.extend(not_greater(status, path, f, "replicas", msg))
        out.extend(not_greater(status, path, "availableReplicas", "readyReplicas",
                               "cannot be greater than status.readyReplicas"))
        return out


def validate_statefulset_spec(spec: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    pmp = spec.get("podManagementPolicy")
    if not pmp:
        out.append(v.required(f"{path}.podManagementPolicy"))
    elif pmp not in ("OrderedReady", "Parallel"):
        out.append(v.invalid(f"{path}.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    us = d(spec.get("updateStrategy"))
    kind, ru = us.get("type"), us.get("rollingUpdate")
    upath = f"{path}.updateStrategy"
    if not kind:
        out.append(v.required(upath))
    elif kind == "OnDelete":
        if ru is not None:
            out.append(raw_invalid(f"{upath}.rollingUpdate", "apps.RollingUpdateStatefulSetStrategy{...}",
                                   "only allowed for updateStrategy 'RollingUpdate'"))
    elif kind == "RollingUpdate":
        if isinstance(ru, dict):
            rpath = f"{upath}.rollingUpdate"
            out.extend(v.validate_nonnegative(ru.get("partition", 0), f"{rpath}.partition"))
            mu = ru.get("maxUnavailable")
            if mu is not None:
                out.extend(validate_positive_int_or_percent(mu, f"{rpath}.maxUnavailable"))
                if int_or_percent_value(mu) == 0:
                    out.append(raw_invalid(f"{rpath}.maxUnavailable", go_intstr(mu), "cannot be 0"))
                out.extend(not_more_than_100_percent(mu, f"{rpath}.maxUnavailable"))
    else:
        out.append(raw_invalid(upath, f"apps.StatefulSetUpdateStrategy{{Type:{go_quote(str(kind))}, ...}}",
                               "must be 'RollingUpdate' or 'OnDelete'"))
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(policy, dict):
        ppath = f"{path}.persistentVolumeClaimRetentionPolicy"
        for f in ("whenDeleted", "whenScaled"):
            val = policy.get(f, "")
            if val not in _PVC_RETENTION:
                out.append(v.not_supported(f"{ppath}.{f}", val, _PVC_RETENTION))
    out.extend(v.validate_nonnegative(spec.get("replicas"), f"{path}.replicas"))
    out.extend(v.validate_nonnegative(spec.get("minReadySeconds", 0), f"{path}.minReadySeconds"))
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        out.extend(v.validate_nonnegative(ordinals.get("start", 0), f"{path}.ordinals.start"))
    service = spec.get("serviceName")
    if service and isinstance(service, str):
        # The controller puts it in each pod's spec.subdomain, a DNS label (explicit since 1.33).
        out.extend(v.validate_dns1123_label(service, f"{path}.serviceName"))
    out.extend(validate_required_selector(spec, path, "statefulset"))
    template = spec.get("template")
    tpath = f"{path}.template"
    if label_selector(spec.get("selector")) is None:
        out.append(raw_invalid(f"{path}.selector", go_selector(spec.get("selector")), ""))
    elif not isinstance(template, dict):
        out.append(v.required(tpath))
    else:
        # Upstream checks only the template's metadata here, not its pod spec.
        out.extend(selector_mismatch(spec.get("selector"), template_labels(spec), f"{tpath}.metadata.labels"))
        meta = d(template.get("metadata"))
        out.extend(v.validate_labels(meta.get("labels"), f"{tpath}.labels"))
        out.extend(v.validate_annotations(meta.get("annotations"), f"{tpath}.annotations"))
    pod = d(d(template).get("spec"))
    rp = pod.get("restartPolicy")
    if rp != "Always":
        out.append(v.not_supported(f"{tpath}.spec.restartPolicy", rp if rp is not None else "", ("Always",)))
    if pod.get("activeDeadlineSeconds") is not None:
        out.append(v.forbidden(f"{tpath}.spec.activeDeadlineSeconds",
                               "activeDeadlineSeconds in StatefulSet is not Supported"))
    return out


# ---------------------------------------------------------------------------
# DaemonSet


@register("apps", "DaemonSet")
class DaemonSetStrategy(WorkloadStrategy):
    initial_status = {"currentNumberScheduled": 0, "desiredNumberScheduled": 0, "numberMisscheduled": 0,
                      "numberReady": 0}

    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        us = spec.get("updateStrategy")
        if not isinstance(us, dict):
            us = spec["updateStrategy"] = {}
        if not us.get("type"):
            us["type"] = "RollingUpdate"
        if us["type"] == "RollingUpdate":
            ru = us.get("rollingUpdate")
            if not isinstance(ru, dict):
                ru = us["rollingUpdate"] = {}
            if ru.get("maxUnavailable") is None:
                ru["maxUnavailable"] = 1
            if ru.get("maxSurge") is None:
                ru["maxSurge"] = 0
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        default_template(spec)

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        # The internal spec.templateGeneration travels in apps/v1 as this annotation.
        _set_template_generation(obj, 1)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        old_gen = _template_generation(old)
        if d(obj.get("spec")).get("template") != d(old.get("spec")).get("template"):
            _set_template_generation(obj, (old_gen or 0) + 1)
        elif _template_generation(obj) is None and old_gen is not None:
            _set_template_generation(obj, old_gen)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_daemonset_spec(spec_of(obj), "spec"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        new_gen, old_gen = _template_generation(obj) or 0, _template_generation(old) or 0
        changed = d(obj.get("spec")).get("template") != d(old.get("spec")).get("template")
        path = "spec.templateGeneration"
        if new_gen < old_gen:
            out.append(v.invalid(path, new_gen, "must not be decremented"))
        elif new_gen == old_gen and changed:
            out.append(v.invalid(path, new_gen, "must be incremented upon template update"))
        elif new_gen > old_gen and not changed:
            out.append(v.invalid(path, new_gen, "must not be incremented without template update"))
        return out

    def validate_status(self, status: Obj, path: str) -> list[Cause]:
        return nonnegative_fields(status, path, (
            "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady",
            "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable",
            "collisionCount"))


def _template_generation(obj: Obj) -> int | None:
    raw = d(d(obj.get("metadata")).get("annotations")).get(DEPRECATED_TEMPLATE_GENERATION)
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _set_template_generation(obj: Obj, gen: int) -> None:
    meta = obj["metadata"]
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict):
        annotations = meta["annotations"] = {}
    annotations[DEPRECATED_TEMPLATE_GENERATION] = str(gen)


def validate_daemonset_spec(spec: Obj, path: str) -> list[Cause]:
    sel = spec.get("selector")
    out = v.validate_label_selector(sel, f"{path}.selector")
    if sel is None:
        # LabelSelectorAsSelector(nil) selects nothing, so the template labels never match.
        out.append(v.invalid(f"{path}.template.metadata.labels", template_labels(spec),
                             "`selector` does not match template `labels`"))
    else:
        s = label_selector(sel)
        if s is not None and not s.matches(template_labels(spec)):
            out.append(v.invalid(f"{path}.template.metadata.labels", template_labels(spec),
                                 "`selector` does not match template `labels`"))
        if not d(d(sel).get("matchLabels")) and not lst(d(sel).get("matchExpressions")):
            out.append(raw_invalid(f"{path}.selector", go_selector(sel), "empty selector is invalid for daemonset"))
    template = spec.get("template")
    out.extend(v.validate_pod_template_spec(template if isinstance(template, dict) else {}, f"{path}.template"))
    pod = d(d(template).get("spec"))
    rp = pod.get("restartPolicy")
    if rp != "Always":
        out.append(v.not_supported(f"{path}.template.spec.restartPolicy", rp if rp is not None else "", ("Always",)))
    if pod.get("activeDeadlineSeconds") is not None:
        out.append(v.forbidden(f"{path}.template.spec.activeDeadlineSeconds",
                               "activeDeadlineSeconds in DaemonSet is not Supported"))
    out.extend(v.validate_nonnegative(spec.get("minReadySeconds", 0), f"{path}.minReadySeconds"))
    us = d(spec.get("updateStrategy"))
    upath = f"{path}.updateStrategy"
    kind = us.get("type")
    if kind == "RollingUpdate":
        ru = us.get("rollingUpdate")
        if not isinstance(ru, dict):
            out.append(v.required(f"{upath}.rollingUpdate"))
        else:
            rpath = f"{upath}.rollingUpdate"
            mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
            out.extend(validate_positive_int_or_percent(mu, f"{rpath}.maxUnavailable"))
            out.extend(validate_positive_int_or_percent(ms, f"{rpath}.maxSurge"))
            out.extend(not_more_than_100_percent(mu, f"{rpath}.maxUnavailable"))
            out.extend(not_more_than_100_percent(ms, f"{rpath}.maxSurge"))
            has_u, has_s = int_or_percent_value(mu) != 0, int_or_percent_value(ms) != 0
            if has_u and has_s:
                out.append(raw_invalid(f"{rpath}.maxSurge", go_intstr(ms), "may not be set when maxUnavailable is "
                                                                           "non-zero"))
            elif not has_u and not has_s:
                out.append(v.required(f"{rpath}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    elif kind != "OnDelete":
        out.append(Cause(upath, f"Unsupported value: apps.DaemonSetUpdateStrategy{{Type:{go_quote(str(kind or ''))}, "
                                '...}: supported values: "RollingUpdate", "OnDelete"', v.NOT_SUPPORTED))
    if spec.get("revisionHistoryLimit") is not None:
        out.extend(v.validate_nonnegative(spec["revisionHistoryLimit"], f"{path}.revisionHistoryLimit"))
    return out


# ---------------------------------------------------------------------------
# ControllerRevision


@register("apps", "ControllerRevision")
class ControllerRevisionStrategy(Strategy):
    tracks_generation = False

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        if obj.get("data") is None:
            out.append(v.required("data", "data is mandatory"))
        out.extend(v.validate_nonnegative(obj.get("revision", 0), "revision"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if obj.get("data") != old.get("data"):
            out.append(raw_invalid("data", "runtime.RawExtension{...}", v.FIELD_IMMUTABLE))
        return out
