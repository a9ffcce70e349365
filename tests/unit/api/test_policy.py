"""policy/v1 PodDisruptionBudget: validation and status as upstream 1.33."""

import copy

from tests.unit.api import steps

S = steps.strat("policy", "PodDisruptionBudget")


def create(obj: dict) -> tuple[dict, list[str]]:
    return steps.create(S, obj, uid=None)


def pdb(**spec) -> dict:
    return {"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def test_pdb_create():
    obj, errs = create(pdb(minAvailable=1))
    assert errs == []
    assert obj["status"] == {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    assert obj["metadata"]["generation"] == 1


def test_pdb_validation():
    _, errs = create(pdb(minAvailable=1, maxUnavailable=1))
    assert errs == ["spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable "
                    "cannot be both set"]
    _, errs = create(pdb(minAvailable="150%"))
    assert errs == ['spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not '
                    "be greater than 100%"]
    _, errs = create(pdb(maxUnavailable=-1))
    assert errs == ["spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]
    _, errs = create(pdb(unhealthyPodEvictionPolicy="Never"))
    assert errs == ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", '
                    '"IfHealthyBudget"']


def test_pdb_names_are_path_segments():
    _, errs = create({**pdb(minAvailable=1), "metadata": {"name": "Web_PDB"}})
    assert errs == []
    _, errs = create({**pdb(minAvailable=1), "metadata": {"name": "a/b"}})
    assert errs == ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]


def test_pdb_status_update():
    old, _ = create(pdb(minAvailable=1))
    new = copy.deepcopy(old)
    new["status"] = {"disruptionsAllowed": -1, "conditions": [{"type": "DisruptionAllowed", "status": "Maybe",
                                                               "reason": "x", "lastTransitionTime": "2025-01-01T00:00:00Z"}]}
    errs = [f"{c.field}: {c.message}" for c in S.validate_status_update(new, old)]
    assert errs == ['status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", '
                    '"Unknown"',
                    "status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0"]
