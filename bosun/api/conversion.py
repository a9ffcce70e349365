"""Conversion between versions that share one storage: events (core/v1 <-> events.k8s.io/v1), HPA (v2 <-> v1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from bosun.api.resources import Resource

Obj = dict[str, Any]
Converter = Callable[[Obj], Obj] | None

# core/v1 Event field -> events.k8s.io/v1 Event field
_EVENT_RENAMES = {
    "involvedObject": "regarding",
    "message": "note",
    "source": "deprecatedSource",
    "firstTimestamp": "deprecatedFirstTimestamp",
    "lastTimestamp": "deprecatedLastTimestamp",
    "count": "deprecatedCount",
    "reportingComponent": "reportingController",
}
_EVENT_BACK = {v: k for k, v in _EVENT_RENAMES.items()}


def core_event_to_events_v1(obj: Obj) -> Obj:
    out: Obj = {"kind": "Event", "apiVersion": "events.k8s.io/v1"}
    for k, v in obj.items():
        if k in ("kind", "apiVersion"):
            continue
        out[_EVENT_RENAMES.get(k, k)] = v
    return out


def events_v1_to_core_event(obj: Obj) -> Obj:
    out: Obj = {"kind": "Event", "apiVersion": "v1"}
    for k, v in obj.items():
        if k in ("kind", "apiVersion"):
            continue
        out[_EVENT_BACK.get(k, k)] = v
    return out


CPU_ANNOTATIONS = ("autoscaling.alpha.kubernetes.io/metrics", "autoscaling.alpha.kubernetes.io/current-metrics",
                   "autoscaling.alpha.kubernetes.io/conditions", "autoscaling.alpha.kubernetes.io/behavior")


def hpa_v2_to_v1(obj: Obj) -> Obj:
    spec2, status2 = obj.get("spec") or {}, obj.get("status")
    meta = dict(obj.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    spec: Obj = {"scaleTargetRef": spec2.get("scaleTargetRef"), "maxReplicas": spec2.get("maxReplicas")}
    if "minReplicas" in spec2:
        spec["minReplicas"] = spec2["minReplicas"]
    other = []
    for m in spec2.get("metrics") or ():
        res = m.get("resource") or {}
        target = res.get("target") or {}
        if m.get("type") == "Resource" and res.get("name") == "cpu" and target.get("type") == "Utilization":
            spec["targetCPUUtilizationPercentage"] = target.get("averageUtilization")
        else:
            other.append(m)
    if other:
        annotations["autoscaling.alpha.kubernetes.io/metrics"] = orjson.dumps(other).decode()
    if spec2.get("behavior"):
        annotations["autoscaling.alpha.kubernetes.io/behavior"] = orjson.dumps(spec2["behavior"]).decode()
    out: Obj = {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1", "metadata": meta, "spec": spec}
    if status2 is not None:
        status: Obj = {k: status2[k] for k in ("observedGeneration", "lastScaleTime", "currentReplicas",
                                                "desiredReplicas") if k in status2}
        status.setdefault("currentReplicas", 0)
        status.setdefault("desiredReplicas", 0)
        for m in status2.get("currentMetrics") or ():
            res = m.get("resource") or {}
            if m.get("type") == "Resource" and res.get("name") == "cpu":
                cur = (res.get("current") or {}).get("averageUtilization")
                if cur is not None:
                    status["currentCPUUtilizationPercentage"] = cur
        if status2.get("conditions"):
            annotations["autoscaling.alpha.kubernetes.io/conditions"] = orjson.dumps(status2["conditions"]).decode()
        out["status"] = status
    if annotations:
        meta["annotations"] = annotations
    return out


def hpa_v1_to_v2(obj: Obj) -> Obj:
    spec1, status1 = obj.get("spec") or {}, obj.get("status")
    meta = dict(obj.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    spec: Obj = {"scaleTargetRef": spec1.get("scaleTargetRef"), "maxReplicas": spec1.get("maxReplicas")}
    if "minReplicas" in spec1:
        spec["minReplicas"] = spec1["minReplicas"]
    metrics = []
    if spec1.get("targetCPUUtilizationPercentage") is not None:
        metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": spec1["targetCPUUtilizationPercentage"]}}})
    extra = annotations.pop("autoscaling.alpha.kubernetes.io/metrics", None)
    if extra:
        metrics.extend(orjson.loads(extra))
    if metrics:
        spec["metrics"] = metrics
    behavior = annotations.pop("autoscaling.alpha.kubernetes.io/behavior", None)
    if behavior:
        spec["behavior"] = orjson.loads(behavior)
    out: Obj = {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2", "metadata": meta, "spec": spec}
    conditions = annotations.pop("autoscaling.alpha.kubernetes.io/conditions", None)
    if status1 is not None:
        status: Obj = {k: status1[k] for k in ("observedGeneration", "lastScaleTime", "currentReplicas",
                                                "desiredReplicas") if k in status1}
        if status1.get("currentCPUUtilizationPercentage") is not None:
            status["currentMetrics"] = [{"type": "Resource", "resource": {"name": "cpu", "current": {
                "averageUtilization": status1["currentCPUUtilizationPercentage"]}}}]
        if conditions:
            status["conditions"] = orjson.loads(conditions)
        out["status"] = status
    annotations.pop("autoscaling.alpha.kubernetes.io/current-metrics", None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return out


def converters(r: Resource) -> tuple[Converter, Converter]:
    """(storage -> this version, this version -> storage), or (None, None) when this is the storage version."""
    if r.group == "events.k8s.io":
        return core_event_to_events_v1, events_v1_to_core_event
    if r.group == "autoscaling" and r.version == "v1":
        return hpa_v2_to_v1, hpa_v1_to_v2
    return None, None
