"""policy/v1: PodDisruptionBudget.

Upstream's pkg/apis/policy/validation and pkg/registry/policy/poddisruptionbudget
(Kubernetes 1.33). Upstream validates no name rule of its own here, so the
generic path-segment check is the one that applies.
"""

from __future__ import annotations

import re

from bosun.api import validation as v
from bosun.api.apps import (
    StatusStrategy,
    d,
    lst,
    not_more_than_100_percent,
    spec_of,
    validate_positive_int_or_percent,
)
from bosun.api.strategy import Obj, register
from bosun.machinery.errors import Cause

UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")
CONDITION_STATUSES = ("False", "True", "Unknown")


@register("policy", "PodDisruptionBudget")
class PodDisruptionBudgetStrategy(StatusStrategy):
    initial_status = {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    name_validator = staticmethod(v.path_segment_name)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(validate_pdb_spec(spec_of(obj), "spec"))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status = d(obj.get("status"))
        out.extend(validate_conditions(status.get("conditions"), "status.conditions"))
        for f in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
            out.extend(v.validate_nonnegative(status.get(f, 0), f"status.{f}"))
        return out


def validate_pdb_spec(spec: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    mn, mx = spec.get("minAvailable"), spec.get("maxUnavailable")
    if mn is not None and mx is not None:
        out.append(Cause(path, "Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable "
                               "cannot be both set", v.INVALID))
    for name, val in (("minAvailable", mn), ("maxUnavailable", mx)):
        if val is not None:
            out.extend(validate_positive_int_or_percent(val, f"{path}.{name}"))
            out.extend(not_more_than_100_percent(val, f"{path}.{name}"))
    out.extend(v.validate_label_selector(spec.get("selector"), f"{path}.selector"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        out.append(v.not_supported(f"{path}.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POD_EVICTION_POLICIES))
    return out


def validate_conditions(conditions: object, path: str) -> list[Cause]:
    """metav1 validation ValidateConditions: unique types, valid status, reason and timestamps."""
    out: list[Cause] = []
    seen: set[str] = set()
    for i, c in enumerate(lst(conditions)):
        c = d(c)
        p = f"{path}[{i}]"
        ctype = c.get("type") or ""
        if not ctype:
            out.append(v.required(f"{p}.type", "must be set"))
        else:
            out.extend(v.validate_qualified_name(str(ctype), f"{p}.type"))
            if ctype in seen:
                out.append(v.duplicate(f"{p}.type", ctype))
            seen.add(ctype)
        status = c.get("status")
        if status not in CONDITION_STATUSES:
            out.append(v.not_supported(f"{p}.status", status if status is not None else "", CONDITION_STATUSES))
        out.extend(v.validate_nonnegative(c.get("observedGeneration", 0), f"{p}.observedGeneration"))
        if not c.get("lastTransitionTime"):
            out.append(v.required(f"{p}.lastTransitionTime", "must be set"))
        reason = c.get("reason") or ""
        if not reason:
            out.append(v.required(f"{p}.reason", "must be set"))
        elif len(reason) > 1024:
            out.append(v.too_long(f"{p}.reason", 1024))
        elif not _REASON_RE.fullmatch(str(reason)):
            out.append(v.invalid(f"{p}.reason", reason, v.regex_error(
                "a condition reason must start with alphabetic character, optionally followed by a string of "
                "alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
                _REASON_FMT, "my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")))
        message = c.get("message") or ""
        if len(message) > 32768:
            out.append(v.too_long(f"{p}.message", 32768))
    return out


_REASON_FMT = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?"
_REASON_RE = re.compile(_REASON_FMT)
