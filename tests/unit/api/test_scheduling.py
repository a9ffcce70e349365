"""scheduling.k8s.io/v1 PriorityClass: defaults, reserved names and immutable value."""

import copy

from tests.unit.api.steps import create, strat, update

PC = strat("scheduling.k8s.io", "PriorityClass")


def test_priority_class():
    pc, errs = create(PC, {"metadata": {"name": "high"}, "value": 1000})
    assert errs == [] and pc["preemptionPolicy"] == "PreemptLowerPriority"
    _, errs = create(PC, {"metadata": {"name": "system-mine"}, "value": 1})
    assert errs == ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use "
                    "only. error: system-mine is not a known system priority class"]
    _, errs = create(PC, {"metadata": {"name": "system-node-critical"}, "value": 2000001000})
    assert errs == []
    _, errs = create(PC, {"metadata": {"name": "huge"}, "value": 1000000001})
    assert errs == ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]
    new = copy.deepcopy(pc)
    new["value"] = 5
    _, errs = update(PC, new, pc)
    assert errs == ["value: Forbidden: may not be changed in an update."]
    new = copy.deepcopy(pc)
    new["description"] = "x"
    new, _ = update(PC, new, pc)
    assert new["metadata"]["generation"] == 1
