"""apps/v1 strategies: upstream 1.33's defaults, validation messages and generation rules."""

import copy

from tests.unit.api import steps


def strat(kind: str):
    return steps.strat("apps", kind)


def create(kind: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(strat(kind), obj, uid="0c5d2b7e-0000-4000-8000-000000000001")


def update(kind: str, new: dict, old: dict) -> tuple[dict, list[str]]:
    return steps.update(strat(kind), new, old)


def template(labels=None, **pod) -> dict:
    spec = {"containers": [{"name": "c", "image": "nginx"}], **pod}
    return {"metadata": {"labels": labels if labels is not None else {"app": "web"}}, "spec": spec}


def deployment(**spec) -> dict:
    base = {"selector": {"matchLabels": {"app": "web"}}, "template": template()}
    base.update(spec)
    return {"metadata": {"name": "web"}, "spec": base}


# ---------------------------------------------------------------------------
# Deployment


def test_deployment_defaults():
    d, errs = create("Deployment", deployment())
    assert errs == []
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert spec["revisionHistoryLimit"] == 10 and spec["progressDeadlineSeconds"] == 600
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Always" and pod["dnsPolicy"] == "ClusterFirst"
    assert d["metadata"]["generation"] == 1 and d["status"] == {}


def test_deployment_recreate_keeps_no_rolling_update():
    d, errs = create("Deployment", deployment(strategy={"type": "Recreate"}))
    assert errs == [] and d["spec"]["strategy"] == {"type": "Recreate"}
    _, errs = create("Deployment", deployment(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}))
    assert errs == ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]


def test_deployment_validation_messages():
    _, errs = create("Deployment", deployment(replicas=-1))
    assert errs == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
    _, errs = create("Deployment", deployment(selector={"matchLabels": {"app": "other"}}))
    assert errs == ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
                    "`selector` does not match template `labels`"]
    _, errs = create("Deployment", deployment(selector=None))
    assert "spec.selector: Required value" in errs
    _, errs = create("Deployment", deployment(selector={}))
    assert ("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment") in errs
    _, errs = create("Deployment", deployment(strategy={"type": "RollingUpdate",
                                                        "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}))
    assert errs == ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, '
                    'StrVal:""}: may not be 0 when `maxSurge` is 0']
    _, errs = create("Deployment", deployment(strategy={"rollingUpdate": {"maxSurge": "x"}}))
    assert errs[0].startswith('spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, '
                              'IntVal:0, StrVal:"x"}: a valid percent string must be')
    _, errs = create("Deployment", deployment(minReadySeconds=700))
    assert errs == ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]
    _, errs = create("Deployment", deployment(template=template(restartPolicy="Never")))
    assert errs == ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']
    _, errs = create("Deployment", deployment(strategy={"type": "Blue"}))
    assert errs[0].endswith('supported values: "Recreate", "RollingUpdate"')


def test_deployment_selector_immutable_and_generation():
    old, _ = create("Deployment", deployment())
    old["metadata"]["resourceVersion"] = "5"
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    new, errs = update("Deployment", new, old)
    assert errs == [] and new["metadata"]["generation"] == 2
    same, _ = update("Deployment", copy.deepcopy(old), old)
    assert same["metadata"]["generation"] == 1
    annotated = copy.deepcopy(old)
    annotated["metadata"]["annotations"] = {"note": "x"}
    annotated, _ = update("Deployment", annotated, old)
    assert annotated["metadata"]["generation"] == 2  # annotations are copied to ReplicaSets
    moved = copy.deepcopy(old)
    moved["spec"]["selector"] = {"matchLabels": {"app": "z"}}
    moved["spec"]["template"]["metadata"]["labels"] = {"app": "z"}
    _, errs = update("Deployment", moved, old)
    assert errs == ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"z"}, '
                    "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]


def test_deployment_status_update():
    old, _ = create("Deployment", deployment())
    s = strat("Deployment")
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 1, "readyReplicas": 2, "availableReplicas": 1}
    errs = [f"{c.field}: {c.message}" for c in s.validate_status_update(new, old)]
    assert errs == ["status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"]


# ---------------------------------------------------------------------------
# ReplicaSet, StatefulSet, DaemonSet, ControllerRevision


def test_replicaset():
    rs, errs = create("ReplicaSet", deployment())
    assert errs == [] and rs["spec"]["replicas"] == 1 and rs["status"] == {"replicas": 0}
    assert strat("ReplicaSet").field_values({"status": {"replicas": 3}}) == {"status.replicas": "3"}
    _, errs = create("ReplicaSet", deployment(template=template(activeDeadlineSeconds=5)))
    assert errs == ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not "
                    "Supported"]


def statefulset(**spec) -> dict:
    obj = deployment(**{"serviceName": "web", **spec})
    obj["spec"].setdefault("volumeClaimTemplates", [{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}])
    return obj


def test_statefulset_defaults():
    sts, errs = create("StatefulSet", statefulset())
    assert errs == []
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert spec["replicas"] == 1 and spec["revisionHistoryLimit"] == 10
    claim = spec["volumeClaimTemplates"][0]
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    assert claim["kind"] == "PersistentVolumeClaim" and claim["apiVersion"] == "v1"
    assert sts["status"] == {"availableReplicas": 0, "replicas": 0}


def test_statefulset_validation():
    bad_name = statefulset()
    bad_name["metadata"]["name"] = "web.v1"
    _, errs = create("StatefulSet", bad_name)
    assert errs == ['metadata.name: Invalid value: "web.v1": must not contain dots']
    _, errs = create("StatefulSet", statefulset(serviceName="Web_Svc"))
    assert errs[0].startswith('spec.serviceName: Invalid value: "Web_Svc": a lowercase RFC 1123 label')
    _, errs = create("StatefulSet", statefulset(podManagementPolicy="Random"))
    assert errs == ['spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'']
    _, errs = create("StatefulSet", statefulset(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Keep"}))
    assert errs == ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported '
                    'values: "Retain", "Delete"']


def test_statefulset_forbidden_updates():
    old, _ = create("StatefulSet", statefulset())
    ok = copy.deepcopy(old)
    ok["spec"]["replicas"] = 3
    ok["spec"]["revisionHistoryLimit"] = 2
    _, errs = update("StatefulSet", ok, old)
    assert errs == []
    bad = copy.deepcopy(old)
    bad["spec"]["serviceName"] = "other"
    _, errs = update("StatefulSet", bad, old)
    assert errs == ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                    "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                    "'minReadySeconds' are forbidden"]


def test_daemonset_defaults_and_template_generation():
    ds, errs = create("DaemonSet", deployment())
    assert errs == []
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate",
                                            "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert ds["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}
    assert ds["status"]["numberReady"] == 0
    new = copy.deepcopy(ds)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    new, errs = update("DaemonSet", new, ds)
    assert errs == [] and new["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert new["metadata"]["generation"] == 2
    both = copy.deepcopy(ds)
    both["spec"]["updateStrategy"]["rollingUpdate"] = {"maxUnavailable": 1, "maxSurge": 1}
    _, errs = update("DaemonSet", both, ds)
    assert errs == ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, '
                    'StrVal:""}: may not be set when maxUnavailable is non-zero']


def test_controller_revision():
    cr, errs = create("ControllerRevision", {"metadata": {"name": "web-1"}, "revision": 1, "data": {"a": 1}})
    assert errs == [] and "generation" not in cr["metadata"]
    _, errs = create("ControllerRevision", {"metadata": {"name": "web-1"}, "revision": -1})
    assert errs == ["data: Required value: data is mandatory",
                    "revision: Invalid value: -1: must be greater than or equal to 0"]
    changed = copy.deepcopy(cr)
    changed["data"] = {"a": 2}
    _, errs = update("ControllerRevision", changed, cr)
    assert errs == ["data: Invalid value: runtime.RawExtension{...}: field is immutable"]
