"""discovery.k8s.io/v1 EndpointSlice."""

import copy

from tests.unit.api.steps import create, strat, update

S = strat("discovery.k8s.io", "EndpointSlice")


def test_endpoint_slice_defaults_and_validation():
    eps, errs = create(S, {"metadata": {"name": "web-abc"}, "addressType": "IPv4",
                           "endpoints": [{"addresses": ["10.42.0.5"]}], "ports": [{"port": 80}]})
    assert errs == [] and eps["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    assert eps["metadata"]["generation"] == 1
    _, errs = create(S, {"metadata": {"name": "x"}, "addressType": "IPv4",
                         "endpoints": [{"addresses": ["fd00::1"]}, {"addresses": []}],
                         "ports": [{"name": "http"}, {"name": "http", "protocol": "ICMP"}]})
    assert errs == ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be an IPv4 address',
                    "endpoints[1].addresses: Required value: must contain at least 1 address",
                    'ports[1].name: Duplicate value: "http"',
                    'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']
    _, errs = create(S, {"metadata": {"name": "x"}})
    assert errs == ["addressType: Required value"]


def test_address_type_immutable():
    old, _ = create(S, {"metadata": {"name": "x"}, "addressType": "IPv4"})
    new = copy.deepcopy(old)
    new["addressType"] = "IPv6"
    _, errs = update(S, new, old)
    assert errs == ['addressType: Invalid value: "IPv6": field is immutable']
