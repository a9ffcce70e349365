"""PATCH bodies: JSON patch, merge patch and strategic merge patch as upstream's apiserver applies them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bosun.api import schema
from bosun.machinery.errors import StatusError
from bosun.machinery.patch import REJECTED, json_patch, merge_patch, strategic_merge_patch

POD = schema.for_kind("", "v1", "Pod")
DEPLOYMENT = schema.for_kind("apps", "v1", "Deployment")
SERVICE = schema.for_kind("", "v1", "Service")
PDB = schema.for_kind("policy", "v1", "PodDisruptionBudget")


def pod(*containers: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", **meta},
            "spec": {"containers": list(containers)}}


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return obj["spec"]["containers"]


def names(items: list[dict[str, Any]], key: str = "name") -> list[Any]:
    return [i[key] for i in items]


def smp(doc: dict[str, Any], patch: Any, node: dict[str, Any] | None = POD) -> Any:
    return strategic_merge_patch(copy.deepcopy(doc), copy.deepcopy(patch), node)


def smp_error(doc: dict[str, Any], patch: Any, node: dict[str, Any] | None = POD) -> StatusError:
    with pytest.raises(StatusError) as info:
        smp(doc, patch, node)
    return info.value


def no_directives(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not k.startswith("$") and no_directives(v) for k, v in value.items())
    if isinstance(value, list):
        return all(no_directives(v) for v in value)
    return True


# --- JSON patch ----------------------------------------------------------------------------------


def test_json_patch_applies_operations_in_order() -> None:
    doc = {"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {"replicas": 1, "args": ["x"]}}
    out = json_patch(doc, [
        {"op": "test", "path": "/spec/replicas", "value": 1},
        {"op": "replace", "path": "/spec/replicas", "value": 3},
        {"op": "add", "path": "/spec/args/-", "value": "y"},
        {"op": "remove", "path": "/metadata/labels/a"},
        {"op": "copy", "from": "/metadata/name", "path": "/metadata/labels/app"},
        {"op": "move", "from": "/spec/args", "path": "/spec/command"},
    ])
    assert out == {"metadata": {"name": "web", "labels": {"app": "web"}}, "spec": {"replicas": 3, "command": ["x", "y"]}}


def test_json_patch_keeps_evanphx_v4_quirks_that_upstream_clients_rely_on() -> None:
    doc = {"spec": {"replicas": 1, "args": ["a", "b", "c"], "nodeName": None}}
    out = json_patch(doc, [
        # `kubectl patch --type=json` replacing an omitted (zero) field works upstream.
        {"op": "replace", "path": "/spec/minReadySeconds", "value": 5},
        {"op": "remove", "path": "/spec/args/-1"},
        {"op": "add", "path": "/spec/args/-1", "value": "z"},
        {"op": "replace", "path": "/spec/args/-3", "value": "y"},
        {"op": "add", "path": "/spec/paused"},
        {"op": "test", "path": "/spec/missing", "value": None},
        {"op": "test", "path": "/spec/nodeName", "value": None},
        {"op": "test", "path": "/spec/args", "value": ["y", "b", "z"]},
    ])
    assert out == {"spec": {"replicas": 1, "args": ["y", "b", "z"], "nodeName": None, "minReadySeconds": 5,
                            "paused": None}}


def test_json_patch_path_escapes_and_root() -> None:
    doc = {"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}}
    out = json_patch(doc, [{"op": "remove", "path": "/metadata/annotations/a~1b"},
                           {"op": "test", "path": "/metadata/annotations/c~0d", "value": "2"}])
    assert out == {"metadata": {"annotations": {"c~d": "2"}}}
    assert json_patch({"a": 1}, [{"op": "test", "path": "", "value": {"a": 1}},
                                 {"op": "replace", "path": "", "value": {"b": 2}}]) == {"b": 2}


def test_json_patch_null_body_changes_nothing() -> None:
    assert json_patch({"a": 1}, None) == {"a": 1}
    assert json_patch({"a": 1}, []) == {"a": 1}


@pytest.mark.parametrize("ops", [
    [{"op": "test", "path": "/spec/replicas", "value": 9}],
    [{"op": "test", "path": "/spec/replicas", "value": True}],
    [{"op": "test", "path": "/spec/replicas", "value": 1.0}],
    [{"op": "test", "path": "/spec/foo", "value": 1}],
    [{"op": "replace", "path": "/spec/args/2", "value": "z"}],
    [{"op": "replace", "path": "/spec/x/y", "value": 1}],
    [{"op": "remove", "path": "/spec/foo"}],
    [{"op": "remove", "path": "/spec/args/-3"}],
    [{"op": "add", "path": "/spec/args/3", "value": "z"}],
    [{"op": "add", "path": "/spec/args/a", "value": "z"}],
    [{"op": "move", "from": "/spec", "path": "/spec/inner"}],
    [{"op": "add", "path": "/spec/foo/bar", "value": 1}],
    [{"op": "bogus", "path": "/spec"}],
    [{"path": "/spec"}],
    [{"op": "add", "value": 1}],
    [{"op": "add", "path": "spec", "value": 1}],
    [None],
])
def test_json_patch_that_does_not_apply_is_422_with_upstreams_generic_message(ops: list[Any]) -> None:
    with pytest.raises(StatusError) as info:
        json_patch({"spec": {"replicas": 1, "args": ["a", "b"]}}, ops)
    err = info.value
    assert (err.code, err.reason, err.message) == (422, "Invalid", REJECTED)
    assert err.status()["details"] == {}


def test_json_patch_fails_whole_when_a_later_operation_fails() -> None:
    with pytest.raises(StatusError):
        json_patch({"spec": {"replicas": 1}}, [{"op": "replace", "path": "/spec/replicas", "value": 2},
                                               {"op": "test", "path": "/spec/replicas", "value": 1}])


@pytest.mark.parametrize("body,message", [
    ({"op": "add", "path": "/a", "value": 1},
     "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"),
    ("add", "error decoding patch: json: cannot unmarshal string into Go value of type []handlers.jsonPatchOp"),
    (["add"], "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp"),
    ([[1]], "error decoding patch: json: cannot unmarshal array into Go value of type handlers.jsonPatchOp"),
    ([{"op": "add", "path": 5}],
     "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string"),
    ([{"op": True, "path": "/a"}],
     "error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.op of type string"),
])
def test_json_patch_that_does_not_decode_is_400(body: Any, message: str) -> None:
    with pytest.raises(StatusError) as info:
        json_patch({"a": 1}, body)
    assert (info.value.code, info.value.reason, info.value.message) == (400, "BadRequest", message)


def test_json_patch_operation_limit() -> None:
    with pytest.raises(StatusError) as info:
        json_patch({}, [{"op": "add", "path": "/a", "value": 1}] * 10001)
    assert info.value.code == 413
    assert info.value.message == ("Request entity too large: The allowed maximum operations in a JSON patch "
                                  "is 10000, got 10001")


# --- merge patch ---------------------------------------------------------------------------------


def test_merge_patch_merges_objects_deletes_nulls_and_replaces_the_rest() -> None:
    doc = pod({"name": "a", "image": "x"}, {"name": "b", "image": "y"}, labels={"app": "web", "tier": "db"})
    out = merge_patch(doc, {"metadata": {"labels": {"tier": None, "team": "blue"}},
                            "spec": {"containers": [{"name": "a", "image": "z"}], "nodeName": "n1"}})
    assert out["metadata"] == {"name": "web", "labels": {"app": "web", "team": "blue"}}
    # Lists are replaced wholesale: container b is gone, a lost nothing else because it had nothing else.
    assert out["spec"] == {"containers": [{"name": "a", "image": "z"}], "nodeName": "n1"}


def test_merge_patch_value_over_a_non_object_drops_its_nulls() -> None:
    out = merge_patch({"spec": {"selector": "x"}}, {"spec": {"selector": {"a": "1", "b": None, "c": {"d": None}}}})
    assert out == {"spec": {"selector": {"a": "1", "c": {}}}}


def test_merge_patch_non_object_value_replaces_an_object() -> None:
    assert merge_patch({"data": {"a": "1"}}, {"data": ["x"]}) == {"data": ["x"]}
    assert merge_patch({"data": {"a": "1"}}, {"data": "x"}) == {"data": "x"}


def test_merge_patch_deleting_a_missing_key_is_no_change() -> None:
    assert merge_patch({"a": 1}, {"b": None}) == {"a": 1}


@pytest.mark.parametrize("body,message", [
    ([{"a": 1}], "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ("x", "error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}"),
    (3, "error decoding patch: json: cannot unmarshal number into Go value of type map[string]interface {}"),
    (None, "Invalid JSON Patch"),
])
def test_merge_patch_that_is_not_an_object_is_400(body: Any, message: str) -> None:
    with pytest.raises(StatusError) as info:
        merge_patch({"a": 1}, body)
    assert (info.value.code, info.value.reason, info.value.message) == (400, "BadRequest", message)


# --- strategic merge patch: maps -----------------------------------------------------------------


def test_smp_merges_maps_and_null_deletes_a_label() -> None:
    doc = pod({"name": "a", "image": "x"}, labels={"app": "web", "tier": "db"}, annotations={"n": "1"})
    out = smp(doc, {"metadata": {"labels": {"tier": None, "team": "blue"}, "annotations": {"m": "2"}}})
    assert out["metadata"] == {"name": "web", "labels": {"app": "web", "team": "blue"},
                               "annotations": {"n": "1", "m": "2"}}
    assert containers(out) == [{"name": "a", "image": "x"}]


def test_smp_null_for_a_missing_key_adds_nothing() -> None:
    out = smp(pod({"name": "a"}), {"metadata": {"labels": None}, "spec": {"nodeName": None}})
    assert "labels" not in out["metadata"] and "nodeName" not in out["spec"]


def test_smp_new_value_keeps_none_of_its_nulls() -> None:
    out = smp(pod({"name": "a"}), {"spec": {"securityContext": {"runAsUser": 1, "runAsGroup": None}}})
    assert out["spec"]["securityContext"] == {"runAsUser": 1}


def test_smp_quantities_and_int_or_string_are_scalars() -> None:
    doc = pod({"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
               "livenessProbe": {"httpGet": {"port": 8080, "path": "/"}}})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 2}},
                                             "livenessProbe": {"httpGet": {"port": "http"}}}]}})
    c = containers(out)[0]
    assert c["resources"] == {"limits": {"cpu": 2, "memory": "1Gi"}}
    assert c["livenessProbe"] == {"httpGet": {"port": "http", "path": "/"}}


def test_smp_patch_replace_in_a_map_replaces_it() -> None:
    doc = pod({"name": "a"})
    doc["spec"]["securityContext"] = {"runAsUser": 1, "fsGroup": 2}
    out = smp(doc, {"spec": {"securityContext": {"$patch": "replace", "runAsGroup": 3}}})
    assert out["spec"]["securityContext"] == {"runAsGroup": 3}


def test_smp_patch_delete_in_a_map_empties_it() -> None:
    doc = pod({"name": "a"})
    doc["spec"]["securityContext"] = {"runAsUser": 1, "fsGroup": 2}
    out = smp(doc, {"spec": {"securityContext": {"$patch": "delete"}}})
    # Upstream leaves `{}` where the map was (then defaulting and omitempty take over).
    assert out["spec"]["securityContext"] == {}
    assert containers(out) == [{"name": "a"}]


def test_smp_patch_directives_on_a_missing_map_add_nothing() -> None:
    out = smp(pod({"name": "a"}), {"spec": {"securityContext": {"$patch": "delete"},
                                             "dnsConfig": {"$patch": "replace", "nameservers": ["1.1.1.1"]}}})
    assert "securityContext" not in out["spec"] and "dnsConfig" not in out["spec"]


def test_smp_replace_strategy_replaces_the_whole_map() -> None:
    doc = {"spec": {"selector": {"matchLabels": {"app": "web"}}, "minAvailable": 1}}
    out = smp(doc, {"spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}}}, PDB)
    assert out["spec"] == {"selector": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}, "minAvailable": 1}


def test_smp_retain_keys_drops_the_fields_not_listed() -> None:
    doc = {"spec": {"replicas": 2, "strategy": {"type": "RollingUpdate",
                                                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}}
    out = smp(doc, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}, DEPLOYMENT)
    assert out["spec"] == {"replicas": 2, "strategy": {"type": "Recreate"}}


def test_smp_without_retain_keys_the_strategy_map_merges() -> None:
    doc = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    out = smp(doc, {"spec": {"strategy": {"type": "Recreate"}}}, DEPLOYMENT)
    assert out["spec"]["strategy"] == {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}


def test_smp_retain_keys_merges_the_fields_it_keeps() -> None:
    doc = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}
    out = smp(doc, {"spec": {"strategy": {"$retainKeys": ["rollingUpdate", "type"], "rollingUpdate": {"maxSurge": 2}}}},
              DEPLOYMENT)
    assert out["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}}


def test_smp_retain_keys_on_a_volume_item() -> None:
    doc = pod({"name": "a"})
    doc["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}]
    out = smp(doc, {"spec": {"volumes": [{"name": "data", "$retainKeys": ["hostPath", "name"],
                                          "hostPath": {"path": "/srv"}}]}})
    assert out["spec"]["volumes"] == [{"name": "data", "hostPath": {"path": "/srv"}},
                                      {"name": "cfg", "configMap": {"name": "c"}}]


@pytest.mark.parametrize("strategy", [
    {"$retainKeys": "type", "type": "Recreate"},
    {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}},
])
def test_smp_bad_retain_keys_is_400(strategy: dict[str, Any]) -> None:
    err = smp_error({"spec": {"strategy": {"type": "RollingUpdate"}}}, {"spec": {"strategy": strategy}}, DEPLOYMENT)
    assert (err.code, err.reason, err.message) == (400, "BadRequest", "invalid patch format of retainKeys")


# --- strategic merge patch: lists of maps --------------------------------------------------------


def test_smp_containers_merge_by_name() -> None:
    doc = pod({"name": "a", "image": "nginx:1.24", "args": ["-x"]}, {"name": "b", "image": "busybox"})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}]}})
    assert containers(out) == [{"name": "a", "image": "nginx:1.25", "args": ["-x"]}, {"name": "b", "image": "busybox"}]


def test_smp_new_container_goes_first_as_upstream() -> None:
    doc = pod({"name": "a", "image": "x"}, {"name": "b", "image": "y"})
    out = smp(doc, {"spec": {"containers": [{"name": "sidecar", "image": "z"}]}})
    assert names(containers(out)) == ["sidecar", "a", "b"]


def test_smp_patch_order_wins_and_new_items_follow_their_neighbour() -> None:
    doc = pod({"name": "a"}, {"name": "b"}, {"name": "c"})
    out = smp(doc, {"spec": {"containers": [{"name": "b", "image": "x"}, {"name": "d"}]}})
    assert names(containers(out)) == ["a", "b", "d", "c"]
    out = smp(doc, {"spec": {"containers": [{"name": "c"}, {"name": "a"}]}})
    assert names(containers(out)) == ["b", "c", "a"]


def test_smp_container_ports_merge_by_container_port() -> None:
    doc = pod({"name": "a", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}]})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}})
    assert containers(out)[0]["ports"] == [{"containerPort": 80, "name": "http", "protocol": "TCP"},
                                           {"containerPort": 443}]


def test_smp_merge_key_matches_only_the_same_json_type() -> None:
    doc = pod({"name": "a", "ports": [{"containerPort": 80, "name": "http"}]})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80.0, "name": "web"}]}]}})
    assert containers(out)[0]["ports"] == [{"containerPort": 80.0, "name": "web"}, {"containerPort": 80, "name": "http"}]


def test_smp_env_merges_by_name_and_value_from_is_merged_too() -> None:
    doc = pod({"name": "a", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "env": [
        {"name": "B", "value": None, "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "C", "value": "3"}]}]}})
    assert containers(out)[0]["env"] == [{"name": "A", "value": "1"},
                                         {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                         {"name": "C", "value": "3"}]


def test_smp_volume_mounts_merge_by_mount_path() -> None:
    doc = pod({"name": "a", "volumeMounts": [{"name": "data", "mountPath": "/data"},
                                             {"name": "cfg", "mountPath": "/etc/cfg"}]})
    out = smp(doc, {"spec": {"containers": [{"name": "a", "volumeMounts": [
        {"mountPath": "/data", "readOnly": True}, {"mountPath": "/cache", "name": "cache"}]}]}})
    assert containers(out)[0]["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True},
                                                  {"mountPath": "/cache", "name": "cache"},
                                                  {"name": "cfg", "mountPath": "/etc/cfg"}]


def test_smp_service_ports_merge_by_port() -> None:
    doc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]}}
    out = smp(doc, {"spec": {"ports": [{"port": 80, "targetPort": "http"}]}}, SERVICE)
    assert out["spec"]["ports"] == [{"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": 8443}]


def test_smp_list_without_merge_strategy_is_replaced() -> None:
    doc = pod({"name": "a", "args": ["-a", "-b"], "envFrom": [{"configMapRef": {"name": "x"}}]})
    doc["spec"]["tolerations"] = [{"key": "k", "operator": "Exists"}]
    out = smp(doc, {"spec": {"containers": [{"name": "a", "args": ["-c"], "envFrom": [{"secretRef": {"name": "y"}}]}],
                             "tolerations": [{"key": "j", "operator": "Exists"}]}})
    assert containers(out)[0] == {"name": "a", "args": ["-c"], "envFrom": [{"secretRef": {"name": "y"}}]}
    assert out["spec"]["tolerations"] == [{"key": "j", "operator": "Exists"}]


def test_smp_patch_delete_removes_the_matching_item() -> None:
    doc = pod({"name": "a"}, {"name": "b"}, {"name": "c"})
    out = smp(doc, {"spec": {"containers": [{"name": "b", "$patch": "delete"}]}})
    assert names(containers(out)) == ["a", "c"]


def test_smp_patch_delete_of_a_missing_item_is_no_change() -> None:
    doc = pod({"name": "a"})
    assert containers(smp(doc, {"spec": {"containers": [{"name": "zz", "$patch": "delete"}]}})) == [{"name": "a"}]


def test_smp_patch_replace_in_a_list_replaces_the_list() -> None:
    doc = pod({"name": "a", "image": "x"}, {"name": "b", "image": "y"})
    out = smp(doc, {"spec": {"containers": [{"$patch": "replace"}, {"name": "c", "image": "z"}]}})
    assert containers(out) == [{"name": "c", "image": "z"}]
    out = smp(doc, {"spec": {"containers": [{"$patch": "replace"}]}})
    assert containers(out) == []


def test_smp_nested_directives_never_reach_the_result() -> None:
    doc = pod({"name": "a", "env": [{"name": "A", "value": "1"}]})
    out = smp(doc, {"spec": {
        "containers": [{"name": "new", "env": [{"$patch": "replace"}, {"name": "X", "value": "1"}],
                        "$setElementOrder/env": [{"name": "X"}]},
                       {"name": "a", "env": [{"name": "A", "$patch": "delete"}]}],
        "initContainers": [{"name": "init", "$retainKeys": ["name"], "ports": [{"containerPort": 1, "$patch": "x"}]}],
        "securityContext": {"sysctls": [{"name": "s", "value": "1", "$patch": "delete"}], "runAsUser": 1},
    }})
    assert no_directives(out), out
    assert out["spec"]["securityContext"] == {"sysctls": [], "runAsUser": 1}
    assert {c["name"]: c.get("env") for c in containers(out)} == {"new": [{}, {"name": "X", "value": "1"}], "a": []}
    # A new value loses every map that carries `$patch` (upstream `removeDirectives`).
    assert out["spec"]["initContainers"] == [{"name": "init", "ports": []}]


def test_smp_set_element_order_reorders_containers() -> None:
    doc = pod({"name": "a", "image": "x"}, {"name": "b", "image": "y"}, {"name": "c", "image": "z"})
    out = smp(doc, {"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}, {"name": "b"}]}})
    assert containers(out) == [{"name": "c", "image": "z"}, {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]


def test_smp_set_element_order_with_additions_and_deletions() -> None:
    # kubectl apply's shape: the order of the wanted list, an addition and a deletion.
    doc = pod({"name": "a"}, {"name": "b", "image": "y"}, {"name": "live", "image": "l"})
    out = smp(doc, {"spec": {
        "$setElementOrder/containers": [{"name": "b"}, {"name": "new"}],
        "containers": [{"name": "new", "image": "n"}, {"name": "a", "$patch": "delete"}],
    }})
    # Upstream keeps the server-only container between the ones it was next to.
    assert containers(out) == [{"name": "b", "image": "y"}, {"name": "live", "image": "l"},
                               {"name": "new", "image": "n"}]


def test_smp_set_element_order_items_not_listed_keep_their_live_neighbours() -> None:
    doc = pod({"name": "a"}, {"name": "b"}, {"name": "c"})
    out = smp(doc, {"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
                             "containers": [{"name": "a", "image": "x"}]}})
    # b was before c on the server, so it stays before c (upstream `mergeSortedSlice`).
    assert containers(out) == [{"name": "b"}, {"name": "c"}, {"name": "a", "image": "x"}]


def test_smp_set_element_order_may_name_items_that_do_not_exist() -> None:
    doc = pod({"name": "a"}, {"name": "c"})
    out = smp(doc, {"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "b"}, {"name": "a"}]}})
    assert names(containers(out)) == ["c", "a"]


def test_smp_set_element_order_on_a_list_only_in_the_patch() -> None:
    out = smp(pod({"name": "a"}), {"spec": {
        "$setElementOrder/initContainers": [{"name": "y"}, {"name": "x"}],
        "initContainers": [{"name": "y"}, {"name": "gone", "$patch": "delete"}, {"name": "x", "image": None}]}})
    assert out["spec"]["initContainers"] == [{"name": "y"}, {"name": "x"}]


def test_smp_set_element_order_must_agree_with_the_patch_list() -> None:
    err = smp_error(pod({"name": "a"}, {"name": "b"}),
                    {"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                              "containers": [{"name": "b", "image": "y"}, {"name": "a", "image": "x"}]}})
    assert err.code == 500 and err.reason == ""
    assert err.message == ("the order in patch list:\n[map[image:y name:b] map[image:x name:a]]\n doesn't match "
                           "$setElementOrder list:\n[map[name:a] map[name:b]]")


# --- strategic merge patch: lists of primitives --------------------------------------------------


def test_smp_finalizers_union_without_duplicates() -> None:
    doc = pod({"name": "a"}, finalizers=["a", "b"])
    out = smp(doc, {"metadata": {"finalizers": ["b", "c"]}})
    assert out["metadata"]["finalizers"] == ["a", "b", "c"]
    out = smp(doc, {"metadata": {"finalizers": ["c"]}})
    assert out["metadata"]["finalizers"] == ["c", "a", "b"]
    out = smp(doc, {"metadata": {"finalizers": ["b", "a"]}})
    assert out["metadata"]["finalizers"] == ["b", "a"]


def test_smp_finalizers_added_to_an_object_without_any() -> None:
    assert smp(pod({"name": "a"}), {"metadata": {"finalizers": ["x"]}})["metadata"]["finalizers"] == ["x"]


def test_smp_delete_from_primitive_list() -> None:
    doc = pod({"name": "a"}, finalizers=["a", "b", "c", "b"])
    out = smp(doc, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "zz"]}})
    assert out["metadata"]["finalizers"] == ["a", "c"]


def test_smp_delete_from_a_missing_primitive_list_adds_nothing() -> None:
    out = smp(pod({"name": "a"}), {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}})
    assert "finalizers" not in out["metadata"]


def test_smp_set_element_order_and_delete_on_finalizers() -> None:
    doc = pod({"name": "a"}, finalizers=["a", "b", "c", "live"])
    out = smp(doc, {"metadata": {"$setElementOrder/finalizers": ["c", "a", "d"],
                                 "$deleteFromPrimitiveList/finalizers": ["b"], "finalizers": ["d"]}})
    assert out["metadata"]["finalizers"] == ["c", "a", "d", "live"]
    assert no_directives(out)


# --- strategic merge patch: errors and the schema-less case --------------------------------------


@pytest.mark.parametrize("patch,message", [
    ({"spec": {"containers": [{"name": "a", "$patch": "foo"}]}}, "unknown patch type: foo in map: map[$patch:foo name:a]"),
    ({"spec": {"securityContext": {"$patch": "foo"}}}, "unknown patch type: foo in map: map[$patch:foo]"),
    ({"$patch": 5}, "unknown patch type: %!s(int64=5) in map: map[$patch:5]"),
    ({"spec": {"$patch": "merge"}}, "unknown patch type: merge in map: map[$patch:merge]"),
    ({"spec": {"containers": [{"$patch": "merge"}]}}, "merging lists cannot yet be specified in the patch"),
    ({"spec": {"containers": [{"image": "x"}]}}, "map: map[image:x] does not contain declared merge key: name"),
    ({"spec": {"containers": [{"$patch": "delete"}]}}, "map: map[$patch:delete] does not contain declared merge key: name"),
    ({"spec": {"containers": ["a"]}}, "list element types are not identical: [[map[name:a]] [a]]"),
    ({"metadata": {"finalizers": [{"a": 1}]}}, "list element types are not identical: [[f] [map[a:1]]]"),
    ({"metadata": {"finalizers": [1.5]}}, "list element types are not identical: [[f] [1.5]]"),
    ({"spec": {"$setElementOrder/containers": "a"}}, "expected a []interface {}, but received a string"),
    ({"spec": {"$setElementOrder/nodeName": [], "nodeName": "n"}}, "expected a []interface {}, but received a string"),
    ({"spec": {"$setElementOrder/containers": [{"image": "x"}], "containers": [{"name": "a"}]}},
     "map: map[image:x] does not contain declared merge key: name"),
])
def test_smp_failures_are_upstreams_plain_errors(patch: dict[str, Any], message: str) -> None:
    doc = pod({"name": "a"}, finalizers=["f"])
    doc["spec"]["securityContext"] = {"runAsUser": 1}
    doc["spec"]["nodeName"] = "n0"
    err = smp_error(doc, patch)
    # Upstream's apiserver passes these through as non-Status errors: 500 and no reason.
    assert (err.code, err.message) == (500, message)
    assert "reason" not in err.status()


@pytest.mark.parametrize("patch,message", [
    ({"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}, "invalid patch format of primitive list"),
    ({"spec": {"$setElementOrder": []}}, "invalid patch format of setElementOrder list"),
])
def test_smp_malformed_directive_keys_are_400(patch: dict[str, Any], message: str) -> None:
    err = smp_error(pod({"name": "a"}, finalizers=["a"]), patch)
    assert (err.code, err.reason, err.message) == (400, "BadRequest", message)


def test_smp_list_of_lists_is_422() -> None:
    err = smp_error({"spec": {"containers": [["a"]]}}, {"spec": {"containers": [["b"]]}})
    assert (err.code, err.reason, err.message) == (422, "Invalid", REJECTED)


@pytest.mark.parametrize("body,kind", [([{"a": 1}], "array"), ("x", "string"), (1, "number"), (True, "bool")])
def test_smp_that_is_not_an_object_is_400(body: Any, kind: str) -> None:
    err = smp_error(pod({"name": "a"}), body)
    assert (err.code, err.reason) == (400, "BadRequest")
    assert err.message == f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"


def test_smp_null_body_changes_nothing() -> None:
    assert smp(pod({"name": "a"}), None) == pod({"name": "a"})


def test_smp_type_change_replaces_the_value() -> None:
    doc = pod({"name": "a"}, labels={"a": "1"})
    out = smp(doc, {"metadata": {"labels": ["x"]}, "spec": {"containers": {"name": "b"}}})
    assert out["metadata"]["labels"] == ["x"] and out["spec"]["containers"] == {"name": "b"}


def test_smp_top_level_directives() -> None:
    doc = pod({"name": "a"})
    assert smp(doc, {"$patch": "replace", "kind": "Pod", "metadata": {"name": "x"}}) == {"kind": "Pod",
                                                                                       "metadata": {"name": "x"}}
    assert smp(doc, {"$patch": "delete"}) == {}
    assert smp(doc, {"$retainKeys": ["metadata", "spec"], "spec": {"nodeName": "n"}}) == {
        "metadata": {"name": "web"}, "spec": {"containers": [{"name": "a"}], "nodeName": "n"}}


def test_smp_without_schema_merges_maps_and_replaces_lists() -> None:
    doc = {"spec": {"items": [{"name": "a", "x": 1}], "config": {"a": 1, "b": 2}}}
    out = smp(doc, {"spec": {"items": [{"name": "a", "y": 2}], "config": {"b": None, "c": 3}}}, None)
    assert out == {"spec": {"items": [{"name": "a", "y": 2}], "config": {"a": 1, "c": 3}}}
    assert smp(doc, {"spec": {"config": {"$patch": "replace", "z": 1}}}, None)["spec"]["config"] == {"z": 1}


def test_smp_free_form_fields_merge_as_plain_maps() -> None:
    doc = {"data": {"a": "1", "b": "2"}, "binaryData": {"c": "Mw=="}}
    out = smp(doc, {"data": {"a": None, "d": "4"}}, schema.for_kind("", "v1", "ConfigMap"))
    assert out == {"data": {"b": "2", "d": "4"}, "binaryData": {"c": "Mw=="}}
