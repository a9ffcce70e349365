"""admissionregistration.k8s.io/v1: webhook configurations and admission policies."""

from tests.unit.api.steps import create, strat

GROUP = "admissionregistration.k8s.io"


def webhook(**fields) -> dict:
    base = {"name": "pods.example.com", "clientConfig": {"service": {"name": "hook", "namespace": "default"}},
            "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
            "sideEffects": "None", "admissionReviewVersions": ["v1"]}
    base.update(fields)
    return base


def test_webhook_defaults():
    s = strat(GROUP, "MutatingWebhookConfiguration")
    obj, errs = create(s, {"metadata": {"name": "m"}, "webhooks": [webhook()]})
    assert errs == []
    hook = obj["webhooks"][0]
    assert hook["failurePolicy"] == "Fail" and hook["matchPolicy"] == "Equivalent"
    assert hook["namespaceSelector"] == {} and hook["objectSelector"] == {}
    assert hook["timeoutSeconds"] == 10 and hook["reinvocationPolicy"] == "Never"
    assert hook["rules"][0]["scope"] == "*" and hook["clientConfig"]["service"]["port"] == 443
    assert obj["metadata"]["generation"] == 1
    v, _ = create(strat(GROUP, "ValidatingWebhookConfiguration"), {"metadata": {"name": "v"}, "webhooks": [webhook()]})
    assert "reinvocationPolicy" not in v["webhooks"][0]


def test_webhook_validation():
    s = strat(GROUP, "ValidatingWebhookConfiguration")
    _, errs = create(s, {"metadata": {"name": "v"}, "webhooks": [webhook(
        name="hook", sideEffects=None, admissionReviewVersions=[], timeoutSeconds=40,
        clientConfig={"url": "http://h/x?y=1"})]})
    assert errs == ['webhooks[0].name: Invalid value: "hook": should be a domain with at least three segments '
                    "separated by dots",
                    "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
                    "webhooks[0].timeoutSeconds: Invalid value: 40: the timeout value must be between 1 and 30 seconds",
                    "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; "
                    "desired format: https://host[/path]",
                    'webhooks[0].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
                    "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"]
    _, errs = create(s, {"metadata": {"name": "v"}, "webhooks": [webhook(rules=[
        {"operations": ["*", "CREATE"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*/*", "pods"]}])]})
    assert errs == ['webhooks[0].rules[0].operations: Invalid value: []string{"*", "CREATE"}: if \'*\' is present, '
                    "must not specify other operations",
                    'webhooks[0].rules[0].resources: Invalid value: []string{"*/*", "pods"}: if \'*/*\' is present, '
                    "must not specify other resources"]
    _, errs = create(s, {"metadata": {"name": "v"}, "webhooks": [webhook(), webhook()]})
    assert errs == ['webhooks[1].name: Duplicate value: "pods.example.com"']


def test_admission_policy_and_binding():
    policy = strat(GROUP, "ValidatingAdmissionPolicy")
    obj, errs = create(policy, {"metadata": {"name": "p"}, "spec": {
        "matchConstraints": {"resourceRules": [{"operations": ["CREATE"], "apiGroups": ["apps"],
                                                "apiVersions": ["v1"], "resources": ["deployments"]}]},
        "validations": [{"expression": "object.spec.replicas <= 5"}]}})
    assert errs == [] and obj["spec"]["failurePolicy"] == "Fail"
    assert obj["spec"]["matchConstraints"]["matchPolicy"] == "Equivalent"
    _, errs = create(policy, {"metadata": {"name": "p"}, "spec": {}})
    assert errs == ["spec.matchConstraints: Required value",
                    "spec.validations: Required value: validations or auditAnnotations must contain at least one item"]
    binding = strat(GROUP, "ValidatingAdmissionPolicyBinding")
    _, errs = create(binding, {"metadata": {"name": "b"}, "spec": {"policyName": "p",
                                                                   "validationActions": ["Deny", "Warn"]}})
    assert errs[0].endswith("validationActions must not contain both Deny and Warn (repeating the same validation "
                            "failure information in the API response and headers serves no purpose)")
