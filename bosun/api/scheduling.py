"""scheduling.k8s.io/v1: PriorityClass.

Upstream's pkg/apis/scheduling/v1/defaults.go, pkg/apis/scheduling/validation
and the registry strategy (Kubernetes 1.33). That only one class is the global
default is the Priority admission plugin's rule, not validation's.
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

SYSTEM_PREFIX = "system-"
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000}
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")


def known_system_class_error(name: str, value: object, global_default: bool) -> str:
    if name not in SYSTEM_PRIORITY_CLASSES:
        return f"{name} is not a known system priority class"
    if value != SYSTEM_PRIORITY_CLASSES[name]:
        return f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
    if global_default:
        return f"globalDefault of {name} PriorityClass must be false"
    return ""


@register("scheduling.k8s.io", "PriorityClass")
class PriorityClassStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        if obj.get("preemptionPolicy") is None:
            obj["preemptionPolicy"] = "PreemptLowerPriority"

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        # Upstream sets generation 1 on create and never bumps it.
        obj["metadata"]["generation"] = old["metadata"].get("generation", 1)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        name = (obj.get("metadata") or {}).get("name") or ""
        value = obj.get("value", 0)
        if name.startswith(SYSTEM_PREFIX):
            err = known_system_class_error(name, value, obj.get("globalDefault") is True)
            if err:
                out.append(v.forbidden("metadata.name", f"priority class names with '{SYSTEM_PREFIX}' prefix are "
                                                        f"reserved for system use only. error: {err}"))
        elif isinstance(value, int) and value > HIGHEST_USER_DEFINABLE_PRIORITY:
            out.append(v.forbidden("value", "maximum allowed value of a user defined priority is "
                                            f"{HIGHEST_USER_DEFINABLE_PRIORITY}"))
        policy = obj.get("preemptionPolicy")
        if policy is not None:
            if policy == "":
                out.append(v.required("preemptionPolicy"))
            elif policy not in PREEMPTION_POLICIES:
                out.append(v.not_supported("preemptionPolicy", policy, PREEMPTION_POLICIES))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if obj.get("value", 0) != old.get("value", 0):
            out.append(v.forbidden("value", "may not be changed in an update."))
        out.extend(v.validate_immutable(obj.get("preemptionPolicy"), old.get("preemptionPolicy"), "preemptionPolicy"))
        return out
