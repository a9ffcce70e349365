"""apiregistration.k8s.io/v1 APIService: name, priorities and service reference as upstream 1.33."""

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


def test_apiservice():
    s = strat("apiregistration.k8s.io", "APIService")
    obj, errs = create(s, {"metadata": {"name": "v1beta1.metrics.k8s.io"}, "spec": {
        "group": "metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100, "versionPriority": 100,
        "service": {"name": "metrics-server", "namespace": "kube-system"}}})
    assert errs == [] and obj["spec"]["service"]["port"] == 443
    _, errs = create(s, {"metadata": {"name": "v1.wrong"}, "spec": {
        "group": "metrics.k8s.io", "version": "v1", "groupPriorityMinimum": 0, "versionPriority": 100}})
    assert errs == ['metadata.name: Invalid value: "v1.wrong": must be `spec.version+"."+spec.group`: '
                    '"v1.metrics.k8s.io"',
                    "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000"]
