"""coordination.k8s.io/v1 Lease."""

from tests.unit.api.steps import create, strat


def test_lease():
    s = strat("coordination.k8s.io", "Lease")
    lease, errs = create(s, {"metadata": {"name": "kube-scheduler"}, "spec": {
        "holderIdentity": "a", "leaseDurationSeconds": 15, "strategy": "OldestEmulationVersion"}})
    assert errs == [] and "strategy" not in lease["spec"] and "generation" not in lease["metadata"]
    _, errs = create(s, {"metadata": {"name": "l"}, "spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1}})
    assert errs == ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                    "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]
