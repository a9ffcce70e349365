"""storage.k8s.io/v1 strategies: StorageClass, CSIDriver, CSINode, CSIStorageCapacity, VolumeAttachment."""

import copy

from tests.unit.api.steps import create, strat, update

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
