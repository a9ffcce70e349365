"""networking.k8s.io/v1 strategies: Ingress, IngressClass, NetworkPolicy, IPAddress, ServiceCIDR."""

import copy

from tests.unit.api import steps


def strat(kind: str):
    return steps.strat("networking.k8s.io", kind)


def create(kind: str, obj: dict) -> tuple[dict, list[str]]:
    return steps.create(strat(kind), obj, uid=None)


def update(kind: str, new: dict, old: dict) -> list[str]:
    return steps.update(strat(kind), new, old)[1]


def ingress(path: dict | None = None, **spec) -> dict:
    p = {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}
    p.update(path or {})
    return {"metadata": {"name": "web"}, "spec": {"rules": [{"host": "example.com", "http": {"paths": [p]}}], **spec}}


def test_ingress_valid_and_status():
    ing, errs = create("Ingress", ingress())
    assert errs == [] and ing["status"] == {"loadBalancer": {}} and ing["metadata"]["generation"] == 1


def test_ingress_path_rules():
    _, errs = create("Ingress", ingress({"pathType": None}))
    assert errs == ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]
    _, errs = create("Ingress", ingress({"path": "api"}))
    assert errs == ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']
    _, errs = create("Ingress", ingress({"path": "/a//b"}))
    assert errs == ["spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"]
    _, errs = create("Ingress", ingress({"pathType": "Regex"}))
    assert errs == ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", '
                    '"ImplementationSpecific", "Prefix"']
    _, errs = create("Ingress", ingress({"backend": {"service": {"name": "web", "port": {}}}}))
    assert errs == ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"]
    _, errs = create("Ingress", {"metadata": {"name": "x"}, "spec": {}})
    assert errs == ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]
    bad_host = ingress()
    bad_host["spec"]["rules"][0]["host"] = "10.0.0.1"
    _, errs = create("Ingress", bad_host)
    assert errs == ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']


def test_ingress_class_annotation():
    ing = ingress(ingressClassName="nginx")
    ing["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "traefik"}
    obj, errs = create("Ingress", ing)
    assert errs == ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` '
                    "when both are specified"]
    assert strat("Ingress").warnings(obj, None) == [
        "annotation \"kubernetes.io/ingress.class\" is deprecated, please use 'spec.ingressClassName' instead"]


def test_ingress_class():
    ic, errs = create("IngressClass", {"metadata": {"name": "nginx"}, "spec": {
        "controller": "k8s.io/ingress-nginx", "parameters": {"kind": "Params", "name": "p"}}})
    assert errs == [] and ic["spec"]["parameters"]["scope"] == "Cluster"
    _, errs = create("IngressClass", {"metadata": {"name": "nginx"}, "spec": {"controller": "nginx"}})
    assert errs == ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']
    new = copy.deepcopy(ic)
    new["spec"]["controller"] = "example.com/other"
    assert update("IngressClass", new, ic) == ['spec.controller: Invalid value: "example.com/other": field is '
                                               "immutable"]


def test_network_policy_defaults_and_validation():
    np, errs = create("NetworkPolicy", {"metadata": {"name": "np"}, "spec": {
        "podSelector": {}, "ingress": [{"ports": [{"port": 80}]}], "egress": [{"ports": [{"port": 53}]}]}})
    assert errs == []
    assert np["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert np["spec"]["ingress"][0]["ports"][0]["protocol"] == "TCP"
    assert np["spec"]["egress"][0]["ports"][0]["protocol"] == "TCP"
    np, _ = create("NetworkPolicy", {"metadata": {"name": "np"}, "spec": {"podSelector": {}}})
    assert np["spec"]["policyTypes"] == ["Ingress"]
    _, errs = create("NetworkPolicy", {"metadata": {"name": "np"}, "spec": {"podSelector": {}, "ingress": [{"from": [
        {"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.1.0.0/24"]}}, {}], "ports": [{"port": 80, "endPort": 70}]}]}})
    assert errs == ["spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`",
                    'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset '
                    "of `cidr`",
                    "spec.ingress[0].from[1]: Required value: must specify a peer"]


def test_ip_address_and_service_cidr():
    _, errs = create("IPAddress", {"metadata": {"name": "10.43.0.1"}, "spec": {"parentRef": {
        "resource": "services", "name": "kubernetes", "namespace": "default"}}})
    assert errs == []
    _, errs = create("IPAddress", {"metadata": {"name": "2001:db8:0::1"}, "spec": {}})
    assert errs == ['metadata.name: Invalid value: "2001:db8:0::1": must be in canonical form ("2001:db8::1")',
                    "spec.parentRef: Required value"]
    sc, errs = create("ServiceCIDR", {"metadata": {"name": "kubernetes"}, "spec": {"cidrs": ["10.43.0.0/16"]}})
    assert errs == []
    _, errs = create("ServiceCIDR", {"metadata": {"name": "x"}, "spec": {"cidrs": ["10.43.0.0/16", "10.44.0.0/16"]}})
    assert errs == ["spec.cidrs: Invalid value: networking.ServiceCIDRSpec{...}: may specify no more than one IP for "
                    "each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"]
    dual = copy.deepcopy(sc)
    dual["spec"]["cidrs"].append("fd00:10:43::/112")
    assert update("ServiceCIDR", dual, sc) == []
    moved = copy.deepcopy(sc)
    moved["spec"]["cidrs"] = ["10.50.0.0/16"]
    assert update("ServiceCIDR", moved, sc) == ['spec.cidrs[0]: Invalid value: "10.50.0.0/16": field is immutable']
