"""coordination.k8s.io/v1: Lease.

Upstream's pkg/apis/coordination/validation and pkg/registry/coordination/lease
(Kubernetes 1.33, CoordinatedLeaderElection off by default).
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.apps import is_int, spec_of
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

# Fields of the CoordinatedLeaderElection feature (beta in 1.33, off by default): dropped on write.
_GATED = ("strategy", "preferredHolder")


@register("coordination.k8s.io", "Lease")
class LeaseStrategy(Strategy):
    tracks_generation = False

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        spec = spec_of(obj)
        for f in _GATED:
            spec.pop(f, None)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        spec, ospec = spec_of(obj), old.get("spec") or {}
        for f in _GATED:
            if f not in ospec:
                spec.pop(f, None)

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        duration = spec.get("leaseDurationSeconds")
        if is_int(duration) and duration <= 0:
            out.append(v.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
        transitions = spec.get("leaseTransitions")
        if is_int(transitions) and transitions < 0:
            out.append(v.invalid("spec.leaseTransitions", transitions, v.IS_NEGATIVE))
        if spec.get("preferredHolder") and not spec.get("strategy"):
            out.append(v.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"))
        return out
