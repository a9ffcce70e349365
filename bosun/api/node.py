"""node.k8s.io/v1: RuntimeClass.

Upstream's pkg/apis/node/validation and the registry strategy (Kubernetes 1.33).
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.apps import d
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause


@register("node.k8s.io", "RuntimeClass")
class RuntimeClassStrategy(Strategy):
    tracks_generation = False

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        handler = obj.get("handler")
        handler = handler if isinstance(handler, str) else ""
        out.extend(v.invalid("handler", handler, m) for m in v.dns1123_label(handler))
        overhead = obj.get("overhead")
        if isinstance(overhead, dict) and overhead.get("podFixed") is not None:
            out.extend(v.validate_resource_requirements({"limits": overhead["podFixed"]}, "overhead"))
        scheduling = obj.get("scheduling")
        if isinstance(scheduling, dict):
            out.extend(v.validate_labels(scheduling.get("nodeSelector"), "scheduling.nodeSelector"))
            if scheduling.get("tolerations"):
                out.extend(v.validate_tolerations(scheduling["tolerations"], "scheduling.tolerations"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        out.extend(v.validate_immutable(obj.get("handler"), d(old).get("handler"), "handler"))
        return out
