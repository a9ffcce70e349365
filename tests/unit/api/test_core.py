"""Core group strategies: upstream 1.33 defaults, create/update rules, field selectors, deletion."""

from __future__ import annotations

import copy

import pytest

from bosun.api import core
from bosun.api.strategy import Strategy
from bosun.machinery import errors
from tests.unit.api import steps


def strategy(kind: str) -> Strategy:
    return steps.strat("", kind)


msgs = steps.messages


def create(kind: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(strategy(kind), obj, uid="u1", namespace=None, created="2025-01-01T00:00:00Z")


def update(kind: str, new: dict, old: dict) -> tuple[dict, list[str]]:
    return steps.update(strategy(kind), new, old)


POD = {"metadata": {"name": "web", "namespace": "default"},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]}}


# ---- defaults


def test_pod_defaults_and_status() -> None:
    pod, errs = create("Pod", POD)
    assert errs == []
    spec, c = pod["spec"], pod["spec"]["containers"][0]
    assert spec["restartPolicy"] == "Always" and spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler" and spec["terminationGracePeriodSeconds"] == 30
    assert spec["securityContext"] == {} and spec["enableServiceLinks"] is True
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log" and c["terminationMessagePolicy"] == "File"
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert pod["metadata"]["generation"] == 1


@pytest.mark.parametrize("image,policy", [("nginx", "Always"), ("nginx:latest", "Always"),
                                          ("nginx:1.25", "IfNotPresent"), ("localhost:5000/app", "Always"),
                                          ("localhost:5000/app:v1", "IfNotPresent"),
                                          ("nginx@sha256:" + "a" * 64, "IfNotPresent")])
def test_image_pull_policy(image: str, policy: str) -> None:
    c = {"name": "c", "image": image}
    core.default_container(c)
    assert c["imagePullPolicy"] == policy


def test_nested_pod_defaults() -> None:
    pod = {"spec": {"containers": [{"name": "c", "image": "x",
                                    "resources": {"limits": {"cpu": "0.5", "memory": "1Gi"}},
                                    "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                                    "livenessProbe": {"httpGet": {"port": 80}},
                                    "readinessProbe": {"grpc": {"port": 9000}}}],
                    "volumes": [{"name": "a"}, {"name": "s", "secret": {"secretName": "s"}},
                                {"name": "h", "hostPath": {"path": "/x"}},
                                {"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}]}}
    core.default_pod(pod)
    c = pod["spec"]["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "500m", "memory": "1Gi"},
                              "requests": {"cpu": "500m", "memory": "1Gi"}}
    assert c["env"][0]["valueFrom"]["fieldRef"] == {"apiVersion": "v1", "fieldPath": "metadata.name"}
    assert c["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                  "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert c["readinessProbe"]["grpc"] == {"port": 9000, "service": ""}
    vols = pod["spec"]["volumes"]
    assert vols[0]["emptyDir"] == {} and vols[1]["secret"]["defaultMode"] == 420
    assert vols[2]["hostPath"]["type"] == ""
    assert vols[3]["projected"] == {"sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": 3600}}],
                                    "defaultMode": 420}
    assert core.pod_qos_class(pod) == "Guaranteed"


def test_qos_classes() -> None:
    def qos(res):
        return core.pod_qos_class({"spec": {"containers": [{"name": "c", "resources": res}]}})
    assert qos({}) == "BestEffort"
    assert qos({"requests": {"cpu": "100m"}}) == "Burstable"
    assert qos({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}) == "Guaranteed"


def test_template_defaults_only_spec() -> None:
    tpl = {"spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "1"}}}]}}
    core.default_pod_template(tpl)
    assert tpl["spec"]["restartPolicy"] == "Always"
    assert "enableServiceLinks" not in tpl["spec"]
    assert "requests" not in tpl["spec"]["containers"][0]["resources"]


# ---- pods


def test_pod_field_selectors_and_grace() -> None:
    s = strategy("Pod")
    pod, _ = create("Pod", POD)
    assert "status.phase" in s.field_labels and "spec.nodeName" in s.field_labels
    fv = s.field_values(pod)
    assert fv["status.phase"] == "Pending" and fv["spec.hostNetwork"] == "false" and fv["spec.nodeName"] == ""
    assert s.grace_period(pod, None) == 0  # not scheduled: delete at once
    pod["spec"]["nodeName"] = "n1"
    assert s.grace_period(pod, None) == 30
    assert s.grace_period(pod, 0) == 0 and s.grace_period(pod, 5) == 5 and s.grace_period(pod, -3) == 1
    pod["status"]["phase"] = "Succeeded"
    assert s.grace_period(pod, None) == 0
    assert s.return_deleted_object


def test_pod_update_rules() -> None:
    pod, _ = create("Pod", POD)
    pod["metadata"]["resourceVersion"] = "5"
    new = copy.deepcopy(pod)
    new["spec"]["containers"][0]["image"] = "nginx:1.26"
    out, errs = update("Pod", new, pod)
    assert errs == [] and out["metadata"]["generation"] == 2
    new = copy.deepcopy(pod)
    new["spec"]["containers"][0]["ports"][0]["containerPort"] = 81
    _, errs = update("Pod", new, pod)
    assert len(errs) == 1 and errs[0].startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)\n")
    new = copy.deepcopy(pod)
    new["spec"]["containers"].append({"name": "two", "image": "x"})
    _, errs = update("Pod", new, pod)
    assert "spec.containers: Forbidden: pod updates may not add or remove containers" in errs


def test_pod_binding_write_may_set_node_name() -> None:
    s = strategy("Pod")
    pod, _ = create("Pod", POD)
    new = copy.deepcopy(pod)
    new["spec"]["nodeName"] = "n1"
    new["status"]["conditions"] = [{"type": "PodScheduled", "status": "True"}]
    s.default(new)  # a subresource write: no prepare step
    assert s.validate(new) == [] and s.validate_update(new, pod) == []


def test_pod_create_forbids_ephemeral() -> None:
    p = copy.deepcopy(POD)
    p["spec"]["ephemeralContainers"] = [{"name": "dbg", "image": "busybox"}]
    _, errs = create("Pod", p)
    assert "spec.ephemeralContainers: Forbidden: cannot be set on create" in errs


def test_pod_status_update() -> None:
    s = strategy("Pod")
    pod, _ = create("Pod", POD)
    new = copy.deepcopy(pod)
    new["status"] = {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]}
    s.prepare_for_status_update(new, pod)
    assert new["status"]["qosClass"] == "BestEffort"
    assert msgs(s.validate_status_update(new, pod)) == [
        'status.podIPs: Invalid value: []interface {}{map[string]string{"ip":"10.0.0.1"}, '
        'map[string]string{"ip":"10.0.0.2"}}: may specify no more than one IP for each IP family']


def test_pod_scheduling_gates_condition() -> None:
    p = copy.deepcopy(POD)
    p["spec"]["schedulingGates"] = [{"name": "example.com/wait"}]
    pod, errs = create("Pod", p)
    assert errs == []
    assert pod["status"]["conditions"][0]["reason"] == "SchedulingGated"


# ---- namespaces


def test_namespace_lifecycle() -> None:
    s = strategy("Namespace")
    ns, errs = create("Namespace", {"metadata": {"name": "x"}})
    assert errs == []
    assert ns["spec"] == {"finalizers": ["kubernetes"]} and ns["status"] == {"phase": "Active"}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "x"}
    assert "generation" not in ns["metadata"]
    assert s.pending_finalizers(ns) == ["kubernetes"]
    ns["metadata"]["deletionTimestamp"] = "t"
    ns["metadata"]["deletionGracePeriodSeconds"] = 0
    s.on_delete(ns)
    assert ns["status"]["phase"] == "Terminating" and "deletionGracePeriodSeconds" not in ns["metadata"]
    assert s.field_values(ns) == {"status.phase": "Terminating"}
    _, errs = create("Namespace", {"metadata": {"name": "a.b"}})
    assert errs == ['metadata.name: Invalid value: "a.b": must not contain dots']


def test_namespace_update_keeps_finalizers() -> None:
    ns, _ = create("Namespace", {"metadata": {"name": "x"}})
    new = copy.deepcopy(ns)
    new["spec"]["finalizers"] = []
    out, errs = update("Namespace", new, ns)
    assert errs == [] and out["spec"]["finalizers"] == ["kubernetes"]


# ---- secrets and configmaps


def test_secret() -> None:
    sec, errs = create("Secret", {"metadata": {"name": "pw", "namespace": "d"},
                                  "stringData": {"password": "x"}})
    assert errs == [] and sec["type"] == "Opaque" and sec["data"] == {"password": "eA=="}
    assert "stringData" not in sec
    assert strategy("Secret").field_values(sec) == {"type": "Opaque"}
    _, errs = create("Secret", {"metadata": {"name": "t", "namespace": "d"}, "type": "kubernetes.io/tls",
                                "data": {"bad key!": "eA=="}})
    assert errs == ['data[bad key!]: Invalid value: "bad key!": a valid config key must consist of alphanumeric '
                    "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
                    "validation is '[-._a-zA-Z0-9]+')",
                    "data[tls.crt]: Required value", "data[tls.key]: Required value"]
    with pytest.raises(errors.StatusError) as e:
        create("Secret", {"metadata": {"name": "b", "namespace": "d"}, "data": {"a": "!!"}})
    assert e.value.code == 400


def test_secret_immutability() -> None:
    sec, _ = create("Secret", {"metadata": {"name": "pw", "namespace": "d"}, "data": {"a": "eA=="},
                               "immutable": True})
    new = copy.deepcopy(sec)
    new["data"] = {"a": "eQ=="}
    new["type"] = "Other"
    _, errs = update("Secret", new, sec)
    assert errs == ['type: Invalid value: "Other": field is immutable',
                    "data: Forbidden: field is immutable when `immutable` is set"]


def test_configmap() -> None:
    cm, errs = create("ConfigMap", {"metadata": {"name": "c", "namespace": "d"}, "data": {"a": "1"}})
    assert errs == [] and "generation" not in cm["metadata"]
    _, errs = create("ConfigMap", {"metadata": {"name": "Bad_Name", "namespace": "d"}})
    assert errs[0].startswith('metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')
    _, errs = create("ConfigMap", {"metadata": {"name": "c", "namespace": "d"}, "data": {"k": "1"},
                                   "binaryData": {"k": "eA=="}})
    assert errs == ['data[k]: Invalid value: "k": duplicate of key present in binaryData']
    _, errs = create("ConfigMap", {"metadata": {"name": "c", "namespace": "d"}, "data": {"k": "x" * (1 << 20 + 1)}})
    assert errs == ["[]: Too long: may not be more than 1048576 bytes"]


# ---- services


def test_service_defaults_and_validation() -> None:
    svc, errs = create("Service", {"metadata": {"name": "web", "namespace": "d"},
                                   "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}})
    assert errs == []
    spec = svc["spec"]
    assert spec["type"] == "ClusterIP" and spec["sessionAffinity"] == "None"
    assert spec["internalTrafficPolicy"] == "Cluster" and spec["ports"] == [{"port": 80, "protocol": "TCP",
                                                                            "targetPort": 80}]
    assert "externalTrafficPolicy" not in spec and svc["status"] == {"loadBalancer": {}}
    svc, _ = create("Service", {"metadata": {"name": "np", "namespace": "d"},
                                "spec": {"type": "NodePort", "ports": [{"port": 80}]}})
    assert svc["spec"]["externalTrafficPolicy"] == "Cluster"
    _, errs = create("Service", {"metadata": {"name": "web", "namespace": "d"}, "spec": {}})
    assert errs == ["spec.ports: Required value"]
    _, errs = create("Service", {"metadata": {"name": "1web", "namespace": "d"},
                                 "spec": {"ports": [{"port": 0, "protocol": "HTTP"}, {"port": 80}]}})
    assert errs[0].startswith('metadata.name: Invalid value: "1web": a DNS-1035 label')
    assert "spec.ports[0].name: Required value" in errs
    assert "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive" in errs
    assert 'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"' in errs


def test_service_cluster_ip_immutable_and_patched() -> None:
    svc, _ = create("Service", {"metadata": {"name": "web", "namespace": "d"},
                                "spec": {"ports": [{"port": 80}], "clusterIP": "10.43.0.10"}})
    assert svc["spec"]["clusterIPs"] == ["10.43.0.10"]
    new = copy.deepcopy(svc)
    del new["spec"]["clusterIP"], new["spec"]["clusterIPs"]
    out, errs = update("Service", new, svc)
    assert errs == [] and out["spec"]["clusterIP"] == "10.43.0.10"
    new = copy.deepcopy(svc)
    new["spec"]["clusterIP"] = "10.43.0.11"
    _, errs = update("Service", new, svc)
    assert errs == ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.11"}: may not change once set']


# ---- the rest


def test_node() -> None:
    s = strategy("Node")
    node, errs = create("Node", {"metadata": {"name": "n1"}, "status": {"capacity": {"cpu": "2", "memory": "1Gi"}}})
    assert errs == [] and node["status"]["allocatable"] == {"cpu": "2", "memory": "1Gi"}
    assert s.field_values(node) == {"spec.unschedulable": "false"}
    node["spec"] = {"podCIDRs": ["10.42.0.0/24"]}
    new = copy.deepcopy(node)
    new["spec"]["podCIDRs"] = ["10.42.1.0/24"]
    _, errs = update("Node", new, node)
    assert errs == ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']


def test_event() -> None:
    s = strategy("Event")
    ev, errs = create("Event", {"metadata": {"name": "web.17f3:a", "namespace": "d"},
                                "involvedObject": {"kind": "Pod", "name": "web", "namespace": "d"},
                                "reason": "Started", "source": {"component": "kubelet"}, "type": "Normal"})
    assert errs == []
    fv = s.field_values(ev)
    assert fv["involvedObject.kind"] == "Pod" and fv["source"] == "kubelet" and fv["reason"] == "Started"
    assert s.allow_create_on_update
    _, errs = create("Event", {"metadata": {"name": "e", "namespace": "d"}, "involvedObject": {"namespace": "o"}})
    assert errs == ['involvedObject.namespace: Invalid value: "o": does not match event.namespace']


def test_replication_controller() -> None:
    rc, errs = create("ReplicationController", {"metadata": {"name": "rc", "namespace": "d"}, "spec": {
        "template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}})
    assert errs == []
    assert rc["spec"]["replicas"] == 1 and rc["spec"]["selector"] == {"app": "a"}
    assert rc["metadata"]["labels"] == {"app": "a"} and rc["status"] == {"replicas": 0}
    assert rc["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert strategy("ReplicationController").field_values(rc) == {"status.replicas": "0"}
    _, errs = create("ReplicationController", {"metadata": {"name": "rc", "namespace": "d"}, "spec": {
        "selector": {"app": "b"},
        "template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}})
    assert errs == ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does '
                    'not match template `labels`']


def test_pvc_and_pv() -> None:
    pvc, errs = create("PersistentVolumeClaim", {"metadata": {"name": "c", "namespace": "d"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    assert errs == [] and pvc["status"] == {"phase": "Pending"} and pvc["spec"]["volumeMode"] == "Filesystem"
    new = copy.deepcopy(pvc)
    new["spec"]["accessModes"] = ["ReadWriteMany"]
    _, errs = update("PersistentVolumeClaim", new, pvc)
    assert errs[0].startswith("spec: Forbidden: spec is immutable after creation except resources.requests and "
                              "volumeAttributesClassName for bound claims")
    pv, errs = create("PersistentVolume", {"metadata": {"name": "pv"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "hostPath": {"path": "/data"}}})
    assert errs == [] and pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["status"]["phase"] == "Pending"


def test_limit_range_defaults() -> None:
    lr, errs = create("LimitRange", {"metadata": {"name": "l", "namespace": "d"}, "spec": {"limits": [
        {"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"}}]}})
    assert errs == []
    item = lr["spec"]["limits"][0]
    assert item["default"] == {"cpu": "2"} and item["defaultRequest"] == {"cpu": "2", "memory": "64Mi"}


def test_resource_quota() -> None:
    _, errs = create("ResourceQuota", {"metadata": {"name": "q", "namespace": "d"},
                                       "spec": {"hard": {"pods": "1.5", "bogus": "1"}}})
    assert "spec.hard[pods]: Invalid value: 1500m: must be an integer" in errs
    assert 'spec.hard[bogus]: Invalid value: "bogus": must be a standard resource type or fully qualified' in errs


def test_generation_tracking() -> None:
    tracked = {k for k in ("Pod", "ReplicationController", "PodTemplate") if strategy(k).tracks_generation}
    untracked = {k for k in ("ConfigMap", "Secret", "Service", "Namespace", "Node", "Event", "Endpoints",
                             "PersistentVolume", "PersistentVolumeClaim", "ServiceAccount", "LimitRange",
                             "ResourceQuota") if not strategy(k).tracks_generation}
    assert tracked == {"Pod", "ReplicationController", "PodTemplate"} and len(untracked) == 12
