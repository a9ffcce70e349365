"""The structural checker against upstream's decoder texts.

The expected messages are upstream 1.33's: `sigs.k8s.io/json` decoding into the
`k8s.io/api` structs (the strict errors, `encoding/json`'s UnmarshalTypeError,
the custom UnmarshalJSON of Quantity, IntOrString, Time and MicroTime,
`encoding/base64`, Go 1.24's `time.Parse`), as kubectl prints them.
"""

from __future__ import annotations

import copy

import orjson
import pytest

from bosun.api import schema, structural
from bosun.machinery import errors

QUANTITY_RE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

KINDS = {
    "ConfigMap": ("", "v1"),
    "Secret": ("", "v1"),
    "Pod": ("", "v1"),
    "Service": ("", "v1"),
    "Deployment": ("apps", "v1"),
    "ControllerRevision": ("apps", "v1"),
    "Lease": ("coordination.k8s.io", "v1"),
    "CustomResourceDefinition": ("apiextensions.k8s.io", "v1"),
}


def node(kind: str) -> dict:
    group, version = KINDS[kind]
    n = schema.for_kind(group, version, kind)
    assert n is not None
    return n


def check(kind: str, obj: dict, mode: str = "Strict") -> tuple[list[str], list[str]]:
    return structural.check(obj, node(kind), mode)


def type_error(kind: str, obj: dict) -> str:
    errs, _ = check(kind, obj)
    assert len(errs) == 1, errs
    return errs[0]


def unknown(kind: str, obj: dict) -> list[str]:
    errs, unk = check(kind, obj)
    assert errs == []
    return unk


def pod(**container) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "busybox", **container}]}}


def deployment(spec: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": spec}


# ---- valid objects


def test_valid_objects_pass() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"x": "y"},
                                                                "creationTimestamp": None},
          "data": {"k": "v"}, "binaryData": {"b": "AAEC"}, "immutable": False}
    assert check("ConfigMap", cm) == ([], [])
    p = pod(ports=[{"containerPort": 80, "protocol": "TCP"}],
            resources={"limits": {"cpu": "500m", "memory": 134217728}, "requests": {"cpu": 0.1}},
            env=[{"name": "A", "value": "1"}], readinessProbe={"httpGet": {"port": "http"}})
    p["spec"]["terminationGracePeriodSeconds"] = 30
    p["spec"]["tolerations"] = [{"operator": "Exists", "tolerationSeconds": None}]
    assert check("Pod", p) == ([], [])


# ---- unknown fields


def test_unknown_top_level_field() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "datta": {"k": "v"}}
    assert unknown("ConfigMap", cm) == ['unknown field "datta"']


def test_unknown_fields_at_depth_and_in_lists() -> None:
    d = deployment({"selector": {"matchLabels": {"a": "b"}}, "foo": 1,
                    "template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "badField": True,
                                                                         "ports": [{"containerPort": 1, "x": 1}]}]}}})
    assert unknown("Deployment", d) == [
        'unknown field "spec.foo"',
        'unknown field "spec.template.spec.containers[1].badField"',
        'unknown field "spec.template.spec.containers[1].ports[0].x"',
    ]
    assert unknown("Pod", pod(badField=1)) == ['unknown field "spec.containers[0].badField"']


def test_unknown_fields_in_metadata() -> None:
    cm = {"metadata": {"name": "a", "nmae": "b", "ownerReferences": [{"uid": "u", "kindd": "x"}]}}
    assert unknown("ConfigMap", cm) == ['unknown field "metadata.nmae"',
                                        'unknown field "metadata.ownerReferences[0].kindd"']


def test_unknown_field_under_a_map_key() -> None:
    # Map keys are part of the strict path (CRD properties are a map of schemas).
    crd = {"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"spec": {"type": "object", "typo": 1}}}}}]}}
    assert unknown("CustomResourceDefinition", crd) == [
        'unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.typo"']


def test_field_names_are_case_sensitive_and_quoted_as_go_does() -> None:
    cm = {"Data": {}, 'q"t': 1, "é": 1, "a\nb": 1}
    assert unknown("ConfigMap", cm) == ['unknown field "Data"', 'unknown field "q\\"t"',
                                        'unknown field "é"', 'unknown field "a\\nb"']


def test_ignore_mode_skips_unknown_fields_but_not_type_errors() -> None:
    cm = {"datta": {}, "data": {"a": 1}}
    assert check("ConfigMap", cm, "Ignore") == (
        ["json: cannot unmarshal number into Go struct field ConfigMap.data of type string"], [])
    assert check("ConfigMap", {"datta": {}}, "Ignore") == ([], [])
    assert check("ConfigMap", {"datta": {}}, "Warn") == ([], ['unknown field "datta"'])


def test_free_form_fields() -> None:
    # RawExtension, FieldsV1 and apiextensions JSON take anything.
    rev = {"metadata": {"managedFields": [{"manager": "m", "fieldsV1": {"f:data": {"f:x": {}}}}]},
           "data": {"spec": {"anything": [1, {"deep": True}]}}, "revision": 1}
    assert check("ControllerRevision", rev) == ([], [])
    crd = {"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
        "type": "object", "default": {"free": {"form": 1}}, "x-kubernetes-preserve-unknown-fields": True}}}]}}
    assert check("CustomResourceDefinition", crd) == ([], [])


def test_custom_resource_schema_and_preserve_unknown_fields() -> None:
    crd_schema = {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "replicas": {"type": "integer"},
            "items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
    cr = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "bogus": 1},
          "spec": {"replicas": 1, "foo": 2, "items": [{"name": "a", "typo": 1}], "config": {"any": {"thing": 1}},
                   "labels": {"free": "key"}}, "status": {}}
    assert structural.check(copy.deepcopy(cr), crd_schema, "Strict") == ([], [
        'unknown field "metadata.bogus"', 'unknown field "spec.foo"', 'unknown field "spec.items[0].typo"',
        'unknown field "status"'])
    preserve = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert structural.check(cr, preserve, "Strict") == ([], ['unknown field "metadata.bogus"'])
    assert "bogus" not in cr["metadata"] and cr["spec"]["foo"] == 2


@pytest.mark.parametrize("mode", ["Strict", "Warn", "Ignore"])
def test_unknown_fields_are_dropped_as_decoding_drops_them(mode: str) -> None:
    d = deployment({"foo": 1, "replicas": 2, "template": {"spec": {"containers": [{"name": "a", "bad": 1}]}}})
    d["datta"] = {}
    structural.check(d, node("Deployment"), mode)
    assert d == deployment({"replicas": 2, "template": {"spec": {"containers": [{"name": "a"}]}}})
    # Free-form values keep everything; nested CRD schemas drop what their own decoding drops.
    rev = {"data": {"x": {"y": 1}}, "revision": 1}
    structural.check(rev, node("ControllerRevision"), mode)
    assert rev == {"data": {"x": {"y": 1}}, "revision": 1}
    crd = {"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"items": {"typo": 1}}}}]}}
    assert structural.check(crd, node("CustomResourceDefinition"), mode) == ([], [])
    assert crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] == {"items": {}}


def test_unknown_fields_are_deduplicated_and_capped() -> None:
    cm = {f"f{i}": 1 for i in range(150)}
    unk = unknown("ConfigMap", cm)
    assert len(unk) == 100 and unk[0] == 'unknown field "f0"'


# ---- type errors


@pytest.mark.parametrize(("kind", "obj", "message"), [
    ("Deployment", deployment({"replicas": "many"}),
     "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("ConfigMap", {"metadata": {"name": 1}},
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"),
    ("ConfigMap", {"metadata": {"labels": {"version": 1.0}}},
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
    ("ConfigMap", {"metadata": {"labels": "app=x"}},
     "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
    ("ConfigMap", {"metadata": "x"},
     "json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta"),
    ("ConfigMap", {"immutable": "true"},
     "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool"),
    ("Deployment", deployment({"template": {"spec": {"containers": [{"env": [{"name": "A", "value": 8080}]}]}}}),
     "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type "
     "string"),
    ("Deployment", deployment({"template": {"spec": {"hostNetwork": "yes"}}}),
     "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.hostNetwork of type bool"),
    ("Deployment", deployment("x"),  # type: ignore[arg-type]
     "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"),
    ("Pod", {"spec": {"containers": {"name": "c"}}},
     "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"),
    ("Pod", pod(args=["a", 1]),
     "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string"),
    ("Pod", {"spec": {"terminationGracePeriodSeconds": "30"}},
     "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    ("Pod", {"spec": {"restartPolicy": 1}},
     "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"),
    ("Pod", pod(resources={"limits": "1"}),
     "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.containers.resources.limits "
     "of type v1.ResourceList"),
    ("Pod", {"metadata": {"uid": 5}},
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID"),
    ("Pod", pod(ports=[{"containerPort": 3000000000}]),
     "json: cannot unmarshal number 3000000000 into Go struct field ContainerPort.spec.containers.ports.containerPort "
     "of type int32"),
    ("Pod", pod(ports=[{"containerPort": 1.5}]),
     "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort "
     "of type int32"),
    ("Pod", pod(ports=[{"containerPort": True}]),
     "json: cannot unmarshal bool into Go struct field ContainerPort.spec.containers.ports.containerPort of type "
     "int32"),
    ("Secret", {"data": {"a": 1}},
     "json: cannot unmarshal number into Go struct field Secret.data of type []uint8"),
    ("Secret", {"data": {"a": [1, 256]}},
     "json: cannot unmarshal number 256 into Go struct field Secret.data of type uint8"),
])
def test_type_errors(kind: str, obj: dict, message: str) -> None:
    assert type_error(kind, obj) == message


def test_the_first_type_error_is_reported() -> None:
    obj = {"metadata": {"name": 1, "namespace": 2}, "data": {"a": 3}}
    assert type_error("ConfigMap", obj) == \
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"


def test_a_custom_unmarshaler_error_wins_over_an_earlier_type_error() -> None:
    # Go keeps going after a plain type error but stops at an UnmarshalJSON error.
    obj = pod(image=1, resources={"limits": {"cpu": "lots"}})
    assert type_error("Pod", obj) == QUANTITY_RE


def test_type_errors_come_before_unknown_fields() -> None:
    errs, _ = check("ConfigMap", {"datta": 1, "data": {"a": True}})
    assert errs == ["json: cannot unmarshal bool into Go struct field ConfigMap.data of type string"]


def test_null_is_accepted_everywhere() -> None:
    obj = {"metadata": {"name": None, "labels": None, "creationTimestamp": None}, "data": {"a": None}}
    assert check("ConfigMap", obj) == ([], [])
    assert check("Pod", pod(ports=None, resources={"limits": {"cpu": None}})) == ([], [])


# ---- types with their own UnmarshalJSON


@pytest.mark.parametrize("value", ["100m", "1Gi", " 2 ", "1e3", 1, 0.5, -1])
def test_quantity_accepts_strings_and_numbers(value: object) -> None:
    assert check("Pod", pod(resources={"limits": {"cpu": value}})) == ([], [])


@pytest.mark.parametrize(("value", "message"), [
    ("1x", QUANTITY_RE),
    ("", QUANTITY_RE),
    (True, QUANTITY_RE),
    ({"n": 1}, QUANTITY_RE),
    ("32MMi", "unable to parse quantity's suffix"),
])
def test_quantity_errors(value: object, message: str) -> None:
    assert type_error("Pod", pod(resources={"requests": {"memory": value}})) == message


def service_port(port: object) -> dict:
    return {"spec": {"ports": [{"port": 80, "targetPort": port}]}}


@pytest.mark.parametrize("port", [8080, "http", None])
def test_int_or_string_accepts_both(port: object) -> None:
    assert check("Service", service_port(port)) == ([], [])


@pytest.mark.parametrize(("port", "what"), [
    (True, "bool"), (1.5, "number 1.5"), (1 << 31, "number 2147483648"), ({}, "object"), ([80], "array")])
def test_int_or_string_errors(port: object, what: str) -> None:
    # IntOrString json.Unmarshal's a non-string into its int32; the decoder puts the field's context on it.
    assert type_error("Service", service_port(port)) == \
        f"json: cannot unmarshal {what} into Go struct field ServicePort.spec.ports.targetPort of type int32"


@pytest.mark.parametrize("value", ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5+01:00", "2024-02-29T23:59:59Z"])
def test_time_accepts_rfc3339(value: str) -> None:
    assert check("ConfigMap", {"metadata": {"creationTimestamp": value}}) == ([], [])


@pytest.mark.parametrize(("value", "message"), [
    ("yesterday", 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'),
    ("2024-01-02", 'parsing time "2024-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'),
    ("2024-01-02T03:04:05", 'parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": '
                            'cannot parse "" as "Z07:00"'),
    ("2024-01-02 03:04:05Z", 'parsing time "2024-01-02 03:04:05Z" as "2006-01-02T15:04:05Z07:00": '
                             'cannot parse " 03:04:05Z" as "T"'),
    ("2020-13-01T00:00:00Z", 'parsing time "2020-13-01T00:00:00Z": month out of range'),
    ("2023-02-29T00:00:00Z", 'parsing time "2023-02-29T00:00:00Z": day out of range'),
    ("2024-01-01T25:00:00Z", 'parsing time "2024-01-01T25:00:00Z": hour out of range'),
    ("2024-01-01T00:00:00+25:00", 'parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range'),
    ("2024-01-01T00:00:00Zjunk", 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"'),
    ("2024-01-0é", 'parsing time "2024-01-0\\xc3\\xa9" as "2006-01-02T15:04:05Z07:00": '
                   'cannot parse "0\\xc3\\xa9" as "02"'),
])
def test_time_errors(value: str, message: str) -> None:
    assert type_error("ConfigMap", {"metadata": {"creationTimestamp": value}}) == message


def test_time_of_the_wrong_json_type() -> None:
    assert type_error("ConfigMap", {"metadata": {"creationTimestamp": 5}}) == \
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"


def test_micro_time_wants_six_fractional_digits() -> None:
    ok = {"spec": {"renewTime": "2024-01-02T03:04:05.123456Z"}}
    assert check("Lease", ok) == ([], [])
    assert type_error("Lease", {"spec": {"renewTime": "2024-01-02T03:04:05Z"}}) == (
        'parsing time "2024-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"')


@pytest.mark.parametrize("value", ["", "YQ==", "YWI=", "YWJj", "Zm9v\nYmFy\n", "Zm9v\r\nYmFy"])
def test_base64_accepted(value: str) -> None:
    assert check("Secret", {"data": {"a": value}}) == ([], [])


@pytest.mark.parametrize(("value", "at"), [
    ("admin", 4), ("not base64!", 3), ("YQ", 0), ("YQ=", 3), ("YQ===", 4), ("=", 0), ("YWJj!", 4), ("é", 0)])
def test_base64_errors(value: str, at: int) -> None:
    assert type_error("Secret", {"data": {"a": value}}) == f"illegal base64 data at input byte {at}"


def test_crd_schema_unions() -> None:
    def crd(props: dict) -> dict:
        return {"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": props}}]}}

    assert check("CustomResourceDefinition", crd({"additionalProperties": True})) == ([], [])
    assert type_error("CustomResourceDefinition", crd({"additionalProperties": "yes"})) == \
        "boolean or JSON schema expected"
    # Nested schemas there are decoded apart, without strict checks; a type error gets the outer context.
    assert check("CustomResourceDefinition", crd({"items": {"type": "string", "typo": 1}})) == ([], [])
    assert type_error("CustomResourceDefinition", crd({"additionalProperties": {"type": 1}})) == (
        "json: cannot unmarshal number into Go struct field "
        "JSONSchemaProps.spec.versions.schema.openAPIV3Schema.additionalProperties of type string")


# ---- duplicate fields


def test_no_duplicates_is_cheap_and_empty() -> None:
    raw = orjson.dumps(pod())
    assert structural.duplicate_fields(raw) == []
    assert structural.duplicate_fields(raw, node("Pod"), orjson.loads(raw)) == []
    assert structural.duplicate_fields(b'{"a": "x:y", "b" : {"c":"\\u003a"}}') == []


def test_duplicates() -> None:
    raw = (b'{"kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"1","x":"2"},"name":"b"},'
           b'"data":{"k":"v"},"data":{"k":"w"}}')
    assert structural.duplicate_fields(raw) == [
        'duplicate field "metadata.labels.x"', 'duplicate field "metadata.name"', 'duplicate field "data"']


def test_duplicates_in_lists_and_with_spaces() -> None:
    raw = b'{"spec": {"containers": [{"name": "a"}, {"name" : "b", "name" : "c"}]}}'
    assert structural.duplicate_fields(raw) == ['duplicate field "spec.containers[1].name"']


def test_duplicates_under_unknown_or_free_form_fields_are_not_reported_with_the_schema() -> None:
    raw = b'{"bogus":{"a":1,"a":2},"zz":1,"zz":2,"data":{"raw":{"b":1,"b":2}},"revision":1,"revision":2}'
    assert structural.duplicate_fields(raw, node("ControllerRevision")) == ['duplicate field "revision"']
    assert structural.duplicate_fields(raw) == [
        'duplicate field "bogus.a"', 'duplicate field "zz"', 'duplicate field "data.raw.b"',
        'duplicate field "revision"']


# ---- the Strict error and Warn warnings


def test_strict_error() -> None:
    err = structural.strict_error(['unknown field "spec.foo"', 'unknown field "bar"'])
    assert isinstance(err, errors.StatusError)
    assert err.code == 400 and err.reason == "BadRequest"
    assert err.message == 'strict decoding error: unknown field "spec.foo", unknown field "bar"'


def test_strict_error_of_a_create_names_the_kind() -> None:
    _, unk = check("ConfigMap", {"datta": {}})
    err = structural.strict_error(unk, "ConfigMap", "v1")
    assert err.message == 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: ' \
                          'unknown field "datta"'


def test_warnings_are_the_strict_texts() -> None:
    # The server sends each as `Warning: 299 - "<text>"`; kubectl prints `Warning: <text>`.
    _, unk = check("Deployment", deployment({"foo": 1}), "Warn")
    assert unk == ['unknown field "spec.foo"']
