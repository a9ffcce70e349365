"""events.k8s.io/v1: Event, stored as the core/v1 Event it converts to.

Upstream's pkg/apis/core/validation/events.go (ValidateEventCreate/Update for
events.k8s.io requests, which add strict rules to the legacy ones) and its
field label conversions (Kubernetes 1.33). Validation runs on the core form,
so its field paths are the core names (`count`, `source`), as upstream's are.
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.apps import d
from bosun.api.conversion import events_v1_to_core_event
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

REPORTING_INSTANCE_LIMIT = 128
ACTION_LIMIT = 128
REASON_LIMIT = 128
NOTE_LIMIT = 1024

# events.k8s.io field label -> the core Event field it selects on
FIELD_LABELS = {
    "regarding.kind": "involvedObject.kind",
    "regarding.namespace": "involvedObject.namespace",
    "regarding.name": "involvedObject.name",
    "regarding.uid": "involvedObject.uid",
    "regarding.apiVersion": "involvedObject.apiVersion",
    "regarding.resourceVersion": "involvedObject.resourceVersion",
    "regarding.fieldPath": "involvedObject.fieldPath",
    "reason": "reason",
    "reportingController": "reportingComponent",
    "type": "type",
}


def _core(obj: Obj) -> Obj:
    return obj if "involvedObject" in obj or "regarding" not in obj else events_v1_to_core_event(obj)


def legacy_validate(ev: Obj, controller_field: str = "reportingController") -> list[Cause]:
    """legacyValidateEvent: what every Event must satisfy, whichever API wrote it."""
    out: list[Cause] = []
    meta = d(ev.get("metadata"))
    ns = meta.get("namespace") or ""
    involved_ns = d(ev.get("involvedObject")).get("namespace") or ""
    mismatch = v.invalid("involvedObject.namespace", involved_ns, "does not match event.namespace")
    if not ev.get("eventTime"):
        if not involved_ns:
            if ns not in ("", "default"):
                out.append(mismatch)
        elif ns != involved_ns:
            out.append(mismatch)
    else:
        if not involved_ns and ns not in ("default", "kube-system"):
            out.append(mismatch)
        controller = ev.get("reportingComponent") or ""
        if not controller:
            out.append(v.required(controller_field))
        out.extend(v.validate_qualified_name(str(controller), controller_field))
        for name, limit in (("reportingInstance", REPORTING_INSTANCE_LIMIT), ("action", ACTION_LIMIT),
                            ("reason", REASON_LIMIT)):
            value = ev.get(name) or ""
            if not value:
                out.append(v.required(name))
            if len(value) > limit:
                out.append(v.invalid(name, "", f"can have at most {limit} characters"))
        if len(ev.get("message") or "") > NOTE_LIMIT:
            out.append(v.invalid("message", "", f"can have at most {NOTE_LIMIT} characters"))
    out.extend(v.invalid("namespace", ns, m) for m in v.is_dns1123_subdomain(ns))
    return out


def _validate_series(ev: Obj) -> list[Cause]:
    series = ev.get("series")
    if not isinstance(series, dict):
        return []
    out: list[Cause] = []
    count = series.get("count", 0)
    if not isinstance(count, int) or count < 2:
        out.append(v.invalid("series.count", "", "should be at least 2"))
    if not series.get("lastObservedTime"):
        out.append(v.required("series.lastObservedTime"))
    return out


_IMMUTABLE = ("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count",
              "type", "action", "related", "reportingComponent", "reportingInstance")
_IMMUTABLE_PATHS = {"reportingComponent": "reportingController"}


@register("events.k8s.io", "Event")
class EventStrategy(Strategy):
    tracks_generation = False
    field_labels = tuple(FIELD_LABELS)

    def validate(self, obj: Obj) -> list[Cause]:
        ev = _core(obj)
        out = legacy_validate(ev)
        out.extend(super().validate(obj))
        out.extend(_validate_series(ev))
        if not ev.get("eventTime"):
            out.append(v.required("eventTime"))
        kind = ev.get("type") or ""
        if kind not in ("Normal", "Warning"):
            out.append(v.invalid("type", "", f"has invalid value: {kind}"))
        for f in ("firstTimestamp", "lastTimestamp"):
            if ev.get(f):
                out.append(v.invalid(f, "", "needs to be unset"))
        if ev.get("count"):
            out.append(v.invalid("count", "", "needs to be unset"))
        source = d(ev.get("source"))
        if source.get("component") or source.get("host"):
            out.append(v.invalid("source", "", "needs to be unset"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        ev, prev = _core(obj), _core(old)
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        if ev.get("series") != prev.get("series"):
            out.extend(_validate_series(ev))
        for f in _IMMUTABLE:
            if ev.get(f) != prev.get(f):
                value = ev.get(f)
                out.append(v.immutable(_IMMUTABLE_PATHS.get(f, f), value if isinstance(value, (str, int)) else
                                       "" if value is None else "{...}"))
        if str(ev.get("eventTime") or "")[:26] != str(prev.get("eventTime") or "")[:26]:
            out.append(v.immutable("eventTime", ev.get("eventTime") or ""))
        return out

    def field_values(self, obj: Obj) -> dict[str, str]:
        ev = _core(obj)
        involved = d(ev.get("involvedObject"))
        out = {label: str(involved.get(core.partition(".")[2], "") or "")
               for label, core in FIELD_LABELS.items() if core.startswith("involvedObject.")}
        out["reason"] = str(ev.get("reason") or "")
        out["reportingController"] = str(ev.get("reportingComponent") or "")
        out["type"] = str(ev.get("type") or "")
        return out
