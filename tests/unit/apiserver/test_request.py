"""What a request is about, as upstream's RequestInfo decides it, and response negotiation."""

from __future__ import annotations

import pytest

from bosun.apiserver.request import decode_body, go_json_error, negotiate, parse_request
from bosun.machinery.errors import StatusError


@pytest.mark.parametrize(("method", "path", "query", "expect"), [
    ("GET", "/api/v1/namespaces/default/pods", {}, ("list", "", "v1", "default", "pods", "", "")),
    ("GET", "/api/v1/namespaces/default/pods", {"watch": "true"}, ("watch", "", "v1", "default", "pods", "", "")),
    ("GET", "/api/v1/watch/namespaces/default/pods", {}, ("watch", "", "v1", "default", "pods", "", "")),
    ("GET", "/api/v1/namespaces/default/pods/web", {}, ("get", "", "v1", "default", "pods", "web", "")),
    ("GET", "/api/v1/namespaces/default/pods/web/log", {}, ("get", "", "v1", "default", "pods", "web", "log")),
    ("POST", "/apis/apps/v1/namespaces/x/deployments", {}, ("create", "apps", "v1", "x", "deployments", "", "")),
    ("PATCH", "/apis/apps/v1/namespaces/x/deployments/d/scale", {},
     ("patch", "apps", "v1", "x", "deployments", "d", "scale")),
    ("DELETE", "/api/v1/namespaces/x/configmaps", {}, ("deletecollection", "", "v1", "x", "configmaps", "", "")),
    ("GET", "/api/v1/namespaces", {}, ("list", "", "v1", "", "namespaces", "", "")),
    ("GET", "/api/v1/namespaces/kube-system", {}, ("get", "", "v1", "", "namespaces", "kube-system", "")),
    ("PUT", "/api/v1/namespaces/doomed/finalize", {}, ("update", "", "v1", "", "namespaces", "doomed", "finalize")),
    ("GET", "/api/v1/namespaces/doomed/status", {}, ("get", "", "v1", "", "namespaces", "doomed", "status")),
    ("GET", "/api/v1/nodes/n1/proxy/metrics", {}, ("get", "", "v1", "", "nodes", "n1", "proxy")),
    ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Abasic-user", {},
     ("get", "rbac.authorization.k8s.io", "v1", "", "clusterroles", "system:basic-user", "")),
])
def test_request_info(method: str, path: str, query: dict, expect: tuple) -> None:
    info = parse_request(method, path, query)
    assert info.is_resource
    assert (info.verb, info.group, info.version, info.namespace, info.resource, info.name,
            info.subresource) == expect


def test_non_resource_paths() -> None:
    for path in ("/version", "/healthz", "/api", "/apis", "/apis/apps", "/api/v1", "/apis/apps/v1", "/openapi/v2"):
        assert not parse_request("GET", path, {}).is_resource, path
    assert parse_request("GET", "/api/v1/nodes/n1/proxy/metrics", {}).rest == ["metrics"]


def test_negotiation() -> None:
    assert negotiate(None).format == "json"
    assert negotiate("application/vnd.kubernetes.protobuf, */*").format == "json"
    assert negotiate("application/vnd.kubernetes.protobuf").format == "protobuf"
    table = negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                      "g=meta.k8s.io,application/json")
    assert (table.format, table.shape, table.shape_version) == ("json", "Table", "v1")
    assert negotiate("application/json;as=Widget;v=v1;g=meta.k8s.io,application/json").shape == ""
    assert negotiate("application/yaml").format == "yaml"
    with pytest.raises(StatusError) as e:
        negotiate("text/html")
    assert e.value.code == 406


@pytest.mark.parametrize(("body", "said"), [
    (b'{"a": ', "unexpected end of JSON input"),
    (b'{"a": "x', "unexpected end of JSON input"),
    (b"kind: [", "invalid character 'k' looking for beginning of value"),
    (b'{"a" 1}', "invalid character '1' after object key"),
    (b"{a:1}", "invalid character 'a' looking for beginning of object key string"),
    (b"[1 2]", "invalid character '2' after array element"),
    (b'{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
    (b"{} x", "invalid character 'x' after top-level value"),
])
def test_malformed_json_is_described_as_go_does(body: bytes, said: str) -> None:
    assert go_json_error(body) == said


def test_malformed_bodies_are_bad_requests() -> None:
    with pytest.raises(StatusError) as e:
        decode_body("application/json", b'{"kind": "ConfigMap", ', "ConfigMap")
    assert e.value.code == 400
    assert e.value.message == "couldn't get version/kind; json parse error: unexpected end of JSON input"
    with pytest.raises(StatusError) as e:
        decode_body("application/yaml", b"a: [\n", "ConfigMap")
    assert e.value.code == 400 and e.value.message.startswith("error converting YAML to JSON: yaml: line")
    with pytest.raises(StatusError) as e:
        decode_body("application/json", b"x" * (3 * 1024 * 1024 + 1), "ConfigMap")
    assert e.value.code == 413
