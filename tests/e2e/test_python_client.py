"""The official `kubernetes` Python client against a real bosun API server: CRUD, patches, watch, errors."""

from __future__ import annotations

import threading
import time

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from tests.e2e.conftest import Cluster


@pytest.fixture(scope="module")
def api(cluster: Cluster) -> client.ApiClient:
    return config.new_client_from_config(str(cluster.kubeconfig))


@pytest.fixture
def ns(api: client.ApiClient, request: pytest.FixtureRequest) -> str:
    name = "py-" + request.node.originalname.replace("test_", "").replace("_", "-")[:40]
    client.CoreV1Api(api).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name


def test_configmap_crud(api: client.ApiClient, ns: str) -> None:
    core = client.CoreV1Api(api)
    cm = core.create_namespaced_config_map(ns, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}), data={"color": "blue"}))
    assert cm.metadata.uid and cm.metadata.resource_version and cm.metadata.creation_timestamp
    got = core.read_namespaced_config_map("settings", ns)
    assert got.data == {"color": "blue"} and got.metadata.labels == {"app": "py"}
    got.data["size"] = "large"
    replaced = core.replace_namespaced_config_map("settings", ns, got)
    assert int(replaced.metadata.resource_version) > int(cm.metadata.resource_version)
    listed = core.list_namespaced_config_map(ns, label_selector="app=py")
    assert [i.metadata.name for i in listed.items] == ["settings"]
    assert listed.metadata.resource_version
    # A stale resourceVersion is a Conflict.
    got.metadata.resource_version = cm.metadata.resource_version
    with pytest.raises(ApiException) as err:
        core.replace_namespaced_config_map("settings", ns, got)
    assert err.value.status == 409 and "the object has been modified" in err.value.body
    status = core.delete_namespaced_config_map("settings", ns)  # a plain dict with client 37
    assert status["kind"] == "Status" and status["status"] == "Success"
    assert status["details"]["name"] == "settings" and status["details"]["uid"] == cm.metadata.uid
    with pytest.raises(ApiException) as err:
        core.read_namespaced_config_map("settings", ns)
    assert err.value.status == 404 and 'configmaps \\"settings\\" not found' in err.value.body


def test_deployment_patches(api: client.ApiClient, ns: str) -> None:
    apps = client.AppsV1Api(api)
    body = {"metadata": {"name": "web"}, "spec": {
        "replicas": 1, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
            {"name": "web", "image": "nginx:1.24", "env": [{"name": "A", "value": "1"}]}]}}}}
    d = apps.create_namespaced_deployment(ns, body)
    assert d.spec.strategy.type == "RollingUpdate" and d.metadata.generation == 1
    # strategic merge (the client's default for dicts): containers merge by name
    d = apps.patch_namespaced_deployment("web", ns, {"spec": {"template": {"spec": {"containers": [
        {"name": "web", "env": [{"name": "B", "value": "2"}]}]}}}})
    c = d.spec.template.spec.containers
    assert len(c) == 1 and c[0].image == "nginx:1.24"
    assert [(e.name, e.value) for e in c[0].env] == [("B", "2"), ("A", "1")]
    # JSON patch
    d = apps.patch_namespaced_deployment("web", ns, [{"op": "replace", "path": "/spec/replicas", "value": 3}])
    assert d.spec.replicas == 3 and d.metadata.generation == 3
    # merge patch via the scale subresource
    s = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 5}})
    assert s.spec.replicas == 5
    assert apps.read_namespaced_deployment_scale("web", ns).spec.replicas == 5
    # server-side apply through the raw API
    apps.patch_namespaced_deployment(
        "web", ns, {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web",
                                                                             "labels": {"owner": "py"}}},
        field_manager="py-test", force=True, _content_type="application/apply-patch+yaml")
    d = apps.read_namespaced_deployment("web", ns)
    assert d.metadata.labels == {"owner": "py"}
    assert "py-test" in {m.manager for m in d.metadata.managed_fields}


def test_watch_sees_changes_in_order(api: client.ApiClient, ns: str) -> None:
    core = client.CoreV1Api(api)
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    seen: list[tuple[str, str]] = []
    w = watch.Watch()

    def consume() -> None:
        for ev in w.stream(core.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=20):
            seen.append((ev["type"], ev["object"].metadata.name))
            if len(seen) == 4:
                w.stop()

    t = threading.Thread(target=consume)
    t.start()
    time.sleep(0.5)
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="a")))
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="b")))
    core.patch_namespaced_config_map("a", ns, {"data": {"k": "v"}})
    core.delete_namespaced_config_map("b", ns)
    t.join(25)
    assert seen == [("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]


def test_errors_are_statuses(api: client.ApiClient, ns: str) -> None:
    core = client.CoreV1Api(api)
    core.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name="s"),
                                                      string_data={"password": "pw"}))
    with pytest.raises(ApiException) as err:
        core.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name="s")))
    assert err.value.status == 409 and '"reason":"AlreadyExists"' in err.value.body.replace(" ", "")
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="Bad_Name")))
    assert err.value.status == 422 and '"reason":"Invalid"' in err.value.body.replace(" ", "")
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("no-such-namespace", client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="x")))
    assert err.value.status == 404 and 'namespaces \\"no-such-namespace\\" not found' in err.value.body
    secret = core.read_namespaced_secret("s", ns)
    assert secret.type == "Opaque" and secret.data == {"password": "cHc="} and not secret.string_data
