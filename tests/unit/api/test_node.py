"""node.k8s.io/v1 RuntimeClass: handler rules as upstream 1.33."""

import copy

from tests.unit.api.steps import create, strat, update


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
