"""autoscaling v2 and v1: HorizontalPodAutoscaler.

Upstream's pkg/apis/autoscaling/{v1,v2}/defaults.go, the v1 conversion's
CPU default, pkg/apis/autoscaling/validation and the registry strategy
(Kubernetes 1.33). Both versions share one storage (v2); a request's
object arrives here in its own version, so v1 objects are defaulted as
v1 and validated through their v2 form (upstream validates the internal
type, whose field paths are the v2 ones).
"""

from __future__ import annotations

from typing import Any

from bosun.api import validation as v
from bosun.api.apps import d, is_int, lst, spec_of
from bosun.api.conversion import hpa_v1_to_v2
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

DEFAULT_CPU_UTILIZATION = 80
METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600

METRIC_SOURCE_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
SELECT_POLICIES = ("Disabled", "Max", "Min")
POLICY_TYPES = ("Percent", "Pods")
_SOURCE_FIELD = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
                 "ContainerResource": "containerResource"}


def _cpu_metric() -> Obj:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}


def _scale_up_defaults() -> Obj:
    return {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _scale_down_defaults() -> Obj:
    # No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
    return {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _fill_rules(rules: Any, defaults: Obj) -> Obj:
    """copyHPAScalingRules: the given fields over the defaults."""
    if not isinstance(rules, dict):
        return defaults
    out = defaults
    for k in ("stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"):
        if rules.get(k) is not None:
            out[k] = rules[k]
    return out


def default_hpa_v2(obj: Obj) -> None:
    spec = spec_of(obj)
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [_cpu_metric()]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _fill_rules(behavior.get("scaleUp"), _scale_up_defaults())
        behavior["scaleDown"] = _fill_rules(behavior.get("scaleDown"), _scale_down_defaults())


def default_hpa_v1(obj: Obj) -> None:
    spec = spec_of(obj)
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    # Upstream applies the CPU default in conversion, where the other metrics (an annotation) are known.
    annotations = d(d(obj.get("metadata")).get("annotations"))
    if spec.get("targetCPUUtilizationPercentage") is None and not annotations.get(METRICS_ANNOTATION):
        spec["targetCPUUtilizationPercentage"] = DEFAULT_CPU_UTILIZATION


@register("autoscaling", "HorizontalPodAutoscaler")
class HorizontalPodAutoscalerStrategy(Strategy):
    tracks_generation = False

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        # The zero status as each version serializes it.
        if self.resource.version == "v1":
            obj["status"] = {"currentReplicas": 0, "desiredReplicas": 0}
        else:
            obj["status"] = {"currentMetrics": None, "desiredReplicas": 0}

    def default(self, obj: Obj) -> None:
        if self.resource.version == "v1":
            default_hpa_v1(obj)
        else:
            default_hpa_v2(obj)

    def _v2(self, obj: Obj) -> Obj:
        return hpa_v1_to_v2(obj) if self.resource.version == "v1" else obj

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_hpa_spec(d(self._v2(obj).get("spec")), "spec", min_replicas_lower_bound=1))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        # An HPA that already scales to zero may keep doing so (HPAScaleToZero is alpha, off).
        if d(self._v2(old).get("spec")).get("minReplicas") == 0:
            out.extend(validate_hpa_spec(d(self._v2(obj).get("spec")), "spec", min_replicas_lower_bound=0))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status = d(obj.get("status"))
        for f in ("currentReplicas", "desiredReplicas"):
            out.extend(v.validate_nonnegative(status.get(f, 0), f"status.{f}"))
        return out


def validate_hpa_spec(spec: Obj, path: str, min_replicas_lower_bound: int) -> list[Cause]:
    out: list[Cause] = []
    mn, mx = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if is_int(mn) and mn < min_replicas_lower_bound:
        out.append(v.invalid(f"{path}.minReplicas", mn, f"must be greater than or equal to {min_replicas_lower_bound}"))
    if is_int(mx) and mx < 1:
        out.append(v.invalid(f"{path}.maxReplicas", mx, "must be greater than 0"))
    if is_int(mn) and is_int(mx) and mx < mn:
        out.append(v.invalid(f"{path}.maxReplicas", mx, "must be greater than or equal to `minReplicas`"))
    out.extend(validate_cross_version_ref(d(spec.get("scaleTargetRef")), f"{path}.scaleTargetRef"))
    out.extend(_validate_metrics(lst(spec.get("metrics")), f"{path}.metrics", mn))
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for which in ("scaleUp", "scaleDown"):
            out.extend(_validate_scaling_rules(behavior.get(which), f"{path}.behavior.{which}"))
    return out


def validate_cross_version_ref(ref: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    for f in ("kind", "name"):
        val = ref.get(f)
        if not val:
            out.append(v.required(f"{path}.{f}"))
        elif isinstance(val, str):
            out.extend(v.invalid(f"{path}.{f}", val, m) for m in v.path_segment_name(val))
    return out


def _validate_metrics(metrics: list, path: str, min_replicas: Any) -> list[Cause]:
    out: list[Cause] = []
    has_object_or_external = False
    for i, m in enumerate(metrics):
        m = d(m)
        out.extend(_validate_metric_spec(m, f"{path}[{i}]"))
        has_object_or_external |= m.get("type") in ("Object", "External")
    if min_replicas == 0 and not has_object_or_external:
        out.append(v.forbidden(path, "must specify at least one Object or External metric to support scaling to "
                                     "zero replicas"))
    return out


def _validate_metric_spec(m: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    kind = m.get("type") or ""
    if not kind:
        out.append(v.required(f"{path}.type", "must specify a metric source type"))
    if kind not in METRIC_SOURCE_TYPES:
        out.append(v.not_supported(f"{path}.type", kind, METRIC_SOURCE_TYPES))
    present = [f for f in ("object", "external", "pods", "resource", "containerResource") if m.get(f) is not None]
    if present:
        first = present[0]
        src = d(m[first])
        validate = {"object": _validate_object_source, "external": _validate_external_source,
                    "pods": _validate_pods_source, "resource": _validate_resource_source,
                    "containerResource": _validate_container_resource_source}[first]
        out.extend(validate(src, f"{path}.{first}"))
    expected = _SOURCE_FIELD.get(kind)
    if expected is not None and m.get(expected) is None:
        out.append(v.required(f"{path}.{expected}", "must populate information for the given metric source"))
    if len(present) != 1:
        for f in sorted(set(present) - {expected}):
            out.append(v.forbidden(f"{path}.{f}", "must populate the given metric source only"))
    return out


def _validate_metric_target(t: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    kind = t.get("type") or ""
    if not kind:
        out.append(v.required(f"{path}.type", "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        out.append(v.invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue"))
    for f in ("value", "averageValue"):
        if t.get(f) is not None:
            q = v.parse_q(t[f])
            if q is not None and q.sign() != 1:
                out.append(v.invalid(f"{path}.{f}", str(t[f]), "must be positive"))
    au = t.get("averageUtilization")
    if is_int(au) and au < 1:
        out.append(v.invalid(f"{path}.averageUtilization", au, "must be greater than 0"))
    return out


def _validate_metric_identifier(mid: Obj, path: str) -> list[Cause]:
    name = mid.get("name")
    if not name:
        return [v.required(f"{path}.name", "must specify a metric name")]
    return [v.invalid(f"{path}.name", name, m) for m in v.path_segment_name(str(name))]


def _validate_object_source(src: Obj, path: str) -> list[Cause]:
    target = d(src.get("target"))
    out = validate_cross_version_ref(d(src.get("describedObject")), f"{path}.describedObject")
    out.extend(_validate_metric_identifier(d(src.get("metric")), f"{path}.metric"))
    out.extend(_validate_metric_target(target, f"{path}.target"))
    if target.get("value") is None and target.get("averageValue") is None:
        out.append(v.required(f"{path}.target.averageValue", "must set either a target value or averageValue"))
    return out


def _validate_external_source(src: Obj, path: str) -> list[Cause]:
    target = d(src.get("target"))
    out = _validate_metric_identifier(d(src.get("metric")), f"{path}.metric")
    out.extend(_validate_metric_target(target, f"{path}.target"))
    if target.get("value") is None and target.get("averageValue") is None:
        out.append(v.required(f"{path}.target.averageValue",
                              "must set either a target value for metric or a per-pod target"))
    if target.get("value") is not None and target.get("averageValue") is not None:
        out.append(v.forbidden(f"{path}.target.value", "may not set both a target value for metric and a per-pod "
                                                       "target"))
    return out


def _validate_pods_source(src: Obj, path: str) -> list[Cause]:
    target = d(src.get("target"))
    out = _validate_metric_identifier(d(src.get("metric")), f"{path}.metric")
    out.extend(_validate_metric_target(target, f"{path}.target"))
    if target.get("averageValue") is None:
        out.append(v.required(f"{path}.target.averageValue", "must specify a positive target averageValue"))
    return out


def _utilization_or_value(target: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    if target.get("averageUtilization") is None and target.get("averageValue") is None:
        out.append(v.required(f"{path}.target.averageUtilization",
                              "must set either a target raw value or a target utilization"))
    if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
        out.append(v.forbidden(f"{path}.target.averageValue",
                               "may not set both a target raw value and a target utilization"))
    return out


def _validate_resource_source(src: Obj, path: str) -> list[Cause]:
    target = d(src.get("target"))
    out: list[Cause] = []
    if not src.get("name"):
        out.append(v.required(f"{path}.name", "must specify a resource name"))
    out.extend(_validate_metric_target(target, f"{path}.target"))
    out.extend(_utilization_or_value(target, path))
    return out


def _validate_container_resource_source(src: Obj, path: str) -> list[Cause]:
    target = d(src.get("target"))
    out: list[Cause] = []
    name = src.get("name")
    if not name:
        out.append(v.required(f"{path}.name", "must specify a resource name"))
    else:
        out.extend(v.validate_container_resource_name(str(name), f"{path}.name"))
    container = src.get("container")
    if not container:
        out.append(v.required(f"{path}.container", "must specify a container"))
    else:
        out.extend(v.validate_dns1123_label(str(container), f"{path}.container"))
    out.extend(_validate_metric_target(target, f"{path}.target"))
    out.extend(_utilization_or_value(target, path))
    return out


def _validate_scaling_rules(rules: Any, path: str) -> list[Cause]:
    if not isinstance(rules, dict):
        return []
    out: list[Cause] = []
    sws = rules.get("stabilizationWindowSeconds")
    if is_int(sws) and sws < 0:
        out.append(v.invalid(f"{path}.stabilizationWindowSeconds", sws, "must be greater than or equal to zero"))
    if is_int(sws) and sws > MAX_STABILIZATION_WINDOW_SECONDS:
        out.append(v.invalid(f"{path}.stabilizationWindowSeconds", sws,
                             f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    sp = rules.get("selectPolicy")
    if sp is not None and sp not in SELECT_POLICIES:
        out.append(v.not_supported(f"{path}.selectPolicy", sp, SELECT_POLICIES))
    policies = lst(rules.get("policies"))
    if not policies:
        out.append(v.required(f"{path}.policies", "must specify at least one Policy"))
    for i, p in enumerate(policies):
        p = d(p)
        pp = f"{path}.policies[{i}]"
        if p.get("type") not in POLICY_TYPES:
            out.append(v.not_supported(f"{pp}.type", p.get("type") or "", POLICY_TYPES))
        value, period = p.get("value", 0), p.get("periodSeconds", 0)
        if is_int(value) and value <= 0:
            out.append(v.invalid(f"{pp}.value", value, "must be greater than zero"))
        if is_int(period) and period <= 0:
            out.append(v.invalid(f"{pp}.periodSeconds", period, "must be greater than zero"))
        if is_int(period) and period > MAX_PERIOD_SECONDS:
            out.append(v.invalid(f"{pp}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    return out
