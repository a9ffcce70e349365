"""rbac.authorization.k8s.io/v1: rules, roleRef and subject defaults and checks as upstream 1.33."""

import copy

from tests.unit.api import steps

GROUP = "rbac.authorization.k8s.io"


def strat(kind: str):
    return steps.strat(GROUP, kind)


def create(kind: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(strat(kind), obj, uid=None)


def test_role_rules():
    role, errs = create("Role", {"metadata": {"name": "reader"}, "rules": [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]})
    assert errs == [] and "generation" not in role["metadata"]
    _, errs = create("Role", {"metadata": {"name": "reader"}, "rules": [{"resources": ["pods"]},
                                                                        {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]})
    assert errs == ["rules[0].verbs: Required value: verbs must contain at least one value",
                    "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                    'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to '
                    "non-resource URLs"]
    _, errs = create("ClusterRole", {"metadata": {"name": "system:healthz"}, "rules": [
        {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]})
    assert errs == []
    _, errs = create("ClusterRole", {"metadata": {"name": "agg"}, "aggregationRule": {"clusterRoleSelectors": []}})
    assert errs == ["aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required "
                    "if aggregationRule is non-nil"]


def test_binding_defaults_round_trip():
    rb, errs = create("RoleBinding", {"metadata": {"name": "robot-reads"},
                                      "roleRef": {"kind": "Role", "name": "reader"},
                                      "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "ns"},
                                                   {"kind": "User", "name": "users:joe"}]})
    assert errs == []
    assert rb["roleRef"] == {"kind": "Role", "name": "reader", "apiGroup": GROUP}
    assert rb["subjects"][0] == {"kind": "ServiceAccount", "name": "robot", "namespace": "ns"}
    assert rb["subjects"][1]["apiGroup"] == GROUP


def test_binding_validation():
    _, errs = create("ClusterRoleBinding", {"metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "r"},
                                            "subjects": [{"kind": "ServiceAccount", "name": "sa"},
                                                         {"kind": "Robot", "name": "x"}]})
    assert errs == ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
                    "subjects[0].namespace: Required value",
                    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']
    _, errs = create("RoleBinding", {"metadata": {"name": "b"}, "roleRef": {"kind": "Role", "apiGroup": "x"}})
    assert errs == ['roleRef.apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
                    "roleRef.name: Required value"]


def test_role_ref_immutable():
    s = strat("RoleBinding")
    old, _ = create("RoleBinding", {"metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "a"}})
    new = copy.deepcopy(old)
    new["roleRef"]["name"] = "b"
    errs = [f"{c.field}: {c.message}" for c in s.validate_update(new, old)]
    assert errs == ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", '
                    'Name:"b"}: cannot change roleRef']
