"""flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration."""

from tests.unit.api.steps import create, strat

GROUP = "flowcontrol.apiserver.k8s.io"


def test_flow_schema():
    s = strat(GROUP, "FlowSchema")
    fs, errs = create(s, {"metadata": {"name": "fs"}, "spec": {"priorityLevelConfiguration": {"name": "global-default"},
                                                              "rules": [{"subjects": [{"kind": "Group", "group": {
                                                                  "name": "system:authenticated"}}],
                                                                  "nonResourceRules": [{"verbs": ["*"],
                                                                                        "nonResourceURLs": ["*"]}]}]}})
    assert errs == [] and fs["spec"]["matchingPrecedence"] == 1000 and fs["status"] == {}
    _, errs = create(s, {"metadata": {"name": "fs"}, "spec": {"matchingPrecedence": 1, "rules": [{"subjects": []}]}})
    assert errs == ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have "
                    "matchingPrecedence 1",
                    "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
                    "spec.rules[0].subjects: Required value: subjects must contain at least one value",
                    "spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be "
                    "non-empty"]


def test_priority_level_configuration():
    s = strat(GROUP, "PriorityLevelConfiguration")
    pl, errs = create(s, {"metadata": {"name": "workload"}, "spec": {"type": "Limited", "limited": {
        "limitResponse": {"type": "Queue", "queuing": {}}}}})
    assert errs == []
    assert pl["spec"]["limited"] == {"nominalConcurrencyShares": 30, "lendablePercent": 0, "limitResponse": {
        "type": "Queue", "queuing": {"handSize": 8, "queues": 64, "queueLengthLimit": 50}}}
    _, errs = create(s, {"metadata": {"name": "workload"}, "spec": {"type": "Exempt"}})
    assert errs == ['spec.type: Invalid value: "Exempt": type must be \'Exempt\' if and only if name is \'exempt\'']
    _, errs = create(s, {"metadata": {"name": "w"}, "spec": {"type": "Limited", "limited": {"limitResponse": {
        "type": "Queue", "queuing": {"handSize": 70, "queues": 64, "queueLengthLimit": 5}}}}})
    assert errs == ["spec.limited.limitResponse.queuing.handSize: Invalid value: 70: should not be greater than "
                    "queues (64)"]
