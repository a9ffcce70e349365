"""HorizontalPodAutoscaler in autoscaling/v2 and v1: defaults and validation as upstream 1.33."""

from tests.unit.api import steps


def create(version: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(steps.strat("autoscaling", "HorizontalPodAutoscaler", version), obj, uid=None)


REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def test_v2_defaults():
    hpa, errs = create("v2", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 5}})
    assert errs == []
    assert hpa["spec"]["minReplicas"] == 1
    assert hpa["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 80}}}]
    assert "behavior" not in hpa["spec"]
    assert hpa["status"] == {"currentMetrics": None, "desiredReplicas": 0}
    assert "generation" not in hpa["metadata"]


def test_v2_behavior_defaults():
    hpa, errs = create("v2", {"metadata": {"name": "web"}, "spec": {
        "scaleTargetRef": REF, "maxReplicas": 5, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}})
    assert errs == []
    assert hpa["spec"]["behavior"] == {
        "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                      "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
    }


def test_v1_defaults_cpu_target():
    hpa, errs = create("v1", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 5}})
    assert errs == []
    assert hpa["spec"]["minReplicas"] == 1 and hpa["spec"]["targetCPUUtilizationPercentage"] == 80
    assert hpa["status"] == {"currentReplicas": 0, "desiredReplicas": 0}


def test_validation_messages():
    _, errs = create("v2", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "minReplicas": 0,
                                                                   "maxReplicas": 0}})
    assert errs == ["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                    "spec.maxReplicas: Invalid value: 0: must be greater than 0",
                    "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling "
                    "to zero replicas"]
    _, errs = create("v1", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"kind": "Deployment"},
                                                                   "minReplicas": 4, "maxReplicas": 2}})
    assert errs == ["spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
                    "spec.scaleTargetRef.name: Required value"]
    _, errs = create("v1", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 2,
                                                                   "targetCPUUtilizationPercentage": 0}})
    assert errs == ["spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"]
    _, errs = create("v2", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 2, "metrics": [
        {"type": "Pods", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 5}}}]}})
    assert errs == ["spec.metrics[0].pods: Required value: must populate information for the given metric source"]
    _, errs = create("v2", {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 2,
                                                                   "behavior": {"scaleUp": {"policies": []}}}})
    assert errs == ["spec.behavior.scaleUp.policies: Required value: must specify at least one Policy"]
