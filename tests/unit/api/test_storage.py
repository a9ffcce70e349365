"""storage.k8s.io/v1 strategies: StorageClass, CSIDriver, CSINode, CSIStorageCapacity, VolumeAttachment."""

import copy

from bosun.api import strategy as strategies
from bosun.api.resources import builtin_table

strategies.load_group_modules()
TABLE = builtin_table()


def strat(group: str, kind: str, version: str = "v1"):
    return strategies.strategy_for(TABLE.by_kind(group, version, kind))


def create(s, obj: dict) -> tuple[dict, list[str]]:
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    if s.resource.namespaced:
        meta.setdefault("namespace", "default")
    meta.setdefault("uid", "uid-1")
    s.prepare_for_create(obj)
    s.default(obj)
    return obj, [f"{c.field}: {c.message}" for c in s.validate(obj)]


def update(s, new: dict, old: dict) -> tuple[dict, list[str]]:
    new = copy.deepcopy(new)
    s.prepare_for_update(new, old)
    s.default(new)
    return new, [f"{c.field}: {c.message}" for c in (s.validate(new) or s.validate_update(new, old))]

SC = strat("storage.k8s.io", "StorageClass")


def test_storage_class_defaults_and_immutability():
    sc, errs = create(SC, {"metadata": {"name": "local"}, "provisioner": "rancher.io/local-path"})
    assert errs == [] and sc["reclaimPolicy"] == "Delete" and sc["volumeBindingMode"] == "Immediate"
    new = copy.deepcopy(sc)
    new["parameters"] = {"a": "b"}
    new["reclaimPolicy"] = "Retain"
    _, errs = update(SC, new, sc)
    assert errs == ["parameters: Forbidden: updates to parameters are forbidden.",
                    "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."]
    _, errs = create(SC, {"metadata": {"name": "x"}, "provisioner": "", "volumeBindingMode": "Later"})
    assert errs == ["provisioner: Required value",
                    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
                    '"WaitForFirstConsumer"']


def test_csi_driver_defaults():
    s = strat("storage.k8s.io", "CSIDriver")
    drv, errs = create(s, {"metadata": {"name": "hostpath.csi.k8s.io"}, "spec": {}})
    assert errs == []
    assert drv["spec"] == {"attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
                           "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False,
                           "seLinuxMount": False, "volumeLifecycleModes": ["Persistent"]}
    new = copy.deepcopy(drv)
    new["spec"]["attachRequired"] = False
    _, errs = update(s, new, drv)
    assert errs == ["spec.attachedRequired: Invalid value: false: field is immutable"]


def test_volume_attachment():
    s = strat("storage.k8s.io", "VolumeAttachment")
    va, errs = create(s, {"metadata": {"name": "va"}, "spec": {"attacher": "csi.example.com", "nodeName": "n1",
                                                                "source": {"persistentVolumeName": "pv1"}}})
    assert errs == [] and va["status"] == {"attached": False}
    _, errs = create(s, {"metadata": {"name": "va"}, "spec": {"attacher": "csi.example.com", "source": {}}})
    assert errs == ["spec.source: Required value: must specify exactly one of inlineVolumeSpec and "
                    "persistentVolumeName", "spec.nodeName: Required value"]
