"""coordination.k8s.io/v1 Lease."""

import copy

from bosun.api import strategy as strategies
from bosun.api.resources import builtin_table

strategies.load_group_modules()
TABLE = builtin_table()


def strat(group: str, kind: str, version: str = "v1"):
    return strategies.strategy_for(TABLE.by_kind(group, version, kind))


def create(s, obj: dict) -> tuple[dict, list[str]]:
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    if s.resource.namespaced:
        meta.setdefault("namespace", "default")
    meta.setdefault("uid", "uid-1")
    s.prepare_for_create(obj)
    s.default(obj)
    return obj, [f"{c.field}: {c.message}" for c in s.validate(obj)]


def update(s, new: dict, old: dict) -> tuple[dict, list[str]]:
    new = copy.deepcopy(new)
    s.prepare_for_update(new, old)
    s.default(new)
    return new, [f"{c.field}: {c.message}" for c in (s.validate(new) or s.validate_update(new, old))]


def test_lease():
    s = strat("coordination.k8s.io", "Lease")
    lease, errs = create(s, {"metadata": {"name": "kube-scheduler"}, "spec": {
        "holderIdentity": "a", "leaseDurationSeconds": 15, "strategy": "OldestEmulationVersion"}})
    assert errs == [] and "strategy" not in lease["spec"] and "generation" not in lease["metadata"]
    _, errs = create(s, {"metadata": {"name": "l"}, "spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1}})
    assert errs == ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                    "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]
