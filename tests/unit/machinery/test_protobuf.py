"""The Kubernetes protobuf transcoder, against itself and against real kubectl 1.33 bytes."""

from __future__ import annotations

import copy
import http.server
import json
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from bosun.machinery import protobuf as pb
from bosun.machinery.protobuf import (
    MAGIC,
    ProtobufError,
    decode_object,
    decode_watch_event,
    encode_object,
    encode_watch_event,
)

KUBECTL = Path("/usr/lib/google-cloud-sdk/bin/kubectl.1.33")

META = {
    "name": "web",
    "namespace": "default",
    "uid": "6f0c2c7e-3c64-4bd4-9f55-1c4a3b2d9e01",
    "resourceVersion": "1234",
    "generation": 3,
    "creationTimestamp": "2025-03-04T05:06:07Z",
    "labels": {"app": "web", "tier": "frontend"},
    "annotations": {"deployment.kubernetes.io/revision": "2", "empty": ""},
    "ownerReferences": [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "name": "default",
            "uid": "0b8a1f7e-0000-4000-8000-000000000001",
            "controller": True,
            "blockOwnerDeletion": False,
        }
    ],
    "finalizers": ["example.com/keep"],
    "managedFields": [
        {
            "manager": "kubectl-create",
            "operation": "Update",
            "apiVersion": "apps/v1",
            "time": "2025-03-04T05:06:07Z",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:replicas": {}}},
        }
    ],
}

CONTAINER = {
    "name": "nginx",
    "image": "nginx:1.27",
    "command": ["nginx"],
    "args": ["-g", "daemon off;", ""],
    "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
    "env": [
        {"name": "A", "value": "B"},
        {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
    ],
    "resources": {
        "limits": {"cpu": "500m", "memory": "128Mi", "nvidia.com/gpu": "1"},
        "requests": {"cpu": "250m", "memory": "64Mi"},
    },
    "livenessProbe": {
        "httpGet": {
            "path": "/healthz",
            "port": "http",
            "scheme": "HTTP",
            "httpHeaders": [{"name": "X", "value": "1"}],
        },
        "initialDelaySeconds": 3,
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    },
    "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 5, "terminationGracePeriodSeconds": 0},
    "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "failureThreshold": 30},
    "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
    "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True}],
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "imagePullPolicy": "IfNotPresent",
    "securityContext": {
        "runAsUser": 0,
        "runAsNonRoot": False,
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    },
}

POD_SPEC = {
    "volumes": [
        {
            "name": "cfg",
            "configMap": {"name": "cm", "defaultMode": 420, "items": [{"key": "a", "path": "a"}]},
        },
        {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
        {
            "name": "tok",
            "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]},
        },
    ],
    "initContainers": [{"name": "init", "image": "busybox", "command": ["true"], "resources": {}}],
    "containers": [CONTAINER],
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 30,
    "dnsPolicy": "ClusterFirst",
    "nodeSelector": {"kubernetes.io/os": "linux"},
    "serviceAccountName": "default",
    "securityContext": {"fsGroup": 2000, "sysctls": [{"name": "net.ipv4.ip_forward", "value": "1"}]},
    "schedulerName": "default-scheduler",
    "priority": 0,
    "enableServiceLinks": True,
    "tolerations": [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        }
    ],
    "affinity": {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}
                        ]
                    }
                ]
            }
        }
    },
    "topologySpreadConstraints": [
        {
            "maxSkew": 1,
            "topologyKey": "zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "web"}},
        }
    ],
    "overhead": {"cpu": "10m"},
}

POD = {
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {**META, "name": "web-0", "deletionGracePeriodSeconds": 0},
    "spec": POD_SPEC,
    "status": {
        "phase": "Running",
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2025-03-04T05:06:10Z",
            }
        ],
        "hostIP": "10.0.0.5",
        "hostIPs": [{"ip": "10.0.0.5"}],
        "podIP": "10.42.0.7",
        "podIPs": [{"ip": "10.42.0.7"}],
        "startTime": "2025-03-04T05:06:08Z",
        "containerStatuses": [
            {
                "name": "nginx",
                "state": {"running": {"startedAt": "2025-03-04T05:06:09Z"}},
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "signal": 9,
                        "reason": "OOMKilled",
                        "startedAt": "2025-03-04T05:00:00Z",
                        "finishedAt": "2025-03-04T05:06:00Z",
                    }
                },
                "ready": True,
                "restartCount": 1,
                "image": "nginx:1.27",
                "imageID": "sha256:abc",
                "containerID": "containerd://0123",
                "started": True,
                "allocatedResources": {"cpu": "250m"},
            }
        ],
        "qosClass": "Burstable",
    },
}

DEPLOYMENT = {
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": META,
    "spec": {
        "replicas": 0,
        "selector": {
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "edge"]}],
        },
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
    },
    "status": {
        "observedGeneration": 3,
        "replicas": 2,
        "updatedReplicas": 2,
        "readyReplicas": 2,
        "availableReplicas": 2,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "lastUpdateTime": "2025-03-04T05:06:10Z",
                "lastTransitionTime": "2025-03-04T05:06:10Z",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability.",
            }
        ],
    },
}

SERVICE = {
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "ports": [
            {"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http", "nodePort": 30080},
            {"name": "metrics", "protocol": "TCP", "port": 9090, "targetPort": 9090, "appProtocol": "http"},
        ],
        "selector": {"app": "web"},
        "clusterIP": "10.43.0.12",
        "clusterIPs": ["10.43.0.12"],
        "type": "NodePort",
        "sessionAffinity": "ClientIP",
        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
        "externalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "internalTrafficPolicy": "Cluster",
    },
    "status": {
        "loadBalancer": {"ingress": [{"ip": "192.0.2.1", "ports": [{"port": 80, "protocol": "TCP"}]}]}
    },
}


def roundtrip(obj: dict) -> dict:
    data = encode_object(obj)
    assert data.startswith(MAGIC)
    return decode_object(data)


def without_nulls(value):
    """What a Go client's JSON carries for `value` (nulls are absent after decoding)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


# ---------------------------------------------------------------- round trips


def test_configmap_roundtrip():
    cm = {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "cfg", "namespace": "team-a", "labels": {"a": "1"}},
        "data": {"app.conf": "key = value\n", "empty": "", "unicode": "héllo ✓"},
        "binaryData": {"blob": "AAEC/w=="},
        "immutable": False,
    }
    assert roundtrip(cm) == cm


def test_secret_binary_data_roundtrip():
    secret = {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": "creds", "namespace": "default"},
        "type": "kubernetes.io/tls",
        "data": {
            "tls.crt": "LS0tLS1CRUdJTi0tLS0t",
            "tls.key": "AAECAwQFBgcICQoLDA0ODw==",
            "nul": "AA==",
            "empty": "",
        },
        "immutable": True,
    }
    data = encode_object(secret)
    assert b"\x00\x01\x02\x03\x04\x05\x06\x07" in data  # bytes travel raw, not base64
    assert decode_object(data) == secret


def test_pod_with_resources_and_probes_roundtrip():
    assert roundtrip(POD) == without_nulls(POD)


def test_deployment_roundtrip():
    assert roundtrip(DEPLOYMENT) == DEPLOYMENT


def test_service_roundtrip_keeps_int_and_string_target_ports():
    got = roundtrip(SERVICE)
    assert got == SERVICE
    assert got["spec"]["ports"][0]["targetPort"] == "http"
    assert got["spec"]["ports"][1]["targetPort"] == 9090


def test_rolebinding_roundtrip():
    rb = {
        "kind": "RoleBinding",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": {"name": "view", "namespace": "default"},
        "subjects": [
            {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"},
            {"kind": "ServiceAccount", "name": "sa", "namespace": "default"},
        ],
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    }
    assert roundtrip(rb) == rb


def test_namespace_roundtrip():
    ns = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {
            "name": "team-a",
            "labels": {"kubernetes.io/metadata.name": "team-a"},
            "deletionTimestamp": "2025-03-04T05:06:07Z",
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {
            "phase": "Terminating",
            "conditions": [{"type": "NamespaceDeletionContentFailure", "status": "False", "reason": "Ok"}],
        },
    }
    assert roundtrip(ns) == ns


def test_list_roundtrip():
    cm_list = {
        "kind": "ConfigMapList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "99", "continue": "abc", "remainingItemCount": 0},
        "items": [
            {"metadata": {"name": f"c{i}", "namespace": "default"}, "data": {"i": str(i)}} for i in range(3)
        ],
    }
    assert roundtrip(cm_list) == cm_list


def test_watch_event_frame():
    frame = encode_watch_event("ADDED", DEPLOYMENT)
    (length,) = struct.unpack(">I", frame[:4])
    assert length == len(frame) - 4
    # WatchEvent{type=1, object=2 RawExtension{raw=1}}, raw being the enveloped object.
    assert frame[4] == 0x0A and frame[5:11] == b"\x05ADDED"
    assert frame[11] == 0x12
    event_type, obj = decode_watch_event(frame)
    assert event_type == "ADDED"
    assert obj == DEPLOYMENT
    # The embedded object is exactly the body a GET would return.
    assert encode_object(DEPLOYMENT) in frame


def test_watch_bookmark_and_status_events():
    bookmark = {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "42"}}
    assert decode_watch_event(encode_watch_event("BOOKMARK", bookmark)) == ("BOOKMARK", bookmark)
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "too old resource version: 1 (42)",
        "reason": "Expired",
        "code": 410,
    }
    assert decode_watch_event(encode_watch_event("ERROR", status)) == ("ERROR", status)


# ---------------------------------------------------------------- special JSON forms


def test_inline_structs_travel_as_their_own_message():
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 7}
    data = pb.encode_message("k8s.io.api.core.v1.Probe", probe)
    # Probe.handler (field 1) holds ProbeHandler whose httpGet is field 2.
    assert data[0] == 0x0A and data[2] == 0x12
    assert pb.decode_message("k8s.io.api.core.v1.Probe", data) == probe


def test_json_names_that_differ_from_proto_names():
    vwc = {
        "kind": "ValidatingWebhookConfiguration",
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": {"name": "hooks"},
        "webhooks": [
            {
                "name": "v.example.com",
                "clientConfig": {
                    "service": {"namespace": "x", "name": "svc", "port": 443},
                    "caBundle": "AAE=",
                },
                "rules": [
                    {
                        "operations": ["CREATE"],
                        "apiGroups": [""],
                        "apiVersions": ["v1"],
                        "resources": ["pods"],
                        "scope": "*",
                    }
                ],
                "failurePolicy": "Fail",
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "timeoutSeconds": 10,
                "matchConditions": [{"name": "m", "expression": "true"}],
            }
        ],
    }
    assert roundtrip(vwc) == vwc
    ingress_class = {
        "kind": "IngressClass",
        "apiVersion": "networking.k8s.io/v1",
        "metadata": {"name": "nginx"},
        "spec": {
            "controller": "k8s.io/ingress-nginx",
            "parameters": {"apiGroup": "k8s.example.com", "kind": "Params", "name": "p", "scope": "Cluster"},
        },
    }
    assert roundtrip(ingress_class) == ingress_class


def test_named_slices_and_embedded_objects():
    sar = {
        "kind": "SubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {
            "resourceAttributes": {"namespace": "default", "verb": "get", "resource": "pods"},
            "user": "alice",
            "groups": ["dev"],
            "extra": {"scopes": ["a", "b"], "none": []},
        },
        "status": {"allowed": True, "reason": "RBAC"},
    }
    assert roundtrip(sar) == sar
    revision = {
        "kind": "ControllerRevision",
        "apiVersion": "apps/v1",
        "metadata": {"name": "web-5d8f", "namespace": "default"},
        "data": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}},
        "revision": 4,
    }
    assert roundtrip(revision) == revision


def test_micro_time_and_lease():
    lease = {
        "kind": "Lease",
        "apiVersion": "coordination.k8s.io/v1",
        "metadata": {"name": "kube-scheduler", "namespace": "kube-system"},
        "spec": {
            "holderIdentity": "node-1_abc",
            "leaseDurationSeconds": 15,
            "acquireTime": "2025-03-04T05:06:07.000000Z",
            "renewTime": "2025-03-04T05:06:22.123456Z",
            "leaseTransitions": 0,
        },
    }
    assert roundtrip(lease) == lease


def test_time_forms():
    assert pb.format_time(0) == "1970-01-01T00:00:00Z"
    assert pb.parse_time("2025-03-04T05:06:07Z") == (1741064767, 0)
    assert pb.parse_time("2025-03-04T06:06:07.5+01:00") == (1741064767, 500_000_000)
    assert pb.format_micro_time(1741064767, 123_456_789) == "2025-03-04T05:06:07.123456Z"
    with pytest.raises(ProtobufError):
        pb.parse_time("yesterday")


@pytest.mark.parametrize(
    ("nanos", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (1_500, "1.5\u00b5s"),
        (500_000_000, "500ms"),
        (1_500_000_000, "1.5s"),
        (30_000_000_000, "30s"),
        (90_000_000_000, "1m30s"),
        (3_600_000_000_000, "1h0m0s"),
        (-5_400_000_000_000, "-1h30m0s"),
    ],
)
def test_duration_forms(nanos: int, text: str):
    assert pb.format_duration(nanos) == text
    assert pb.parse_duration(text) == nanos
    message = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration"
    assert pb.decode_message(message, pb.encode_message(message, text)) == text


def test_parse_duration_accepts_go_spellings():
    assert pb.parse_duration("1h") == 3_600_000_000_000
    assert pb.parse_duration("2m3.25s") == 123_250_000_000
    assert pb.parse_duration("10us") == 10_000
    with pytest.raises(ProtobufError):
        pb.parse_duration("5 minutes")


def test_decoding_drops_what_json_would_omit_and_keeps_pointer_zeros():
    # What gogo writes for a Deployment with every optional string left empty.
    obj = {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "d", "namespace": "", "generateName": ""},
        "spec": {"replicas": 0, "minReadySeconds": 0, "paused": False, "template": {"metadata": {}}},
    }
    got = roundtrip(obj)
    assert got["metadata"] == {"name": "d"}
    # replicas is a pointer (kept at 0); minReadySeconds and paused are omitempty values.
    assert got["spec"] == {"replicas": 0, "template": {"metadata": {}}}


def test_zero_time_is_omitted():
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "creationTimestamp": None}}
    assert roundtrip(pod) == {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"}}


# ---------------------------------------------------------------- facts and errors


def test_envelope_numbers_match_the_facts_table():
    facts = json.loads(pb.FACTS_PATH.read_text())["messages"]

    def numbers(message: str) -> dict[str, int]:
        return {row[0]: row[1] for row in facts[message]}

    unknown = {row[2]: row[1] for row in facts["k8s.io.apimachinery.pkg.runtime.Unknown"] if row[0] == ""}
    assert unknown == {"k8s.io.apimachinery.pkg.runtime.TypeMeta": pb.UNKNOWN_TYPE_META}
    assert numbers("k8s.io.apimachinery.pkg.runtime.Unknown")["raw"] == pb.UNKNOWN_RAW
    assert (
        numbers("k8s.io.apimachinery.pkg.runtime.Unknown")["contentEncoding"] == pb.UNKNOWN_CONTENT_ENCODING
    )
    assert numbers("k8s.io.apimachinery.pkg.runtime.Unknown")["contentType"] == pb.UNKNOWN_CONTENT_TYPE
    assert numbers("k8s.io.apimachinery.pkg.runtime.TypeMeta") == {
        "apiVersion": pb.TYPE_META_API_VERSION,
        "kind": pb.TYPE_META_KIND,
    }
    assert numbers("k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent") == {
        "type": pb.WATCH_EVENT_TYPE,
        "object": pb.WATCH_EVENT_OBJECT,
    }
    assert numbers(pb.RAW_EXTENSION) == {"raw": pb.RAW_EXTENSION_RAW}


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("v1", "ConfigMap"),
        ("v1", "Status"),
        ("v1", "DeleteOptions"),
        ("apps/v1", "StatefulSet"),
        ("batch/v1", "CronJob"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("policy/v1", "PodDisruptionBudget"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("coordination.k8s.io/v1", "Lease"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
        ("events.k8s.io/v1", "Event"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("certificates.k8s.io/v1", "CertificateSigningRequest"),
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
        ("authentication.k8s.io/v1", "TokenRequest"),
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
        ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"),
    ],
)
def test_kinds_have_messages(api_version: str, kind: str):
    assert pb.message_for(api_version, kind) is not None


def test_unknown_kind_is_a_protobuf_error():
    crd_object = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    with pytest.raises(ProtobufError, match="Widget"):
        encode_object(crd_object)
    envelope = bytearray(MAGIC)
    type_meta = b"\x0a\x0eexample.com/v1\x12\x06Widget"
    envelope += b"\x0a" + bytes([len(type_meta)]) + type_meta + b"\x12\x00"
    with pytest.raises(ProtobufError, match="Widget"):
        decode_object(bytes(envelope))


def test_malformed_bodies_are_protobuf_errors():
    good = encode_object(DEPLOYMENT)
    with pytest.raises(ProtobufError):
        decode_object(b'{"kind": "Pod"}')
    with pytest.raises(ProtobufError):
        decode_object(good[:-7])
    with pytest.raises(ProtobufError):
        decode_object(MAGIC + b"\xff\xff")
    with pytest.raises(ProtobufError):
        encode_object({"kind": "ConfigMap", "apiVersion": "v1", "data": {"a": 1}})
    with pytest.raises(ProtobufError):
        encode_object({"kind": "Secret", "apiVersion": "v1", "data": {"a": "not base64!"}})
    with pytest.raises(ProtobufError):
        encode_object({"kind": "Deployment", "apiVersion": "apps/v1", "spec": {"replicas": "three"}})


def test_corrupted_bodies_raise_only_protobuf_errors():
    import random

    good = encode_object(POD)
    rnd = random.Random(7)
    for _ in range(2000):
        body = bytearray(good)
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(MAGIC), len(body))
            if rnd.random() < 0.6:
                body[at] = rnd.randrange(256)
            else:
                del body[at : at + rnd.randint(1, 4)]
        try:
            orjson.dumps(decode_object(bytes(body)))
        except ProtobufError:
            pass


def test_transcoding_is_fast_enough():
    import time

    start = time.perf_counter()
    for _ in range(50):
        decode_object(encode_object(DEPLOYMENT))
    assert (time.perf_counter() - start) / 50 < 0.02


# ---------------------------------------------------------------- real kubectl bytes


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; answers as `server.respond` says."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _reply(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        self.server.respond(self, body)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = _handle


@pytest.fixture(scope="module")
def apiserver() -> Iterator[http.server.ThreadingHTTPServer]:
    if not KUBECTL.exists():
        pytest.fail(f"{KUBECTL} is part of this machine kind and is missing")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def echo_decoded(handler: _Recorder, body: bytes) -> None:
    """Answer a create the way an apiserver would: 201 with the object, as JSON."""
    try:
        obj = decode_object(body)
    except ProtobufError as e:
        status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": str(e), "code": 415}
        handler._reply(415, "application/json", orjson.dumps(status))
        return
    handler._reply(201, "application/json", orjson.dumps(obj))


def kubectl(server, respond: Callable, *args: str) -> tuple[subprocess.CompletedProcess, list]:
    server.requests.clear()
    server.respond = respond
    url = f"http://127.0.0.1:{server.server_address[1]}"
    proc = subprocess.run([str(KUBECTL), "--server", url, *args], capture_output=True, text=True, timeout=30)
    return proc, list(server.requests)


def created_body(requests: list, path_prefix: str) -> bytes:
    posts = [r for r in requests if r[0] == "POST" and r[1].startswith(path_prefix)]
    assert posts, f"no POST to {path_prefix}: {[(r[0], r[1]) for r in requests]}"
    method, path, headers, body = posts[-1]
    assert headers["Content-Type"] == "application/vnd.kubernetes.protobuf"
    assert body.startswith(MAGIC)
    return body


def test_kubectl_create_configmap_bytes(apiserver):
    proc, requests = kubectl(
        apiserver, echo_decoded, "-n", "team", "create", "configmap", "x", "--from-literal=a=b"
    )
    assert proc.returncode == 0, proc.stderr
    assert "configmap/x created" in proc.stdout
    body = created_body(requests, "/api/v1/namespaces/team/configmaps")
    assert decode_object(body) == {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "x", "namespace": "team"},
        "data": {"a": "b"},
    }


def test_kubectl_create_secret_generic_bytes(apiserver, tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(b"\x00\x01\xff")
    proc, requests = kubectl(
        apiserver,
        echo_decoded,
        "create",
        "secret",
        "generic",
        "s",
        "--from-literal=k=v",
        f"--from-file=bin={blob}",
    )
    assert proc.returncode == 0, proc.stderr
    body = created_body(requests, "/api/v1/namespaces/default/secrets")
    assert b"\x00\x01\xff" in body
    assert decode_object(body) == {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": "s"},
        "data": {"bin": "AAH/", "k": "dg=="},
    }


def test_kubectl_create_deployment_bytes(apiserver):
    proc, requests = kubectl(
        apiserver,
        echo_decoded,
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--replicas=3",
        "--port=8080",
    )
    assert proc.returncode == 0, proc.stderr
    body = created_body(requests, "/apis/apps/v1/namespaces/default/deployments")
    assert decode_object(body) == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 8080}],
                            "resources": {},
                        }
                    ]
                },
            },
            "strategy": {},
        },
        "status": {},
    }


def test_kubectl_reads_our_protobuf_response(apiserver):
    """kubectl's Go decoder reads what we encode: the object it prints is the one we sent."""
    reply = copy.deepcopy(DEPLOYMENT)

    def respond(handler: _Recorder, body: bytes) -> None:
        handler._reply(201, pb.CONTENT_TYPE, encode_object(reply))

    proc, _ = kubectl(
        apiserver, respond, "create", "deployment", "web", "--image=x", "-o", "json", "--show-managed-fields"
    )
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    # Go prints a zero nested creationTimestamp as null, which JSON clients send too.
    assert printed["spec"]["template"]["metadata"].pop("creationTimestamp") is None
    assert printed == DEPLOYMENT


def test_kubectl_follows_our_protobuf_watch_stream(apiserver):
    """`kubectl run --attach` watches the pod through a typed (protobuf) informer."""
    pending = {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": "p", "namespace": "default", "resourceVersion": "5", "uid": "u1"},
        "spec": {"containers": [{"name": "p", "image": "busybox"}], "restartPolicy": "Never"},
        "status": {"phase": "Pending"},
    }
    finished = copy.deepcopy(pending)
    finished["metadata"]["resourceVersion"] = "6"
    finished["status"] = {"phase": "Succeeded"}
    discovery = {
        "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
        "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []},
        "/api/v1": {
            "kind": "APIResourceList",
            "groupVersion": "v1",
            "resources": [
                {
                    "name": "pods",
                    "singularName": "pod",
                    "namespaced": True,
                    "kind": "Pod",
                    "verbs": ["create"],
                }
            ],
        },
    }

    def respond(handler: _Recorder, body: bytes) -> None:
        path, _, query = handler.path.partition("?")
        if path in discovery:
            handler._reply(200, "application/json", orjson.dumps(discovery[path]))
        elif handler.command == "POST":
            handler._reply(201, pb.CONTENT_TYPE, encode_object(pending))
        elif path == "/api/v1/namespaces/default/pods" and "watch=true" in query:
            handler.send_response(200)
            handler.send_header("Content-Type", pb.WATCH_CONTENT_TYPE)
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            frame = encode_watch_event("MODIFIED", finished)
            handler.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(frame), frame))
        elif path == "/api/v1/namespaces/default/pods":
            pods = {
                "kind": "PodList",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": "5"},
                "items": [pending],
            }
            handler._reply(200, pb.CONTENT_TYPE, encode_object(pods))
        elif path.endswith("/log"):
            handler._reply(200, "text/plain", b"logs after the watch event\n")
        else:
            handler._reply(404, "application/json", b'{"kind":"Status","apiVersion":"v1","code":404}')

    proc, requests = kubectl(apiserver, respond, "run", "p", "--image=busybox", "--restart=Never", "--attach")
    assert proc.returncode == 0, proc.stderr
    watches = [r for r in requests if "watch=true" in r[1]]
    assert watches and watches[0][2]["Accept"].startswith(pb.CONTENT_TYPE)
    # Only the watch event said Succeeded: reading the logs proves kubectl decoded the frame.
    assert "logs after the watch event" in proc.stdout
