"""apiextensions.k8s.io/v1: CustomResourceDefinition.

Upstream's apiextensions-apiserver pkg/apis/apiextensions/v1/defaults.go,
pkg/apis/apiextensions/validation and pkg/registry/customresourcedefinition
(Kubernetes 1.33), as far as the definition itself goes: names, group,
scope, versions, the presence and outline of structural schemas, printer
columns and conversion. Serving the custom resources is elsewhere.
"""

from __future__ import annotations

from bosun.api import validation as v
from bosun.api.admissionregistration import REVIEW_VERSIONS, default_service_ref, validate_client_config
from bosun.api.apps import d, lst, spec_of
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

SCOPES = ("Cluster", "Namespaced")
CONVERSION_STRATEGIES = ("None", "Webhook")
COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")
SCHEMA_TYPES = ("array", "boolean", "integer", "number", "object", "string")


def storage_version(spec: Obj) -> str | None:
    for ver in lst(spec.get("versions")):
        if d(ver).get("storage") is True:
            return d(ver).get("name")
    return None


def is_established(obj: Obj) -> bool:
    return any(d(c).get("type") == "Established" and d(c).get("status") == "True"
               for c in lst(d(obj.get("status")).get("conditions")))


@register("apiextensions.k8s.io", "CustomResourceDefinition")
class CustomResourceDefinitionStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        names = spec.get("names")
        if not isinstance(names, dict):
            names = spec["names"] = {}
        kind = names.get("kind") or ""
        if not names.get("singular"):
            names["singular"] = kind.lower()
        if not names.get("listKind") and kind:
            names["listKind"] = kind + "List"
        conversion = spec.get("conversion")
        if not isinstance(conversion, dict):
            conversion = spec["conversion"] = {"strategy": "None"}
        if conversion.get("strategy") == "Webhook":
            default_service_ref(d(conversion.get("webhook")).get("clientConfig"))

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        status: Obj = {"acceptedNames": {"kind": "", "plural": ""}, "storedVersions": []}
        stored = storage_version(spec_of(obj))
        if stored:
            status["storedVersions"] = [stored]
        obj["status"] = status

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        stored = storage_version(spec_of(obj))
        status = obj.get("status")
        if stored and isinstance(status, dict):
            versions = list(lst(status.get("storedVersions")))
            if stored not in versions:
                obj["status"] = {**status, "storedVersions": [*versions, stored]}

    def validate(self, obj: Obj) -> list[Cause]:
        spec = spec_of(obj)
        names = d(spec.get("names"))
        required = f"{names.get('plural', '')}.{spec.get('group', '')}"

        def name_fn(name: str, prefix: bool = False) -> list[str]:
            errs = v.dns1123_subdomain(name, prefix)
            if name != required:
                errs = [*errs, 'must be spec.names.plural+"."+spec.group']
            return errs

        out = v.validate_object_meta(obj.get("metadata"), False, name_fn)
        out.extend(validate_crd_spec(spec, "spec"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        spec, ospec = spec_of(obj), d(old.get("spec"))
        if is_established(old):
            out.extend(v.validate_immutable(spec.get("scope"), ospec.get("scope"), "spec.scope"))
        out.extend(v.validate_immutable(spec.get("group"), ospec.get("group"), "spec.group"))
        out.extend(v.validate_immutable(d(spec.get("names")).get("plural"), d(ospec.get("names")).get("plural"),
                                        "spec.names.plural"))
        out.extend(validate_stored_versions(obj))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        accepted = d(d(obj.get("status")).get("acceptedNames"))
        out.extend(validate_names(accepted, "status.acceptedNames", require=False))
        out.extend(validate_stored_versions(obj))
        return out


def validate_stored_versions(obj: Obj) -> list[Cause]:
    spec = spec_of(obj)
    stored = lst(d(obj.get("status")).get("storedVersions"))
    path = "status.storedVersions"
    if not stored:
        return [v.invalid(path, stored, "must have at least one stored version")]
    names = {d(x).get("name") for x in lst(spec.get("versions"))}
    out = [v.invalid(f"{path}[{i}]", s, "must appear in spec.versions") for i, s in enumerate(stored) if s not in names]
    storage = storage_version(spec)
    if storage and storage not in stored:
        out.append(v.invalid(path, stored, f"must have the storage version {storage}"))
    return out


def validate_names(names: Obj, path: str, require: bool = True) -> list[Cause]:
    out: list[Cause] = []
    if require:
        for f in ("plural", "singular", "kind", "listKind"):
            if not names.get(f):
                out.append(v.required(f"{path}.{f}"))
    for f in ("plural", "singular"):
        val = names.get(f) or ""
        if val:
            errs = v.is_dns1035_label(str(val))
            if errs:
                out.append(v.invalid(f"{path}.{f}", val, ",".join(errs)))
    for f in ("kind", "listKind"):
        val = names.get(f) or ""
        if val:
            errs = v.is_dns1035_label(str(val).lower())
            if errs:
                out.append(v.invalid(f"{path}.{f}", val, "may have mixed case, but should otherwise match: " +
                                     ",".join(errs)))
    for f in ("shortNames", "categories"):
        for i, val in enumerate(lst(names.get(f))):
            errs = v.is_dns1035_label(str(val))
            if errs:
                out.append(v.invalid(f"{path}.{f}[{i}]", val, ",".join(errs)))
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        out.append(v.invalid(f"{path}.listKind", names["listKind"], "kind and listKind may not be the same"))
    return out


def validate_crd_spec(spec: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    group = spec.get("group") or ""
    if not group:
        out.append(v.required(f"{path}.group"))
    else:
        out.extend(v.validate_dns1123_subdomain(str(group), f"{path}.group"))
        if len(str(group).split(".")) < 2:
            out.append(v.invalid(f"{path}.group", group, "should be a domain with at least one dot"))
    scope = spec.get("scope") or ""
    if not scope:
        out.append(v.required(f"{path}.scope"))
    elif scope not in SCOPES:
        out.append(v.not_supported(f"{path}.scope", scope, SCOPES))
    versions = lst(spec.get("versions"))
    vpath = f"{path}.versions"
    if not versions:
        out.append(v.required(vpath))
    storage = 0
    seen: set[str] = set()
    for i, ver in enumerate(versions):
        ver = d(ver)
        p = f"{vpath}[{i}]"
        name = ver.get("name") or ""
        if ver.get("storage") is True:
            storage += 1
        if name in seen:
            out.append(v.invalid(f"{p}.name", name, "must be unique"))
        seen.add(name)
        out.extend(v.invalid(f"{p}.name", name, m) for m in v.is_dns1035_label(str(name)))
        schema = d(ver.get("schema")).get("openAPIV3Schema")
        if not isinstance(schema, dict):
            out.append(v.required(f"{p}.schema.openAPIV3Schema", "schemas are required"))
        else:
            out.extend(validate_structural_root(schema, f"{p}.schema.openAPIV3Schema"))
        for j, col in enumerate(lst(ver.get("additionalPrinterColumns"))):
            out.extend(_validate_column(d(col), f"{p}.additionalPrinterColumns[{j}]"))
        sub = d(ver.get("subresources"))
        scale = sub.get("scale")
        if isinstance(scale, dict):
            out.extend(_validate_scale(scale, f"{p}.subresources.scale"))
    if versions and storage != 1:
        out.append(Cause(vpath, "Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have "
                                "exactly one version marked as storage version", v.INVALID))
    out.extend(validate_names(d(spec.get("names")), f"{path}.names"))
    if spec.get("preserveUnknownFields") is True:
        out.append(v.invalid(f"{path}.preserveUnknownFields", True, "cannot set to true, set "
                             "x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"))
    out.extend(_validate_conversion(d(spec.get("conversion")), f"{path}.conversion"))
    return out


def _validate_column(col: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    if not col.get("name"):
        out.append(v.required(f"{path}.name"))
    kind = col.get("type") or ""
    if not kind:
        out.append(v.required(f"{path}.type", "must be one of " + ",".join(COLUMN_TYPES)))
    elif kind not in COLUMN_TYPES:
        out.append(v.not_supported(f"{path}.type", kind, COLUMN_TYPES))
    if not col.get("jsonPath"):
        out.append(v.required(f"{path}.jsonPath"))
    return out


def _validate_scale(scale: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    spec_path = scale.get("specReplicasPath") or ""
    if not spec_path:
        out.append(v.required(f"{path}.specReplicasPath"))
    elif not str(spec_path).startswith(".spec."):
        out.append(v.invalid(f"{path}.specReplicasPath", spec_path, "should be a json path under .spec"))
    status_path = scale.get("statusReplicasPath") or ""
    if not status_path:
        out.append(v.required(f"{path}.statusReplicasPath"))
    elif not str(status_path).startswith(".status."):
        out.append(v.invalid(f"{path}.statusReplicasPath", status_path, "should be a json path under .status"))
    sel = scale.get("labelSelectorPath")
    if sel and not (str(sel).startswith(".spec.") or str(sel).startswith(".status.")):
        out.append(v.invalid(f"{path}.labelSelectorPath", sel, "should be a json path under either .spec or .status"))
    return out


def _validate_conversion(conv: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    strategy = conv.get("strategy") or ""
    webhook = conv.get("webhook")
    if strategy not in CONVERSION_STRATEGIES:
        out.append(v.not_supported(f"{path}.strategy", strategy, CONVERSION_STRATEGIES))
    if strategy == "Webhook":
        if not isinstance(webhook, dict) or webhook.get("clientConfig") is None:
            out.append(v.required(f"{path}.webhook.clientConfig", "required when strategy is set to Webhook"))
        else:
            out.extend(validate_client_config(d(webhook["clientConfig"]), f"{path}.webhook.clientConfig"))
        versions = lst(d(webhook).get("conversionReviewVersions"))
        if not versions:
            out.append(v.required(f"{path}.webhook.conversionReviewVersions",
                                  "must specify one of " + ", ".join(REVIEW_VERSIONS)))
        elif not any(x in REVIEW_VERSIONS for x in versions):
            out.append(v.invalid(f"{path}.webhook.conversionReviewVersions", versions,
                                 "must include at least one of " + ", ".join(REVIEW_VERSIONS)))
    elif webhook is not None:
        out.append(v.forbidden(f"{path}.webhook", "should not be set when strategy is not set to Webhook"))
    return out


def validate_structural_root(schema: Obj, path: str) -> list[Cause]:
    """The outline of a structural schema: typed nodes, an object at the root."""
    out: list[Cause] = []
    kind = schema.get("type")
    if not kind:
        if schema.get("x-kubernetes-preserve-unknown-fields") is not True:
            out.append(v.required(f"{path}.type", "must not be empty at the root"))
    elif kind != "object":
        out.append(v.invalid(f"{path}.type", kind, "must be object at the root"))
    out.extend(_validate_node(schema, path))
    return out


def _validate_node(node: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    kind = node.get("type")
    if kind and kind not in SCHEMA_TYPES:
        out.append(v.not_supported(f"{path}.type", kind, SCHEMA_TYPES))
    free = node.get("x-kubernetes-preserve-unknown-fields") is True or node.get("x-kubernetes-int-or-string") is True
    for name, child in d(node.get("properties")).items():
        child = d(child)
        cp = f"{path}.properties[{name}]"
        if not child.get("type") and child.get("x-kubernetes-int-or-string") is not True and \
                child.get("x-kubernetes-preserve-unknown-fields") is not True:
            out.append(v.required(f"{cp}.type", "must not be empty for specified object fields"))
        out.extend(_validate_node(child, cp))
    items = node.get("items")
    if isinstance(items, dict):
        if not items.get("type") and items.get("x-kubernetes-int-or-string") is not True and \
                items.get("x-kubernetes-preserve-unknown-fields") is not True:
            out.append(v.required(f"{path}.items.type", "must not be empty for specified array items"))
        out.extend(_validate_node(items, f"{path}.items"))
    elif kind == "array" and not free:
        out.append(v.required(f"{path}.items", "must be specified"))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        if node.get("properties"):
            out.append(v.forbidden(f"{path}.additionalProperties", "additionalProperties and properties are mutual "
                                                                   "exclusive"))
        out.extend(_validate_node(extra, f"{path}.additionalProperties"))
    return out


