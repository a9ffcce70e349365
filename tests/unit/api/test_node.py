"""node.k8s.io/v1 RuntimeClass: handler rules as upstream 1.33."""

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


def test_runtime_class():
    s = strat("node.k8s.io", "RuntimeClass")
    rc, errs = create(s, {"metadata": {"name": "gvisor"}, "handler": "runsc"})
    assert errs == []
    _, errs = create(s, {"metadata": {"name": "x"}, "handler": "run.sc"})
    assert errs == ['handler: Invalid value: "run.sc": must not contain dots']
    new = copy.deepcopy(rc)
    new["handler"] = "kata"
    _, errs = update(s, new, rc)
    assert errs == ['handler: Invalid value: "kata": field is immutable']
