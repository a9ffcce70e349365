"""Shared validation: upstream's field error texts, object metadata, names, selectors, pod specs."""

from __future__ import annotations

import copy

from bosun.api import validation as v
from bosun.api.core import default_pod, default_pod_template
from bosun.machinery.quantity import parse_quantity

SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
             "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


def msgs(causes) -> list[str]:
    return [f"{c.field}: {c.message}" for c in causes]


# ---- field errors


def test_error_bodies() -> None:
    assert v.required("spec.x").message == "Required value"
    assert v.required("spec.x").reason == "FieldValueRequired"
    assert v.required("a", "must be set").message == "Required value: must be set"
    assert v.invalid("a", "x", "bad").message == 'Invalid value: "x": bad'
    assert v.invalid("a", 5, "bad").message == "Invalid value: 5: bad"
    assert v.invalid("a", None, "bad").message == "Invalid value: null: bad"
    assert v.invalid("a", parse_quantity("500m"), "must be an integer").message == \
        "Invalid value: 500m: must be an integer"
    assert v.not_supported("a", "Sometimes", ("Always", "Never")).message == \
        'Unsupported value: "Sometimes": supported values: "Always", "Never"'
    assert v.duplicate("a", "x").message == 'Duplicate value: "x"'
    assert v.forbidden("a", "nope").message == "Forbidden: nope"
    assert v.too_long("a", 1048576).message == "Too long: may not be more than 1048576 bytes"
    assert v.immutable("a", "x").message == 'Invalid value: "x": field is immutable'
    assert v.invalid("a", ["x", "y"], "d").message == 'Invalid value: []string{"x", "y"}: d'


# ---- names


def test_name_validators() -> None:
    assert v.dns1123_subdomain("Bad_Name") == [SUBDOMAIN_MSG]
    assert v.dns1123_subdomain("web-1.example") == []
    assert v.dns1123_subdomain("x" * 254) == ["must be no more than 253 characters"]
    assert v.dns1123_label("a.b") == ["must not contain dots"]
    assert v.dns1123_label("A") == [LABEL_MSG]
    assert v.dns1035_label("1abc") == [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
        "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
    # generateName prefixes may end with a dash
    assert v.dns1123_subdomain("web-", True) == []
    assert v.dns1123_subdomain("web-", False) != []
    assert v.path_segment_name("system:basic-user") == []
    assert v.path_segment_name("a/b") == ["may not contain '/'"]
    assert v.path_segment_name("..") == ["may not be '..'"]


# ---- object metadata


def test_object_meta_name_message() -> None:
    out = v.validate_object_meta({"name": "Bad_Name", "namespace": "default"}, True)
    assert msgs(out) == [f'metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN_MSG}']
    assert out[0].reason == "FieldValueInvalid"


def test_object_meta_required_and_scope() -> None:
    assert msgs(v.validate_object_meta({"namespace": "d"}, True)) == [
        "metadata.name: Required value: name or generateName is required"]
    assert msgs(v.validate_object_meta({"name": "a"}, True)) == ["metadata.namespace: Required value"]
    assert msgs(v.validate_object_meta({"name": "a", "namespace": "d"}, False)) == [
        "metadata.namespace: Forbidden: not allowed on this type"]
    assert msgs(v.validate_object_meta({"name": "a", "namespace": "Bad"}, True)) == [
        f'metadata.namespace: Invalid value: "Bad": {LABEL_MSG}']


def test_object_meta_labels_annotations_finalizers() -> None:
    meta = {"name": "a", "namespace": "d", "labels": {"ok": "v", "bad key": "v", "k": "bad value!"},
            "annotations": {"Example.com/Note": "x"}, "finalizers": ["example.com/f", "custom"]}
    out = msgs(v.validate_object_meta(meta, True))
    assert any(m.startswith('metadata.labels: Invalid value: "bad key": name part must consist of') for m in out)
    assert any(m.startswith('metadata.labels: Invalid value: "bad value!": a valid label must be') for m in out)
    assert not any(m.startswith("metadata.annotations") for m in out)  # keys are case-insensitive
    assert 'metadata.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it ' \
        'fully qualified' in out
    big = {"name": "a", "namespace": "d", "annotations": {"a": "x" * (256 * 1024)}}
    assert msgs(v.validate_object_meta(big, True)) == ["metadata.annotations: Too long: may not be more than "
                                                       "262144 bytes"]


def test_object_meta_update_immutables() -> None:
    old = {"name": "a", "namespace": "d", "uid": "1", "creationTimestamp": "t", "finalizers": ["x/y"],
           "deletionTimestamp": "t2"}
    new = dict(old, uid="2", finalizers=["x/y", "x/z"])
    out = msgs(v.validate_object_meta_update(new, old))
    assert 'metadata.uid: Invalid value: "2": field is immutable' in out
    assert 'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found ' \
        'new finalizers []string{"x/z"}' in out


def test_label_selector() -> None:
    sel = {"matchLabels": {"a": "b"}, "matchExpressions": [{"key": "k", "operator": "In"},
                                                           {"key": "k", "operator": "Exists", "values": ["x"]},
                                                           {"key": "k", "operator": "Bogus"}]}
    assert msgs(v.validate_label_selector(sel, "spec.selector")) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
        "'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Bogus": not a valid selector operator']


# ---- pod specs


def pod(**spec) -> dict:
    p = {"metadata": {"name": "p", "namespace": "d"},
         "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}
    default_pod(p)
    return p


def spec_errors(p: dict) -> list[str]:
    return msgs(v.validate_pod_create_spec(p))


def test_defaulted_pod_is_valid() -> None:
    assert spec_errors(pod()) == []


def test_containers_required_and_image() -> None:
    p = pod()
    p["spec"]["containers"] = []
    assert spec_errors(p) == ["spec.containers: Required value"]
    p = pod()
    del p["spec"]["containers"][0]["image"]
    assert spec_errors(p) == ["spec.containers[0].image: Required value"]
    p = pod()
    p["spec"]["containers"][0]["image"] = " nginx"
    assert spec_errors(p) == ['spec.containers[0].image: Invalid value: " nginx": must not have leading or '
                              'trailing whitespace']


def test_container_names() -> None:
    p = {"metadata": {"name": "p"}, "spec": {
        "initContainers": [{"name": "c", "image": "x"}],
        "containers": [{"name": "c", "image": "x"}, {"name": "c", "image": "x"}, {"name": "Bad", "image": "x"}]}}
    default_pod(p)
    out = spec_errors(p)
    assert 'spec.containers[1].name: Duplicate value: "c"' in out
    assert f'spec.containers[2].name: Invalid value: "Bad": {LABEL_MSG}' in out
    assert 'spec.initContainers[0].name: Duplicate value: "c"' in out


def test_policies() -> None:
    out = spec_errors(pod(restartPolicy="Sometimes", dnsPolicy="Nope"))
    assert out == ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", '
                   '"Never"',
                   'spec.dnsPolicy: Unsupported value: "Nope": supported values: "ClusterFirstWithHostNet", '
                   '"ClusterFirst", "Default", "None"']
    p = pod()
    p["spec"]["containers"][0]["imagePullPolicy"] = "Sometimes"
    assert spec_errors(p) == ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported '
                              'values: "Always", "IfNotPresent", "Never"']


def test_ports_and_env() -> None:
    p = pod()
    c = p["spec"]["containers"][0]
    c["ports"] = [{"containerPort": 0, "protocol": "TCP"}, {"containerPort": 70000, "protocol": "ICMP",
                                                            "name": "HTTP"}]
    c["env"] = [{"name": ""}, {"name": "A=B"}, {"name": "X", "valueFrom": {}}]
    out = spec_errors(p)
    assert "spec.containers[0].ports[0].containerPort: Required value" in out
    assert "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, " \
        "inclusive" in out
    assert 'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", ' \
        '"UDP"' in out
    assert 'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric characters ' \
        '(a-z, 0-9), and hyphens (-)' in out
    assert "spec.containers[0].env[0].name: Required value" in out
    assert 'spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist ' \
        "only of printable ASCII characters other than '='" in out
    assert 'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, ' \
        '`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`' in out


def test_field_ref_paths() -> None:
    p = pod()
    p["spec"]["containers"][0]["env"] = [
        {"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}},
        {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "spec.bogus"}}},
        {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}}]
    default_pod(p)
    out = spec_errors(p)
    assert out[0].startswith('spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: '
                             '"status.phase": supported values: "metadata.name"')
    assert out[1] == ('spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Invalid value: "spec.bogus": error '
                      'converting fieldPath: field label not supported: spec.bogus')
    assert len(out) == 2


def test_volumes_and_mounts() -> None:
    p = pod(volumes=[{"name": "data"}, {"name": "data"}, {"name": "two", "emptyDir": {}, "hostPath": {"path": "/x"}},
                     {"name": "cfg", "configMap": {"name": "c", "defaultMode": 0o1777}}])
    p["spec"]["containers"][0]["volumeMounts"] = [{"name": "missing", "mountPath": "/a"},
                                                  {"name": "data", "mountPath": "/a"}]
    out = spec_errors(p)
    assert 'spec.volumes[1].name: Duplicate value: "data"' in out
    assert "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type" in out
    assert "spec.volumes[3].configMap.defaultMode: Invalid value: 1023: must be a number between 0 and 0777 " \
        "(octal), both inclusive" in out
    assert 'spec.containers[0].volumeMounts[0].name: Not found: "missing"' in out
    assert 'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique' in out


def test_resources() -> None:
    p = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x", "resources": {
        "requests": {"cpu": "2", "memory": "-1"}, "limits": {"cpu": "1", "bogus": "1"}}}]}}
    default_pod(p)
    out = spec_errors(p)
    assert 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of ' \
        '1' in out
    assert 'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to ' \
        '0' in out
    assert 'spec.containers[0].resources.limits[bogus]: Invalid value: "bogus": must be a standard resource type ' \
        'or fully qualified' in out


def test_probes() -> None:
    p = pod()
    c = p["spec"]["containers"][0]
    c["livenessProbe"] = {"httpGet": {"port": 80}, "exec": {"command": ["x"]}, "successThreshold": 2}
    c["readinessProbe"] = {"tcpSocket": {"port": "80"}, "terminationGracePeriodSeconds": 5}
    c["startupProbe"] = {}
    default_pod(p)
    out = spec_errors(p)
    assert "spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type" in out
    assert "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1" in out
    assert 'spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "80": must contain at least one ' \
        'letter (a-z)' in out
    assert "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set " \
        "for readinessProbes" in out
    assert "spec.containers[0].startupProbe: Required value: must specify a handler type" in out


def test_tolerations() -> None:
    out = msgs(v.validate_tolerations([{"operator": "Equal", "value": "x"},
                                       {"key": "k", "operator": "Exists", "value": "v"},
                                       {"key": "k", "effect": "NoSchedule", "tolerationSeconds": 5}], "spec.t"))
    assert out == ['spec.t[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
                   'means "match all values and all keys"',
                   'spec.t[1].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
                   'spec.t[2].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when '
                   '`tolerationSeconds` is set']


def test_host_network_ports() -> None:
    p = pod(hostNetwork=True)
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 81, "protocol": "TCP"}]
    assert spec_errors(p) == ["spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` "
                              "when `hostNetwork` is true"]


def test_template_paths_and_ephemeral() -> None:
    tpl = {"metadata": {"labels": {"bad key": "x"}},
           "spec": {"containers": [{"name": "c", "image": "x"}], "ephemeralContainers": [
               {"name": "e", "image": "x"}]}}
    default_pod_template(tpl)
    out = msgs(v.validate_pod_template_spec(tpl, "spec.template"))
    assert out[0].startswith('spec.template.labels: Invalid value: "bad key"')
    assert "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod " \
        "template" in out
    # templates get no Pod-only defaults
    assert "enableServiceLinks" not in tpl["spec"]


def test_validation_does_not_mutate_or_crash_on_garbage() -> None:
    junk = {"containers": "nope", "volumes": [1, None], "tolerations": {"a": 1}, "affinity": [],
            "securityContext": "x", "dnsConfig": 3}
    before = copy.deepcopy(junk)
    v.validate_pod_spec(junk, "spec")
    assert junk == before
    v.validate_pod_template_spec({"spec": None}, "t")


def test_pvc_spec() -> None:
    out = msgs(v.validate_pvc_spec({"accessModes": ["ReadWriteOncePod", "ReadWriteOnce", "Bogus"]}, "spec"))
    assert 'spec.accessModes: Unsupported value: "Bogus": supported values: "ReadOnlyMany", "ReadWriteMany", ' \
        '"ReadWriteOnce", "ReadWriteOncePod"' in out
    assert "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes" in out
    assert "spec.resources[storage]: Required value" in out
    assert msgs(v.validate_pvc_spec({}, "spec"))[0] == "spec.accessModes: Required value: at least 1 access mode " \
        "is required"
