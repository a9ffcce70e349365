"""storage.k8s.io/v1: StorageClass, CSIDriver, CSINode, CSIStorageCapacity and VolumeAttachment.

Upstream's pkg/apis/storage/v1/defaults.go, pkg/apis/storage/validation and
pkg/registry/storage/*/strategy.go (Kubernetes 1.33).
"""

from __future__ import annotations

from typing import Any

from bosun.api import validation as v
from bosun.api.apps import StatusStrategy, d, go_selector, is_int, lst, raw_invalid, spec_of
from bosun.api.strategy import Obj, Strategy, register
from bosun.machinery.errors import Cause

MAX_PARAMETERS = 512
MAX_PARAMETERS_SIZE = 256 * (1 << 10)
RECLAIM_POLICIES = ("Delete", "Retain")
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
FS_GROUP_POLICIES = ("File", "None", "ReadWriteOnceWithFSType")
LIFECYCLE_MODES = ("Ephemeral", "Persistent")
MAX_NODE_ID = 192
MAX_ATTACHED_VOLUME_ERROR = 1024


def csi_driver_name(name: Any, path: str) -> list[Cause]:
    """ValidateCSIDriverName: a DNS subdomain (case-insensitive) of at most 63 characters."""
    if not name:
        return [v.required(path)]
    name = str(name)
    out: list[Cause] = []
    if len(name) > 63:
        out.append(Cause(path, "Too long: may not be more than 63 bytes", v.TOO_LONG))
    out.extend(v.invalid(path, name, m) for m in v.is_dns1123_subdomain(name.lower()))
    return out


class StorageStrategy(Strategy):
    tracks_generation = False


# ---------------------------------------------------------------------------
# StorageClass


@register("storage.k8s.io", "StorageClass")
class StorageClassStrategy(StorageStrategy):
    def default(self, obj: Obj) -> None:
        if obj.get("reclaimPolicy") is None:
            obj["reclaimPolicy"] = "Delete"
        if obj.get("volumeBindingMode") is None:
            obj["volumeBindingMode"] = "Immediate"

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        provisioner = obj.get("provisioner") or ""
        if not provisioner:
            out.append(v.required("provisioner"))
        else:
            out.extend(v.validate_qualified_name(str(provisioner).lower(), "provisioner"))
        out.extend(_validate_parameters(obj.get("parameters"), "parameters"))
        policy = obj.get("reclaimPolicy")
        if policy and policy not in RECLAIM_POLICIES:
            out.append(v.not_supported("reclaimPolicy", policy, RECLAIM_POLICIES))
        mode = obj.get("volumeBindingMode")
        if mode is None:
            out.append(v.required("volumeBindingMode"))
        elif mode not in BINDING_MODES:
            out.append(v.not_supported("volumeBindingMode", mode, BINDING_MODES))
        out.extend(_validate_allowed_topologies(obj.get("allowedTopologies"), "allowedTopologies"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if (obj.get("parameters") or {}) != (old.get("parameters") or {}):
            out.append(v.forbidden("parameters", "updates to parameters are forbidden."))
        if obj.get("provisioner") != old.get("provisioner"):
            out.append(v.forbidden("provisioner", "updates to provisioner are forbidden."))
        if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
            out.append(v.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
        out.extend(v.validate_immutable(obj.get("volumeBindingMode"), old.get("volumeBindingMode"), "volumeBindingMode"))
        return out


def _validate_parameters(params: Any, path: str) -> list[Cause]:
    params = d(params)
    if len(params) > MAX_PARAMETERS:
        return [Cause(path, f"Too long: may not be more than {MAX_PARAMETERS} bytes", v.TOO_LONG)]
    out: list[Cause] = []
    total = 0
    for k, val in params.items():
        if not k:
            out.append(v.invalid(path, k, "field can not be empty."))
        total += len(k) + len(str(val))
    if total > MAX_PARAMETERS_SIZE:
        out.append(v.too_long(path, MAX_PARAMETERS_SIZE))
    return out


def _validate_allowed_topologies(terms: Any, path: str) -> list[Cause]:
    out: list[Cause] = []
    for i, term in enumerate(lst(terms)):
        tp = f"{path}[{i}]"
        exprs = lst(d(term).get("matchLabelExpressions"))
        if not exprs:
            out.append(v.required(f"{tp}.matchLabelExpressions", "must have at least one label selector requirement"))
        seen: set[str] = set()
        for j, e in enumerate(exprs):
            e = d(e)
            ep = f"{tp}.matchLabelExpressions[{j}]"
            key = str(e.get("key") or "")
            out.extend(v.validate_qualified_name(key, f"{ep}.key"))
            values = lst(e.get("values"))
            if not values:
                out.append(v.required(f"{ep}.values", "must specify as least one value"))
            vals: set[str] = set()
            for k, val in enumerate(values):
                if val in vals:
                    out.append(v.duplicate(f"{ep}.values[{k}]", val))
                vals.add(val)
            if key in seen:
                out.append(v.duplicate(f"{ep}.key", key))
            seen.add(key)
    return out


# ---------------------------------------------------------------------------
# CSIDriver


@register("storage.k8s.io", "CSIDriver")
class CSIDriverStrategy(StorageStrategy):
    # Upstream checks the name as a CSI driver name ("name: ..."), beside the generic path-segment rule.
    name_validator = staticmethod(v.path_segment_name)

    def default(self, obj: Obj) -> None:
        spec = spec_of(obj)
        for key, value in (("attachRequired", True), ("podInfoOnMount", False), ("storageCapacity", False),
                           ("fsGroupPolicy", "ReadWriteOnceWithFSType"), ("requiresRepublish", False),
                           ("seLinuxMount", False)):
            if spec.get(key) is None:
                spec[key] = value
        if not spec.get("volumeLifecycleModes"):
            spec["volumeLifecycleModes"] = ["Persistent"]

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(csi_driver_name(d(obj.get("metadata")).get("name"), "name"))
        spec = spec_of(obj)
        for f in ("attachRequired", "podInfoOnMount", "storageCapacity", "requiresRepublish"):
            if spec.get(f) is None:
                out.append(v.required(f"spec.{f}"))
        policy = spec.get("fsGroupPolicy")
        if policy is not None and policy not in FS_GROUP_POLICIES:
            out.append(v.not_supported("spec.fsGroupPolicy", policy, FS_GROUP_POLICIES))
        for i, mode in enumerate(lst(spec.get("volumeLifecycleModes"))):
            if mode not in LIFECYCLE_MODES:
                out.append(v.not_supported(f"spec.volumeLifecycleModes[{i}]", mode, LIFECYCLE_MODES))
        audiences: set[str] = set()
        for i, tr in enumerate(lst(spec.get("tokenRequests"))):
            tr = d(tr)
            p = f"spec.tokenRequests[{i}]"
            aud = tr.get("audience", "")
            if aud in audiences:
                out.append(v.duplicate(f"{p}.audience", aud))
            audiences.add(aud)
            exp = tr.get("expirationSeconds")
            if is_int(exp):
                if exp < 600:
                    out.append(v.invalid(f"{p}.expirationSeconds", exp, "may not specify a duration less than 10 "
                                                                      "minutes"))
                elif exp > 1 << 32:
                    out.append(v.invalid(f"{p}.expirationSeconds", exp, "may not specify a duration larger than "
                                                                      "2^32 seconds"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        spec, ospec = spec_of(obj), d(old.get("spec"))
        # Upstream's path really says "attachedRequired".
        for f, path in (("attachRequired", "spec.attachedRequired"), ("fsGroupPolicy", "spec.fsGroupPolicy"),
                        ("volumeLifecycleModes", "spec.volumeLifecycleModes")):
            out.extend(v.validate_immutable(spec.get(f), ospec.get(f), path))
        return out


# ---------------------------------------------------------------------------
# CSINode


@register("storage.k8s.io", "CSINode")
class CSINodeStrategy(StorageStrategy):
    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        names: set[str] = set()
        for i, drv in enumerate(lst(spec_of(obj).get("drivers"))):
            drv = d(drv)
            p = f"spec.drivers[{i}]"
            name = drv.get("name") or ""
            out.extend(csi_driver_name(name, f"{p}.name"))
            if name in names:
                out.append(v.duplicate(f"{p}.name", name))
            names.add(name)
            node_id = drv.get("nodeID") or ""
            if not node_id:
                out.append(v.required(f"{p}.nodeID", "nodeID must be provided"))
            elif len(node_id) > MAX_NODE_ID:
                out.append(v.invalid(f"{p}.nodeID", node_id, f"must be {MAX_NODE_ID} characters or less"))
            keys: set[str] = set()
            for j, key in enumerate(lst(drv.get("topologyKeys"))):
                kp = f"{p}.topologyKeys[{j}]"
                if not key:
                    out.append(v.required(kp))
                if key in keys:
                    out.append(v.duplicate(kp, key))
                keys.add(key)
                out.extend(v.validate_qualified_name(str(key), kp))
            count = d(drv.get("allocatable")).get("count")
            if count is not None:
                out.extend(v.validate_nonnegative(count, f"{p}.allocatable.count"))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        old_drivers = {d(x).get("name"): d(x) for x in lst(d(old.get("spec")).get("drivers"))}
        for i, drv in enumerate(lst(spec_of(obj).get("drivers"))):
            drv = d(drv)
            prev = old_drivers.get(drv.get("name"))
            if prev is None:
                continue
            p = f"spec.drivers[{i}]"
            out.extend(v.validate_immutable(drv.get("nodeID"), prev.get("nodeID"), f"{p}.nodeID"))
            if drv.get("allocatable") != prev.get("allocatable"):
                out.append(raw_invalid(f"{p}.allocatable", "storage.VolumeNodeResources{...}", v.FIELD_IMMUTABLE))
            if drv.get("topologyKeys") != prev.get("topologyKeys"):
                out.append(v.invalid(f"{p}.topologyKeys", lst(drv.get("topologyKeys")), v.FIELD_IMMUTABLE))
        return out


# ---------------------------------------------------------------------------
# CSIStorageCapacity


@register("storage.k8s.io", "CSIStorageCapacity")
class CSIStorageCapacityStrategy(StorageStrategy):
    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        out.extend(v.validate_label_selector(obj.get("nodeTopology"), "nodeTopology"))
        name = obj.get("storageClassName") or ""
        if not name:
            out.append(v.required("storageClassName"))
        else:
            out.extend(v.invalid("storageClassName", name, m) for m in v.dns1123_subdomain(str(name)))
        for f in ("capacity", "maximumVolumeSize"):
            if obj.get(f) is not None:
                q = v.parse_q(obj[f])
                if q is not None and q.sign() < 0:
                    out.append(v.invalid(f, str(obj[f]), v.IS_NEGATIVE))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        for f in ("storageClassName", "nodeTopology"):
            if obj.get(f) != old.get(f):
                shown = v.go_value(obj.get(f)) if f == "storageClassName" else go_selector(obj.get(f))
                out.append(raw_invalid(f, shown, v.FIELD_IMMUTABLE))
        return out


# ---------------------------------------------------------------------------
# VolumeAttachment


@register("storage.k8s.io", "VolumeAttachment")
class VolumeAttachmentStrategy(StorageStrategy, StatusStrategy):
    initial_status = {"attached": False}

    def validate(self, obj: Obj) -> list[Cause]:
        out = super().validate(obj)
        spec = spec_of(obj)
        out.extend(csi_driver_name(spec.get("attacher"), "spec.attacher"))
        source = d(spec.get("source"))
        pv, inline = source.get("persistentVolumeName"), source.get("inlineVolumeSpec")
        if (pv is None) == (inline is None):
            out.append(v.required("spec.source", "must specify exactly one of inlineVolumeSpec and "
                                                 "persistentVolumeName"))
        elif pv is not None and not pv:
            out.append(v.required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName"))
        node = spec.get("nodeName") or ""
        if not node:
            out.append(v.required("spec.nodeName"))
        else:
            out.extend(v.invalid("spec.nodeName", node, m) for m in v.dns1123_subdomain(str(node)))
        return out

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = super().validate_update(obj, old)
        if spec_of(obj) != d(old.get("spec")):
            out.append(raw_invalid("spec", "storage.VolumeAttachmentSpec{...}", v.FIELD_IMMUTABLE))
        return out

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        out = v.validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status = d(obj.get("status"))
        for f in ("attachError", "detachError"):
            err = d(status.get(f))
            msg = err.get("message")
            if isinstance(msg, str) and len(msg) > MAX_ATTACHED_VOLUME_ERROR:
                out.append(v.invalid(f"status.{f}.message", msg, f"must be {MAX_ATTACHED_VOLUME_ERROR} characters or "
                                                                 "less"))
        total = sum(len(k) + len(str(val)) for k, val in d(status.get("attachmentMetadata")).items())
        if total > 256 * (1 << 10):
            out.append(v.too_long("status.attachmentMetadata", 256 * (1 << 10)))
        return out
