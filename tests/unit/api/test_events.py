"""events.k8s.io/v1 Event: strict create rules (on the core form) and field selectors."""

from tests.unit.api.steps import create, strat

S = strat("events.k8s.io", "Event")


def event(**fields) -> dict:
    base = {"metadata": {"name": "web.1"}, "eventTime": "2025-03-01T12:00:00.000000Z", "type": "Normal",
            "reason": "Started", "action": "Start", "reportingController": "example.com/ctl",
            "reportingInstance": "ctl-1", "regarding": {"kind": "Pod", "name": "web", "namespace": "default"},
            "note": "started"}
    base.update(fields)
    return base


def test_event_create():
    _, errs = create(S, event())
    assert errs == []
    _, errs = create(S, event(type="Info", deprecatedCount=3, eventTime=None))
    assert errs == ["eventTime: Required value", 'type: Invalid value: "": has invalid value: Info',
                    'count: Invalid value: "": needs to be unset']
    _, errs = create(S, event(reportingController="", action=""))
    assert errs[0] == "reportingController: Required value" and "action: Required value" in errs
    assert 'reportingController: Invalid value: "": name part must be non-empty' in errs


def test_event_field_selectors():
    assert "regarding.name" in S.field_labels and "reportingController" in S.field_labels
    core = {"involvedObject": {"kind": "Pod", "name": "web"}, "reason": "Started", "type": "Normal",
            "reportingComponent": "kubelet"}
    values = S.field_values(core)
    assert values["regarding.kind"] == "Pod" and values["regarding.name"] == "web"
    assert values["reportingController"] == "kubelet" and values["type"] == "Normal"
    assert S.field_values(event())["regarding.namespace"] == "default"
