"""apiextensions.k8s.io/v1 CustomResourceDefinition: defaults, names, versions and schema outline."""

import copy

from tests.unit.api.steps import create, strat, update

CRD = strat("apiextensions.k8s.io", "CustomResourceDefinition")


def crd(**spec) -> dict:
    base = {"group": "stable.example.com", "scope": "Namespaced",
            "names": {"plural": "crontabs", "kind": "CronTab", "shortNames": ["ct"]},
            "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                "type": "object", "properties": {"spec": {"type": "object", "properties": {
                    "cronSpec": {"type": "string"}}}}}}}]}
    base.update(spec)
    return {"metadata": {"name": "crontabs.stable.example.com"}, "spec": base}


def test_crd_defaults_and_status():
    obj, errs = create(CRD, crd())
    assert errs == []
    assert obj["spec"]["names"]["singular"] == "crontab" and obj["spec"]["names"]["listKind"] == "CronTabList"
    assert obj["spec"]["conversion"] == {"strategy": "None"}
    assert obj["status"] == {"acceptedNames": {"kind": "", "plural": ""}, "storedVersions": ["v1"]}
    assert obj["metadata"]["generation"] == 1


def test_crd_validation():
    bad = crd()
    bad["metadata"]["name"] = "crontabs.example.com"
    _, errs = create(CRD, bad)
    assert errs == ['metadata.name: Invalid value: "crontabs.example.com": must be spec.names.plural+"."+spec.group']
    _, errs = create(CRD, crd(group="example", scope="Global"))
    assert 'spec.group: Invalid value: "example": should be a domain with at least one dot' in errs
    assert 'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"' in errs
    _, errs = create(CRD, crd(versions=[{"name": "v1", "served": True, "storage": False}]))
    assert errs == ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
                    "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have "
                    "exactly one version marked as storage version"]
    _, errs = create(CRD, crd(versions=[{"name": "v1", "served": True, "storage": True, "schema": {
        "openAPIV3Schema": {"type": "object", "properties": {"spec": {"properties": {}}}}}}]))
    assert errs == ["spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty "
                    "for specified object fields"]


def test_crd_update_rules():
    old, _ = create(CRD, crd())
    new = copy.deepcopy(old)
    new["spec"]["versions"].insert(0, {"name": "v2", "served": True, "storage": True, "schema": {
        "openAPIV3Schema": {"type": "object"}}})
    new["spec"]["versions"][1]["storage"] = False
    new, errs = update(CRD, new, old)
    assert errs == [] and new["status"]["storedVersions"] == ["v1", "v2"] and new["metadata"]["generation"] == 2
    moved = copy.deepcopy(old)
    moved["spec"]["group"] = "other.example.com"
    moved["metadata"]["name"] = "crontabs.other.example.com"
    _, errs = update(CRD, moved, old)
    assert 'spec.group: Invalid value: "other.example.com": field is immutable' in errs
