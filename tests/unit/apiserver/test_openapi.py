"""The OpenAPI documents kubectl reads: v3 index and group-version documents, v2 JSON and protobuf."""

from __future__ import annotations

import orjson
import pytest
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory

from bosun.api.resources import builtin_table
from bosun.apiserver import openapi_proto
from bosun.apiserver.openapi import OpenAPI


@pytest.fixture(scope="module")
def api() -> OpenAPI:
    return OpenAPI(builtin_table())


def v3(api: OpenAPI, path: str) -> dict:
    found = api.v3_document(path)
    assert found is not None, path
    return orjson.loads(found[0])


def test_v3_index_lists_every_group_version_with_its_hash(api: OpenAPI) -> None:
    paths = api.v3_index()["paths"]
    for p in ("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/rbac.authorization.k8s.io/v1",
              "apis/autoscaling/v2", "apis/autoscaling/v1", "apis/apps", "version"):
        assert p in paths
    url = paths["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    assert url.split("hash=")[1] == api.v3_document("apis/apps/v1")[1].strip('"')
    assert api.v3_document("apis/nothing/v1") is None


def _param_names(op: dict) -> set[str]:
    return {p["name"] for p in op.get("parameters", [])}


def test_v3_write_paths_carry_field_validation_and_the_kind(api: OpenAPI) -> None:
    doc = v3(api, "apis/apps/v1")
    coll = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]
    item = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]
    gvk = {"group": "apps", "kind": "Deployment", "version": "v1"}
    for op in (coll["post"], item["put"], item["patch"]):
        assert "fieldValidation" in _param_names(op)
        assert op["x-kubernetes-group-version-kind"] == gvk
    assert coll["post"]["operationId"] == "createAppsV1NamespacedDeployment"
    assert coll["get"]["x-kubernetes-action"] == "list"
    assert "labelSelector" in _param_names(coll["get"])
    assert {p["name"] for p in coll["parameters"]} == {"namespace", "pretty"}
    assert set(item["patch"]["requestBody"]["content"]) == {
        "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json"}
    scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
    assert scale["patch"]["x-kubernetes-group-version-kind"] == {"group": "autoscaling", "kind": "Scale",
                                                                 "version": "v1"}
    assert "/apis/apps/v1/deployments" in doc["paths"]


def test_v3_schemas_are_openapi_with_the_kubernetes_extensions(api: OpenAPI) -> None:
    schemas = v3(api, "api/v1")["components"]["schemas"]
    pod = schemas["io.k8s.api.core.v1.Pod"]
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert pod["type"] == "object"
    assert "enum" not in pod["properties"]["apiVersion"]
    assert pod["properties"]["metadata"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["items"] == {"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"}
    ios = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert "type" not in ios and ios["format"] == "int-or-string"
    assert "io.k8s.api.apps.v1.Deployment" not in schemas  # only what this group-version refers to
    text = orjson.dumps(schemas).decode()
    assert "#/$defs/" not in text and '"null"' not in text


def test_v2_json_has_every_kind_and_inline_refs(api: OpenAPI) -> None:
    doc = orjson.loads(api.v2_json()[0])
    assert doc["swagger"] == "2.0"
    dep = doc["definitions"]["io.k8s.api.apps.v1.Deployment"]
    assert dep["properties"]["spec"]["$ref"] == "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
    assert doc["definitions"]["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"] == "string"
    post = doc["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["post"]
    assert post["parameters"][0]["in"] == "body"
    assert "fieldValidation" in _param_names(post)


def _message_classes() -> dict:
    """Message classes built from the facts table, to read the protobuf as a client would."""
    facts = orjson.loads(openapi_proto.FACTS_PATH.read_bytes())
    fd = descriptor_pb2.FileDescriptorProto(name="bosun_test_openapiv2.proto", package="openapi.v2",
                                            syntax="proto3", dependency=["google/protobuf/any.proto"])
    scalar = {"string": 9, "bool": 8, "int64": 3, "double": 1, "bytes": 12}
    for name, rows in facts.items():
        m = fd.message_type.add(name=name.rsplit(".", 1)[1])
        for fname, num, type_, flags in rows:
            f = m.field.add(name=fname, number=num, label=3 if "r" in flags else 1)
            if type_ in scalar:
                f.type = scalar[type_]
            else:
                f.type, f.type_name = 11, "." + type_
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(fd)
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n)) for n in facts}


def test_v2_protobuf_reads_back_as_the_json_document(api: OpenAPI) -> None:
    classes = _message_classes()
    doc = classes["openapi.v2.Document"]()
    doc.ParseFromString(api.v2_proto()[0])
    assert doc.swagger == "2.0" and doc.info.title == "Kubernetes"
    defs = {d.name: d.value for d in doc.definitions.additional_properties}
    dep = defs["io.k8s.api.apps.v1.Deployment"]
    ext = {e.name: orjson.loads(e.value.yaml) for e in dep.vendor_extension}
    assert ext["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    props = {p.name: p.value for p in dep.properties.additional_properties}
    assert props["spec"]._ref == "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
    assert list(props["kind"].type.value) == ["string"]
    paths = {p.name: p.value for p in doc.paths.path}
    post = paths["/apis/apps/v1/namespaces/{namespace}/deployments"].post
    assert post.operation_id == "createAppsV1NamespacedDeployment"
    queries = [p.parameter.non_body_parameter.query_parameter_sub_schema.name for p in post.parameters
               if p.parameter.HasField("non_body_parameter")]
    assert "fieldValidation" in queries
    assert post.parameters[0].parameter.body_parameter.schema._ref == "#/definitions/io.k8s.api.apps.v1.Deployment"
