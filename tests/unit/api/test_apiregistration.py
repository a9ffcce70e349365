"""apiregistration.k8s.io/v1 APIService: name, priorities and service reference as upstream 1.33."""

from tests.unit.api.steps import create, strat


def test_apiservice():
    s = strat("apiregistration.k8s.io", "APIService")
    obj, errs = create(s, {"metadata": {"name": "v1beta1.metrics.k8s.io"}, "spec": {
        "group": "metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100, "versionPriority": 100,
        "service": {"name": "metrics-server", "namespace": "kube-system"}}})
    assert errs == [] and obj["spec"]["service"]["port"] == 443
    _, errs = create(s, {"metadata": {"name": "v1.wrong"}, "spec": {
        "group": "metrics.k8s.io", "version": "v1", "groupPriorityMinimum": 0, "versionPriority": 100}})
    assert errs == ['metadata.name: Invalid value: "v1.wrong": must be `spec.version+"."+spec.group`: '
                    '"v1.metrics.k8s.io"',
                    "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000"]
