"""Managed fields and server-side apply (bosun.machinery.managedfields) against upstream's semantics."""

from __future__ import annotations

import copy

import pytest

from bosun.api import schema
from bosun.machinery import managedfields as mf

DEPLOY = schema.for_kind("apps", "v1", "Deployment")
CONFIGMAP = schema.for_kind("", "v1", "ConfigMap")
T0 = "2024-01-01T00:00:00Z"
T1 = "2024-01-01T00:01:00Z"
STATUS = mf.ignore_prefixes([("f:status",)])


def deployment(replicas: int | None = 2, image: str = "nginx", labels: dict | None = None,
               env: list | None = None, ports: list | None = None) -> dict:
    container: dict = {"name": "web", "image": image}
    if env is not None:
        container["env"] = env
    if ports is not None:
        container["ports"] = ports
    spec: dict = {"selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}}
    if replicas is not None:
        spec = {"replicas": replicas, **spec}
    meta: dict = {"name": "x", "namespace": "default"}
    if labels is not None:
        meta["labels"] = labels
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


def entries(obj: dict) -> list[dict]:
    return obj["metadata"].get("managedFields", [])


def entry(obj: dict, manager: str) -> dict:
    found = [e for e in entries(obj) if e["manager"] == manager]
    assert len(found) == 1, entries(obj)
    return found[0]


def owned(obj: dict, manager: str) -> set:
    return mf.from_fields_v1(entry(obj, manager)["fieldsV1"])


CONTAINER = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}')


# ---- field sets and FieldsV1


def test_field_set_of_deployment_with_containers_env_ports():
    d = deployment(labels={"app": "web"}, env=[{"name": "A", "value": "1"}],
                   ports=[{"containerPort": 80, "name": "http"}])
    fields = mf.field_set(d, DEPLOY) - mf.STRIPPED
    assert mf.to_fields_v1(fields) == {
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},  # LabelSelector is an atomic map
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {"f:containers": {'k:{"name":"web"}': {
                    ".": {},
                    "f:env": {'k:{"name":"A"}': {".": {}, "f:name": {}, "f:value": {}}},
                    "f:image": {},
                    "f:name": {},
                    # protocol is a key with a default: the key carries it, keys sorted by name
                    "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {
                        ".": {}, "f:containerPort": {}, "f:name": {}}},
                }}},
            },
        },
    }


def test_fields_v1_round_trip_and_order():
    paths = {("f:spec", "f:b"), ("f:spec", "f:a"), ("f:metadata", "f:labels"),
             ("f:metadata", "f:labels", "f:x"), ("f:list", 'k:{"port":1}'), ("f:list", "v:\"s\""),
             ("f:list", "i:3"), ("f:list", "f:z")}
    trie = mf.to_fields_v1(paths)
    assert list(trie) == ["f:list", "f:metadata", "f:spec"]
    assert list(trie["f:list"]) == ["f:z", 'k:{"port":1}', 'v:"s"', "i:3"]
    assert trie["f:metadata"] == {"f:labels": {".": {}, "f:x": {}}}
    assert list(trie["f:spec"]) == ["f:a", "f:b"]
    assert mf.from_fields_v1(trie) == paths
    # Non-canonical key JSON from a client is normalised.
    assert mf.from_fields_v1({'k:{"b": 1, "a": "x"}': {}}) == {('k:{"a":"x","b":1}',)}
    with pytest.raises(ValueError):
        mf.from_fields_v1({"x:nope": {}})


def test_path_strings():
    assert mf.path_string(("f:spec", "f:replicas")) == ".spec.replicas"
    assert mf.path_string(CONTAINER + ("f:image",)) == '.spec.template.spec.containers[name="web"].image'
    assert mf.path_string(("f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}')) == \
        '.spec.ports[port=80,protocol="TCP"]'
    assert mf.path_string(("f:metadata", "f:finalizers", 'v:"a"')) == '.metadata.finalizers[="a"]'


def test_compare_marks_added_containers_and_items():
    old = deployment(env=[{"name": "A", "value": "1"}])
    new = deployment(replicas=3, env=[{"name": "A", "value": "2"}, {"name": "B", "value": "x"}])
    del new["spec"]["template"]["spec"]["containers"][0]["image"]
    c = mf.compare(old, new, DEPLOY)
    env = CONTAINER + ("f:env",)
    assert ("f:spec", "f:replicas") in c.modified
    assert env + ('k:{"name":"A"}', "f:value") in c.modified
    assert env + ('k:{"name":"B"}',) in c.added
    assert env + ('k:{"name":"B"}', "f:name") in c.added
    assert CONTAINER + ("f:image",) in c.removed
    assert env not in c.added  # the list existed before


# ---- Update operations


def test_update_on_create_records_changed_fields_with_upstream_dots():
    d = deployment(labels={"app": "web"}, env=[{"name": "A", "value": "1"}])
    owners = mf.update(None, d, DEPLOY, {}, manager="kubectl-create", api_version="apps/v1", ignored=STATUS,
                       now=T0)
    [e] = mf.encode_entries(owners)
    assert e["manager"] == "kubectl-create" and e["operation"] == "Update"
    assert e["apiVersion"] == "apps/v1" and e["time"] == T0 and e["fieldsType"] == "FieldsV1"
    v1 = e["fieldsV1"]
    # Maps and lists that did not exist get "."; Go's always-present structs (spec, template) do not.
    assert v1["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}
    assert "." not in v1["f:spec"] and "." not in v1["f:spec"]["f:template"]
    containers = v1["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert "." not in containers  # containers is never omitted from a Go PodSpec
    web = containers['k:{"name":"web"}']
    assert web["."] == {} and web["f:env"]["."] == {}
    assert web["f:resources"] == {}  # the zero ResourceRequirements Go always writes
    assert "f:status" not in v1


def test_update_moves_fields_between_managers():
    d = deployment()
    owners = mf.update(None, d, DEPLOY, {}, manager="kubectl-create", api_version="apps/v1", now=T0)
    new = copy.deepcopy(d)
    new["spec"]["replicas"] = 5
    owners = mf.update(d, new, DEPLOY, owners, manager="kube-controller-manager", api_version="apps/v1", now=T1)
    e = mf.encode_entries(owners)
    assert [x["manager"] for x in e] == ["kubectl-create", "kube-controller-manager"]
    assert e[1]["fieldsV1"] == {"f:spec": {"f:replicas": {}}} and e[1]["time"] == T1
    assert "f:replicas" not in e[0]["fieldsV1"]["f:spec"] and e[0]["time"] == T0
    # A write that changes nothing leaves the entries (and their times) alone.
    again = mf.update(new, copy.deepcopy(new), DEPLOY, owners, manager="other", api_version="apps/v1", now=T1)
    assert mf.encode_entries(again) == e


def test_update_removal_drops_ownership_and_empty_entries():
    d = deployment(labels={"a": "1"})
    owners = mf.update(None, d, DEPLOY, {}, manager="a", api_version="apps/v1", now=T0)
    new = copy.deepcopy(d)
    new["metadata"]["labels"]["b"] = "2"
    owners = mf.update(d, new, DEPLOY, owners, manager="b", api_version="apps/v1", now=T0)
    newer = copy.deepcopy(new)
    del newer["metadata"]["labels"]["b"]
    owners = mf.update(new, newer, DEPLOY, owners, manager="a", api_version="apps/v1", now=T0)
    assert [e["manager"] for e in mf.encode_entries(owners)] == ["a"]


def test_status_subresource_records_only_status():
    d = deployment()
    new = copy.deepcopy(d)
    new["status"] = {"replicas": 2}
    new["spec"]["replicas"] = 9  # the status subresource does not take spec
    owners = mf.update(d, new, DEPLOY, {}, manager="kcm", api_version="apps/v1", subresource="status",
                       ignored=mf.ignore_all_but(("status",)), now=T0)
    [e] = mf.encode_entries(owners)
    assert e["subresource"] == "status"
    assert e["fieldsV1"] == {"f:status": {"f:replicas": {}}}


def test_update_managers_are_capped():
    d = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}
    owners: mf.Owners = {}
    for i in range(12):
        new = copy.deepcopy(d)
        new["data"][f"k{i}"] = "v"
        owners = mf.update(d, new, CONFIGMAP, owners, manager=f"m{i:02d}", api_version="v1",
                           now=f"2024-01-01T00:00:{i:02d}Z")
        d = new
    names = [e["manager"] for e in mf.encode_entries(owners)]
    assert len(names) == 10 and "ancient-changes" in names
    ancient = [e for e in mf.encode_entries(owners) if e["manager"] == "ancient-changes"][0]
    # The three oldest entries fold into one (data did not exist before the first: it has ".").
    assert set(ancient["fieldsV1"]["f:data"]) == {".", "f:k0", "f:k1", "f:k2"}


# ---- Apply


def test_apply_create_owns_exactly_the_config():
    cfg = deployment(labels={"app": "web"}, env=[{"name": "A", "value": "1"}])
    new, conflicts = mf.apply({}, cfg, "kubectl", False, DEPLOY, now=T0)
    assert conflicts == [] and new is not None
    assert new["spec"]["replicas"] == 2
    [e] = entries(new)
    assert (e["manager"], e["operation"], e["apiVersion"], e["time"]) == ("kubectl", "Apply", "apps/v1", T0)
    assert "subresource" not in e
    assert e["fieldsV1"]["f:metadata"] == {"f:labels": {"f:app": {}}}  # no "." in applied sets but items
    web = e["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']
    assert web == {".": {}, "f:env": {'k:{"name":"A"}': {".": {}, "f:name": {}, "f:value": {}}},
                   "f:image": {}, "f:name": {}}
    assert ("f:metadata", "f:name") not in owned(new, "kubectl")


def test_apply_update_removes_fields_no_longer_applied():
    cfg = deployment(replicas=3, labels={"a": "1", "b": "2"},
                     env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    live, _ = mf.apply({}, cfg, "kubectl", False, DEPLOY, now=T0)
    live["status"] = {"replicas": 3}  # not anyone's apply: kept
    new, conflicts = mf.apply(live, deployment(replicas=None, labels={"a": "1"}, env=[{"name": "B", "value": "2"}]),
                              "kubectl", False, DEPLOY, now=T1)
    assert conflicts == []
    assert "replicas" not in new["spec"]
    assert new["metadata"]["labels"] == {"a": "1"}
    assert new["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "B", "value": "2"}]
    assert new["status"] == {"replicas": 3}
    assert entry(new, "kubectl")["time"] == T1
    assert ("f:spec", "f:replicas") not in owned(new, "kubectl")


def test_apply_keeps_omitted_fields_another_manager_owns():
    live, _ = mf.apply({}, deployment(labels={"a": "1"}), "one", False, DEPLOY, now=T0)
    live, _ = mf.apply(live, deployment(labels={"a": "1"}), "two", False, DEPLOY, now=T0)
    new, conflicts = mf.apply(live, deployment(replicas=None), "one", False, DEPLOY, now=T1)
    assert conflicts == []
    assert new["metadata"]["labels"] == {"a": "1"} and new["spec"]["replicas"] == 2
    assert ("f:metadata", "f:labels", "f:a") in owned(new, "two")
    assert ("f:metadata", "f:labels", "f:a") not in owned(new, "one")


def test_apply_unchanged_keeps_time_and_object():
    live, _ = mf.apply({}, deployment(), "kubectl", False, DEPLOY, now=T0)
    new, conflicts = mf.apply(live, deployment(), "kubectl", False, DEPLOY, now=T1)
    assert conflicts == [] and new == live


def test_apply_conflict_between_two_managers():
    live, _ = mf.apply({}, deployment(replicas=3), "kubectl", False, DEPLOY, now=T0)
    new, conflicts = mf.apply(live, deployment(replicas=5, image="nginx:2"), "helm", False, DEPLOY, now=T1)
    assert new is None
    assert [c.field for c in conflicts] == [".spec.replicas",
                                            '.spec.template.spec.containers[name="web"].image']
    assert mf.conflict_message(conflicts) == (
        'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n'
        '- .spec.template.spec.containers[name="web"].image')
    assert mf.conflict_causes(conflicts)[0] == {"reason": "FieldManagerConflict",
                                                "message": 'conflict with "kubectl"', "field": ".spec.replicas"}
    # The same values are shared, not conflicting.
    shared, conflicts = mf.apply(live, deployment(replicas=3), "helm", False, DEPLOY, now=T1)
    assert conflicts == []
    assert ("f:spec", "f:replicas") in owned(shared, "helm") and ("f:spec", "f:replicas") in owned(shared, "kubectl")


def test_apply_conflict_with_update_manager_message():
    live = deployment(replicas=1)
    owners = mf.update(None, live, DEPLOY, {}, manager="kubectl-client-side-apply", api_version="apps/v1", now=T0)
    mf.set_managed_fields(live, owners)
    new, conflicts = mf.apply(live, deployment(replicas=3), "kubectl", False, DEPLOY, now=T1)
    assert new is None
    assert mf.conflict_message(conflicts) == ('Apply failed with 1 conflict: conflict with '
                                              '"kubectl-client-side-apply" using apps/v1: .spec.replicas')


def test_apply_force_takes_ownership():
    live, _ = mf.apply({}, deployment(replicas=3), "kubectl", False, DEPLOY, now=T0)
    new, conflicts = mf.apply(live, deployment(replicas=5), "helm", True, DEPLOY, now=T1)
    assert conflicts == [] and new["spec"]["replicas"] == 5
    assert ("f:spec", "f:replicas") in owned(new, "helm")
    assert ("f:spec", "f:replicas") not in owned(new, "kubectl")
    assert [e["manager"] for e in entries(new)] == ["kubectl", "helm"]  # Apply entries by time
    # kubectl no longer owns replicas: applying without it does not remove helm's value.
    again, conflicts = mf.apply(new, deployment(replicas=None), "kubectl", False, DEPLOY, now=T1)
    assert conflicts == [] and again["spec"]["replicas"] == 5


def test_apply_set_lists_like_finalizers():
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b"]}}
    live, _ = mf.apply({}, cm, "one", False, CONFIGMAP, now=T0)
    assert entry(live, "one")["fieldsV1"] == {"f:metadata": {"f:finalizers": {'v:"a"': {}, 'v:"b"': {}}}}
    cm2 = copy.deepcopy(cm)
    cm2["metadata"]["finalizers"] = ["c", "b"]
    live, conflicts = mf.apply(live, cm2, "two", False, CONFIGMAP, now=T0)
    assert conflicts == [] and live["metadata"]["finalizers"] == ["a", "c", "b"]
    # "one" stops applying "a" and "b": "a" goes, "b" stays for "two".
    cm3 = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    live, conflicts = mf.apply(live, cm3, "one", False, CONFIGMAP, now=T1)
    assert conflicts == [] and live["metadata"]["finalizers"] == ["c", "b"]
    assert [e["manager"] for e in entries(live)] == ["two"]


def test_apply_list_map_merge_keeps_others_items_in_place():
    live, _ = mf.apply({}, deployment(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]),
                       "one", False, DEPLOY, now=T0)
    new, conflicts = mf.apply(live, deployment(env=[{"name": "C", "value": "3"}]), "two", False, DEPLOY, now=T0)
    assert conflicts == []
    assert [e["name"] for e in new["spec"]["template"]["spec"]["containers"][0]["env"]] == ["A", "B", "C"]


def test_apply_atomic_selector_is_replaced_whole():
    live, _ = mf.apply({}, deployment(), "one", False, DEPLOY, now=T0)
    cfg = deployment()
    cfg["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
    new, conflicts = mf.apply(live, cfg, "one", False, DEPLOY, now=T1)
    assert conflicts == [] and new["spec"]["selector"] == {"matchLabels": {"app": "web", "tier": "x"}}


def test_apply_status_is_not_taken_on_the_main_resource():
    cfg = deployment()
    cfg["status"] = {"replicas": 4}
    new, _ = mf.apply({}, cfg, "kubectl", False, DEPLOY, ignored=STATUS, now=T0)
    assert not any(p[0] == "f:status" for p in owned(new, "kubectl"))


def test_apply_rejects_items_without_keys_and_duplicates():
    cfg = deployment()
    cfg["spec"]["template"]["spec"]["containers"][0].pop("name")
    with pytest.raises(mf.SchemaError, match='omits key field "name"'):
        mf.apply({}, cfg, "kubectl", False, DEPLOY)
    cfg = deployment(env=[{"name": "A"}, {"name": "A"}])
    with pytest.raises(mf.SchemaError, match=r'duplicate entries for key \[name="A"\]'):
        mf.apply({}, cfg, "kubectl", False, DEPLOY)


def test_schemaless_maps_are_granular_and_lists_atomic():
    cr = {"apiVersion": "x.io/v1", "kind": "Thing", "metadata": {"name": "t"},
          "spec": {"a": {"b": 1}, "items": [1, 2]}}
    new, _ = mf.apply({}, cr, "one", False, None, now=T0)
    assert entry(new, "one")["fieldsV1"] == {"f:spec": {".": {}, "f:a": {".": {}, "f:b": {}}, "f:items": {}}}
    new2, conflicts = mf.apply(new, dict(cr, spec={"a": {"c": 2}, "items": [3]}), "one", False, None, now=T1)
    assert conflicts == [] and new2["spec"] == {"a": {"c": 2}, "items": [3]}


def test_last_applied_allows_takeover_from_client_side_apply():
    live = deployment(replicas=1)
    last = copy.deepcopy(live)
    live["metadata"]["annotations"] = {mf.LAST_APPLIED: mf.go_json(last) + "\n"}
    allowed = mf.last_applied_allowed(live, DEPLOY, "apps/v1")
    assert allowed is not None and ("f:spec", "f:replicas") in allowed
    live["spec"]["replicas"] = 4  # changed since: not allowed any more
    allowed = mf.last_applied_allowed(live, DEPLOY, "apps/v1")
    assert ("f:spec", "f:replicas") not in allowed
    value = mf.build_last_applied(live)
    assert value.endswith("\n") and mf.LAST_APPLIED not in value and '"annotations":{}' in value


def test_go_json_escapes_like_go():
    assert mf.go_json({"b": 1, "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":1}'
