"""Server-side printing: columns and cells as upstream 1.33's printers give them."""

import copy
import time
from datetime import UTC, datetime, timedelta

import pytest

from bosun.api import printers
from bosun.api.printers import cells, columns, human_duration, short_human_duration

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def ago(**kw) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def names(group: str, resource: str) -> list[tuple[str, int]]:
    return [(c["name"], c["priority"]) for c in columns(group, resource)]


def row(group: str, resource: str, obj: dict) -> dict:
    """Cells keyed by column name."""
    return dict(zip([c["name"] for c in columns(group, resource)], cells(group, resource, obj, NOW), strict=True))


# ---------------------------------------------------------------------------
# durations


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-2, "<invalid>"), (-1.5, "0s"), (-1, "0s"), (-0.2, "0s"),
    (0, "0s"), (0.9, "0s"), (45, "45s"), (119, "119s"), (119.999, "119s"),
    (120, "2m"), (121, "2m1s"), (330, "5m30s"), (599, "9m59s"), (600, "10m"), (659, "10m"),
    (10799, "179m"), (10800, "3h"), (12000, "3h20m"), (28799, "7h59m"), (28800, "8h"),
    (172799, "47h"), (172800, "2d"), (183600, "2d3h"), (691199, "7d23h"), (691200, "8d"),
    (864000, "10d"), (63071999, "729d"), (63072000, "2y"), (63158400, "2y1d"),
    (252287999, "7y364d"), (252288000, "8y"), (315360000, "10y"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text
    assert human_duration(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (-3, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"),
    (86399, "23h"), (86400, "1d"), (31535999, "364d"), (31536000, "1y"), (94608000, "3y"),
])
def test_short_human_duration(seconds, text):
    assert short_human_duration(seconds) == text


def test_age_cells():
    obj = {"metadata": {"name": "x", "creationTimestamp": ago(minutes=5, seconds=30)}}
    assert row("", "configmaps", obj)["Age"] == "5m30s"
    assert row("", "configmaps", {"metadata": {"name": "x"}})["Age"] == "<unknown>"
    # a clock a little behind the object's creation reads as now
    assert row("", "configmaps", {"metadata": {"name": "x", "creationTimestamp": ago(seconds=-1)}})["Age"] == "0s"
    # naive and aware "now" mean the same instant (naive is taken as UTC)
    naive = NOW.replace(tzinfo=None)
    assert cells("", "configmaps", obj, naive) == cells("", "configmaps", obj, NOW)


# ---------------------------------------------------------------------------
# every resource


def test_every_printer_fills_every_column():
    obj = {"metadata": {"name": "x", "creationTimestamp": ago(hours=3)}}
    for group, resource in printers.resources_with_printers():
        cols = columns(group, resource)
        assert cols, (group, resource)
        for c in cols:
            assert set(c) == {"name", "type", "format", "description", "priority"}
            assert c["type"] in ("string", "integer", "boolean", "date", "number")
            assert c["priority"] in (0, 1)
        got = cells(group, resource, obj, NOW)
        assert len(got) == len(cols), (group, resource, got)
        assert printers.printer_for(group, resource)(obj, NOW) == got


def test_every_printer_survives_an_empty_object():
    for group, resource in printers.resources_with_printers():
        assert len(cells(group, resource, {}, NOW)) == len(columns(group, resource))


def test_brief_resources_are_covered():
    wanted = {
        "": ["pods", "podtemplates", "replicationcontrollers", "services", "endpoints", "nodes", "events",
             "namespaces", "resourcequotas", "secrets", "serviceaccounts", "persistentvolumes",
             "persistentvolumeclaims", "configmaps", "componentstatuses"],
        "apps": ["deployments", "replicasets", "statefulsets", "daemonsets", "controllerrevisions"],
        "batch": ["jobs", "cronjobs"],
        "autoscaling": ["horizontalpodautoscalers"],
        "networking.k8s.io": ["ingresses", "ingressclasses", "networkpolicies", "ipaddresses", "servicecidrs"],
        "policy": ["poddisruptionbudgets"],
        "rbac.authorization.k8s.io": ["rolebindings", "clusterrolebindings"],
        "storage.k8s.io": ["storageclasses", "volumeattachments", "csidrivers", "csinodes",
                           "csistoragecapacities"],
        "coordination.k8s.io": ["leases"],
        "discovery.k8s.io": ["endpointslices"],
        "events.k8s.io": ["events"],
        "scheduling.k8s.io": ["priorityclasses"],
        "node.k8s.io": ["runtimeclasses"],
        "certificates.k8s.io": ["certificatesigningrequests"],
        "admissionregistration.k8s.io": ["mutatingwebhookconfigurations", "validatingwebhookconfigurations",
                                         "validatingadmissionpolicies", "validatingadmissionpolicybindings"],
        "flowcontrol.apiserver.k8s.io": ["flowschemas", "prioritylevelconfigurations"],
        "apiregistration.k8s.io": ["apiservices"],
    }
    for group, resources in wanted.items():
        for resource in resources:
            assert printers.has_printer(group, resource), (group, resource)


@pytest.mark.parametrize(("group", "resource"), [
    ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"),
    ("", "limitranges"), ("apiextensions.k8s.io", "customresourcedefinitions"), ("example.com", "widgets"),
])
def test_default_table(group, resource):
    assert not printers.has_printer(group, resource)
    assert columns(group, resource) == printers.default_columns()
    assert [(c["name"], c["type"], c["format"]) for c in printers.default_columns()] == [
        ("Name", "string", "name"), ("Created At", "date", "")]
    obj = {"metadata": {"name": "admin", "creationTimestamp": "2024-05-06T07:08:09Z"}}
    assert cells(group, resource, obj, NOW) == ["admin", "2024-05-06T07:08:09Z"]
    obj["metadata"]["creationTimestamp"] = "2024-05-06T09:08:09.5+02:00"
    assert cells(group, resource, obj, NOW) == ["admin", "2024-05-06T07:08:09Z"]
    assert cells(group, resource, {"metadata": {"name": "a"}}, NOW) == ["a", "0001-01-01T00:00:00Z"]


def test_columns_are_fresh_copies():
    cols = columns("", "pods")
    cols[0]["name"] = "changed"
    cols.append({})
    assert columns("", "pods")[0]["name"] == "Name"
    assert len(columns("", "pods")) == 9


def test_subresources_and_core_alias():
    assert names("apps", "deployments/scale") == [("Name", 0), ("Desired", 0), ("Available", 0), ("Age", 0)]
    scale = {"metadata": {"name": "web", "creationTimestamp": ago(minutes=3)},
             "spec": {"replicas": 3}, "status": {"replicas": 2}}
    assert cells("apps", "deployments/scale", scale, NOW) == ["web", 3, 2, "3m"]
    assert columns("apps", "deployments/status") == columns("apps", "deployments")
    assert columns("core", "pods") == columns("", "pods")


# ---------------------------------------------------------------------------
# pods


def test_pod_columns():
    assert names("", "pods") == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0),
        ("IP", 1), ("Node", 1), ("Nominated Node", 1), ("Readiness Gates", 1)]
    assert [c["type"] for c in columns("", "pods")] == ["string"] * 9
    assert columns("", "pods")[0]["format"] == "name"


def pod(containers=1, init=0, sidecars=(), **status) -> dict:
    init_specs = []
    for i in range(init):
        c = {"name": f"init{i}", "image": "busybox"}
        if i in sidecars:
            c["restartPolicy"] = "Always"
        init_specs.append(c)
    obj = {
        "metadata": {"name": "p", "namespace": "default", "creationTimestamp": ago(minutes=10)},
        "spec": {"containers": [{"name": f"c{i}", "image": "nginx"} for i in range(containers)]},
        "status": {"phase": "Pending", **status},
    }
    if init_specs:
        obj["spec"]["initContainers"] = init_specs
    return obj


def running(name="c0", ready=True, restarts=0, **extra) -> dict:
    return {"name": name, "ready": ready, "restartCount": restarts, "started": True,
            "state": {"running": {"startedAt": ago(minutes=9)}}, **extra}


def waiting(reason, name="c0", restarts=0) -> dict:
    return {"name": name, "ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}}


def terminated(name="c0", exit_code=0, reason=None, signal=None, restarts=0) -> dict:
    t = {"exitCode": exit_code, "finishedAt": ago(minutes=1)}
    if reason:
        t["reason"] = reason
    if signal:
        t["signal"] = signal
    return {"name": name, "ready": False, "restartCount": restarts, "state": {"terminated": t}}


def test_pod_running():
    p = pod(containers=2, phase="Running", podIP="10.42.0.7", podIPs=[{"ip": "10.42.0.7"}],
            conditions=[{"type": "Ready", "status": "True"}],
            containerStatuses=[running("c0"), running("c1")])
    p["spec"]["nodeName"] = "node-1"
    assert cells("", "pods", p, NOW) == ["p", "2/2", "Running", "0", "10m", "10.42.0.7", "node-1", "<none>",
                                         "<none>"]


def test_pod_minimal_and_pending():
    assert cells("", "pods", {"metadata": {"name": "x", "creationTimestamp": ago(seconds=45)}}, NOW) == [
        "x", "0/0", "", "0", "45s", "<none>", "<none>", "<none>", "<none>"]
    assert row("", "pods", pod())["Status"] == "Pending"


@pytest.mark.parametrize("reason", ["ContainerCreating", "CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
                                    "CreateContainerConfigError"])
def test_pod_waiting_reasons(reason):
    p = pod(containerStatuses=[waiting(reason)])
    assert row("", "pods", p)["Status"] == reason
    assert row("", "pods", p)["Ready"] == "0/1"


@pytest.mark.parametrize(("status", "text"), [
    (terminated(reason="Completed"), "Completed"),
    (terminated(exit_code=1, reason="Error"), "Error"),
    (terminated(exit_code=137, reason="OOMKilled"), "OOMKilled"),
    (terminated(exit_code=137, signal=9), "Signal:9"),
    (terminated(exit_code=3), "ExitCode:3"),
    (terminated(exit_code=0), "ExitCode:0"),
])
def test_pod_terminated_reasons(status, text):
    assert row("", "pods", pod(phase="Failed", containerStatuses=[status]))["Status"] == text


def test_pod_status_reason_and_scheduling_gate():
    assert row("", "pods", pod(phase="Failed", reason="Evicted"))["Status"] == "Evicted"
    gated = pod(conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}])
    assert row("", "pods", gated)["Status"] == "SchedulingGated"
    unschedulable = pod(conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}])
    assert row("", "pods", unschedulable)["Status"] == "Pending"


def test_pod_completed_with_running_container():
    statuses = [terminated("c0", reason="Completed"), running("c1")]
    ready = pod(containers=2, phase="Running", containerStatuses=statuses,
                conditions=[{"type": "Ready", "status": "True"}])
    assert row("", "pods", ready)["Status"] == "Running"
    assert row("", "pods", ready)["Ready"] == "1/2"
    not_ready = pod(containers=2, phase="Running", containerStatuses=statuses,
                    conditions=[{"type": "Ready", "status": "False"}])
    assert row("", "pods", not_ready)["Status"] == "NotReady"
    # 1.33 reads the statuses last to first, so the first container's reason wins
    both = pod(containers=2, phase="Failed",
               containerStatuses=[terminated("c0", reason="Completed"), terminated("c1", 1, "Error")])
    assert row("", "pods", both)["Status"] == "Completed"


def test_pod_terminating_and_unknown():
    p = pod(phase="Running", containerStatuses=[running()])
    p["metadata"]["deletionTimestamp"] = ago(seconds=5)
    assert row("", "pods", p)["Status"] == "Terminating"
    done = pod(phase="Succeeded", containerStatuses=[terminated(reason="Completed")])
    done["metadata"]["deletionTimestamp"] = ago(seconds=5)
    assert row("", "pods", done)["Status"] == "Completed"
    lost = pod(phase="Running", reason="NodeLost", containerStatuses=[running()])
    lost["metadata"]["deletionTimestamp"] = ago(seconds=5)
    assert row("", "pods", lost)["Status"] == "Unknown"


@pytest.mark.parametrize(("statuses", "text"), [
    ([waiting("PodInitializing", "init0"), waiting("PodInitializing", "init1")], "Init:0/2"),
    ([{"name": "init0", "state": {}}, waiting("PodInitializing", "init1")], "Init:0/2"),
    ([terminated("init0", reason="Completed"), running("init1", ready=False)], "Init:1/2"),
    ([terminated("init0", 1, "Error"), waiting("PodInitializing", "init1")], "Init:Error"),
    ([waiting("CrashLoopBackOff", "init0", restarts=3), waiting("PodInitializing", "init1")],
     "Init:CrashLoopBackOff"),
    ([terminated("init0", exit_code=2), waiting("PodInitializing", "init1")], "Init:ExitCode:2"),
    ([terminated("init0", exit_code=143, signal=15), waiting("PodInitializing", "init1")], "Init:Signal:15"),
])
def test_pod_init_states(statuses, text):
    p = pod(init=2, initContainerStatuses=statuses, containerStatuses=[waiting("PodInitializing")])
    assert row("", "pods", p)["Status"] == text


def test_pod_initializing():
    p = pod(init=1, initContainerStatuses=[terminated("init0", reason="Completed")],
            containerStatuses=[waiting("PodInitializing")],
            conditions=[{"type": "Initialized", "status": "True"}])
    assert row("", "pods", p)["Status"] == "PodInitializing"


def test_pod_init_restarts_count_until_initialized():
    p = pod(init=1, initContainerStatuses=[waiting("CrashLoopBackOff", "init0", restarts=4)],
            containerStatuses=[waiting("PodInitializing")])
    r = row("", "pods", p)
    assert (r["Status"], r["Restarts"]) == ("Init:CrashLoopBackOff", "4")


def test_pod_sidecars():
    # init0 is a sidecar (restartPolicy Always), init1 a regular init container
    sidecar = running("init0", restarts=2)
    sidecar["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ago(minutes=5)}}
    p = pod(init=2, sidecars=(0,), phase="Running",
            initContainerStatuses=[sidecar, terminated("init1", reason="Completed")],
            containerStatuses=[running("c0")],
            conditions=[{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}])
    r = row("", "pods", p)
    assert (r["Ready"], r["Status"], r["Restarts"]) == ("2/2", "Running", "2 (5m ago)")
    # while the regular init container runs, the started sidecar already counts as ready
    p["status"]["initContainerStatuses"][1] = running("init1", ready=False)
    p["status"]["conditions"] = []
    p["status"]["containerStatuses"] = [waiting("PodInitializing")]
    r = row("", "pods", p)
    assert (r["Ready"], r["Status"]) == ("1/2", "Init:1/2")
    # a sidecar that has not started yet holds initialization back
    p["status"]["initContainerStatuses"][0] = waiting("ContainerCreating", "init0")
    assert row("", "pods", p)["Status"] == "Init:ContainerCreating"


def test_pod_restarts_with_last_termination():
    c = running(restarts=3)
    c["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ago(minutes=5, seconds=30)}}
    p = pod(phase="Running", containerStatuses=[c, running("c1", restarts=1)], containers=2)
    assert row("", "pods", p)["Restarts"] == "4 (5m30s ago)"
    c.pop("lastState")
    assert row("", "pods", p)["Restarts"] == "4"


def test_pod_wide_cells():
    p = pod(phase="Running", podIPs=[{"ip": "fd00::5"}, {"ip": "10.42.0.5"}], nominatedNodeName="node-2",
            conditions=[{"type": "example.com/gate", "status": "True"}, {"type": "other", "status": "False"}])
    p["spec"]["readinessGates"] = [{"conditionType": "example.com/gate"}, {"conditionType": "other"},
                                   {"conditionType": "missing"}]
    r = row("", "pods", p)
    assert (r["IP"], r["Node"], r["Nominated Node"], r["Readiness Gates"]) == (
        "fd00::5", "<none>", "node-2", "1/3")
    p["status"]["podIP"] = "10.42.0.9"  # podIP wins when both are set
    assert row("", "pods", p)["IP"] == "10.42.0.9"


def test_pod_row_conditions():
    assert printers.row_conditions("", "pods", pod(phase="Succeeded"))[0]["reason"] == "Succeeded"
    assert printers.row_conditions("", "pods", pod(phase="Failed"))[0]["type"] == "Completed"
    assert printers.row_conditions("", "pods", pod(phase="Running")) is None
    assert printers.row_conditions("apps", "deployments", {}) is None


# ---------------------------------------------------------------------------
# services, endpoints, ingresses


def service(type_="ClusterIP", **spec) -> dict:
    return {"metadata": {"name": "svc", "creationTimestamp": ago(days=2, hours=3)},
            "spec": {"type": type_, "clusterIP": "10.43.0.10", "clusterIPs": ["10.43.0.10"], **spec}}


def test_service_columns():
    assert names("", "services") == [("Name", 0), ("Type", 0), ("Cluster-IP", 0), ("External-IP", 0),
                                     ("Port(s)", 0), ("Age", 0), ("Selector", 1)]


def test_service_cluster_ip():
    s = service(ports=[{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
                selector={"k8s-app": "kube-dns", "app": "dns"})
    assert cells("", "services", s, NOW) == ["svc", "ClusterIP", "10.43.0.10", "<none>", "53/UDP,53/TCP",
                                             "2d3h", "app=dns,k8s-app=kube-dns"]
    headless = service(clusterIP="None", clusterIPs=["None"])
    r = row("", "services", headless)
    assert (r["Cluster-IP"], r["Port(s)"], r["Selector"]) == ("None", "<none>", "<none>")
    assert row("", "services", service(externalIPs=["1.2.3.4", "5.6.7.8"]))["External-IP"] == "1.2.3.4,5.6.7.8"


def test_service_node_port_and_load_balancer():
    ports = [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 443, "nodePort": 30443}]
    assert row("", "services", service("NodePort", ports=ports))["Port(s)"] == "80:30080/TCP,443:30443/TCP"
    assert row("", "services", service("NodePort"))["External-IP"] == "<none>"
    lb = service("LoadBalancer", ports=ports)
    assert row("", "services", lb)["External-IP"] == "<pending>"
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "192.0.2.9"}, {"hostname": "a-long-hostname.example.com"},
                                                 {"ip": "192.0.2.1"}, {"ip": "192.0.2.9"}]}}
    # server-side tables are wide: nothing is clipped
    assert row("", "services", lb)["External-IP"] == "192.0.2.1,192.0.2.9,a-long-hostname.example.com"
    lb["spec"]["externalIPs"] = ["198.51.100.1"]
    assert row("", "services", lb)["External-IP"] == "192.0.2.1,192.0.2.9,a-long-hostname.example.com,198.51.100.1"
    lb["status"] = {}
    assert row("", "services", lb)["External-IP"] == "198.51.100.1"


def test_service_external_name():
    s = {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}
    r = row("", "services", s)
    assert (r["Type"], r["Cluster-IP"], r["External-IP"]) == ("ExternalName", "<none>", "db.example.com")


def test_endpoints():
    ep = {"metadata": {"name": "web"}, "subsets": [
        {"addresses": [{"ip": "10.42.0.1"}, {"ip": "10.42.0.2"}], "ports": [{"port": 80}, {"port": 443}]}]}
    assert row("", "endpoints", ep)["Endpoints"] == "10.42.0.1:80,10.42.0.2:80,10.42.0.1:443 + 1 more..."
    ep["subsets"] = [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 8080}]}, {"addresses": [{"ip": "10.0.0.1"}]}]
    assert row("", "endpoints", ep)["Endpoints"] == "[fd00::1]:8080,10.0.0.1"
    ep["subsets"] = [{"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]
    assert row("", "endpoints", ep)["Endpoints"] == ""
    ep["subsets"] = []
    assert row("", "endpoints", ep)["Endpoints"] == "<none>"


def test_endpoint_slices():
    s = {"metadata": {"name": "web-abc"}, "addressType": "IPv4",
         "ports": [{"port": 80, "name": "http"}, {"name": "named"}, {}, {"port": 9}],
         "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2", "10.0.0.3"]}]}
    r = row("discovery.k8s.io", "endpointslices", s)
    assert (r["AddressType"], r["Ports"], r["Endpoints"]) == ("IPv4", "80,named,* + 1 more...",
                                                              "10.0.0.1,10.0.0.2,10.0.0.3")
    s["endpoints"].append({"addresses": ["10.0.0.4"]})
    assert row("discovery.k8s.io", "endpointslices", s)["Endpoints"] == "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."


def test_ingress():
    ing = {"metadata": {"name": "web"}, "spec": {"ingressClassName": "nginx", "rules": [
        {"host": "a.example.com"}, {"http": {}}, {"host": "b.example.com"}]}}
    r = row("networking.k8s.io", "ingresses", ing)
    assert (r["Class"], r["Hosts"], r["Address"], r["Ports"]) == ("nginx", "a.example.com,b.example.com", "", "80")
    ing["spec"]["tls"] = [{"hosts": ["a.example.com"]}]
    ing["spec"]["rules"] = [{"host": f"h{i}"} for i in range(5)]
    ing["status"] = {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}
    r = row("networking.k8s.io", "ingresses", ing)
    assert (r["Hosts"], r["Address"], r["Ports"]) == ("h0,h1,h2 + 2 more...", "192.0.2.1", "80, 443")
    assert row("networking.k8s.io", "ingresses", {"metadata": {"name": "x"}})["Hosts"] == "*"
    assert row("networking.k8s.io", "ingresses", {"metadata": {"name": "x"}})["Class"] == "<none>"


def test_ingress_class_and_network_policy():
    ic = {"metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {
        "apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external"}}}
    assert row("networking.k8s.io", "ingressclasses", ic)["Parameters"] == "IngressParameters.k8s.example.com/external"
    np = {"metadata": {"name": "deny"}, "spec": {"podSelector": {}}}
    assert row("networking.k8s.io", "networkpolicies", np)["Pod-Selector"] == "<none>"
    np["spec"]["podSelector"] = {"matchLabels": {"role": "db"}, "matchExpressions": [
        {"key": "env", "operator": "In", "values": ["prod", "dev"]}, {"key": "zz", "operator": "DoesNotExist"}]}
    assert row("networking.k8s.io", "networkpolicies", np)["Pod-Selector"] == "env in (dev,prod),role=db,!zz"


# ---------------------------------------------------------------------------
# workloads


def template(*containers) -> dict:
    return {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": n, "image": i} for n, i in containers]}}


def test_deployment():
    assert names("apps", "deployments") == [("Name", 0), ("Ready", 0), ("Up-to-date", 0), ("Available", 0),
                                            ("Age", 0), ("Containers", 1), ("Images", 1), ("Selector", 1)]
    d = {"metadata": {"name": "web", "creationTimestamp": ago(hours=3, minutes=20)},
         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                  "template": template(("web", "nginx:1.27"), ("log", "busybox"))},
         "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    assert cells("apps", "deployments", d, NOW) == ["web", "2/3", 3, 2, "3h20m", "web,log", "nginx:1.27,busybox",
                                                    "app=web"]
    d["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Bogus"}]}
    assert row("apps", "deployments", d)["Selector"] == "<invalid>"


def test_replica_sets_and_controllers():
    rs = {"metadata": {"name": "web-1"}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                                                 "template": template(("web", "nginx"))},
          "status": {"replicas": 2, "readyReplicas": 1}}
    assert cells("apps", "replicasets", rs, NOW)[:4] == ["web-1", 2, 2, 1]
    assert row("apps", "replicasets", rs)["Selector"] == "app=web"
    rc = {"metadata": {"name": "rc"}, "spec": {"replicas": 0, "selector": {"app": "web"},
                                               "template": template(("web", "nginx"))}}
    assert cells("", "replicationcontrollers", rc, NOW)[1:4] == [0, 0, 0]
    assert row("", "replicationcontrollers", rc)["Selector"] == "app=web"


def test_stateful_and_daemon_sets():
    sts = {"metadata": {"name": "db"}, "spec": {"replicas": 3, "template": template(("db", "postgres"))},
           "status": {"readyReplicas": 1}}
    assert names("apps", "statefulsets") == [("Name", 0), ("Ready", 0), ("Age", 0), ("Containers", 1),
                                             ("Images", 1)]
    assert cells("apps", "statefulsets", sts, NOW)[1:2] == ["1/3"]
    ds = {"metadata": {"name": "proxy"}, "spec": {"selector": {"matchLabels": {"k": "v"}},
                                                  "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                                                        "containers": [{"name": "p", "image": "i"}]}}},
          "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                     "updatedNumberScheduled": 3, "numberAvailable": 2}}
    assert cells("apps", "daemonsets", ds, NOW)[:7] == ["proxy", 3, 3, 2, 3, 2, "kubernetes.io/os=linux"]


def test_controller_revision():
    cr = {"metadata": {"name": "web-5d8", "ownerReferences": [
        {"apiVersion": "v1", "kind": "Pod", "name": "other"},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": True}]}, "revision": 4}
    assert cells("apps", "controllerrevisions", cr, NOW)[:3] == ["web-5d8", "statefulset.apps/web", 4]


def test_jobs():
    assert names("batch", "jobs") == [("Name", 0), ("Status", 0), ("Completions", 0), ("Duration", 0), ("Age", 0),
                                      ("Containers", 1), ("Images", 1), ("Selector", 1)]
    job = {"metadata": {"name": "pi", "creationTimestamp": ago(minutes=10)},
           "spec": {"completions": 3, "parallelism": 1, "template": template(("pi", "perl"))},
           "status": {"startTime": ago(minutes=9), "succeeded": 1}}
    assert cells("batch", "jobs", job, NOW)[:5] == ["pi", "Running", "1/3", "9m", "10m"]
    job["status"].update(completionTime=ago(minutes=6, seconds=30), succeeded=3,
                         conditions=[{"type": "SuccessCriteriaMet", "status": "True"},
                                     {"type": "Complete", "status": "True"}])
    assert cells("batch", "jobs", job, NOW)[1:4] == ["Complete", "3/3", "2m30s"]
    job["status"]["conditions"] = [{"type": "FailureTarget", "status": "True"},
                                   {"type": "Failed", "status": "True"}]
    assert row("batch", "jobs", job)["Status"] == "Failed"
    job["status"]["conditions"] = [{"type": "FailureTarget", "status": "True"}]
    assert row("batch", "jobs", job)["Status"] == "FailureTarget"
    job["status"]["conditions"] = [{"type": "Suspended", "status": "True"}]
    assert row("batch", "jobs", job)["Status"] == "Suspended"
    job["metadata"]["deletionTimestamp"] = ago(seconds=1)
    assert row("batch", "jobs", job)["Status"] == "Terminating"
    # the success-policy condition alone reads as Running in 1.33
    job = {"metadata": {"name": "j"}, "spec": {"parallelism": 4},
           "status": {"conditions": [{"type": "SuccessCriteriaMet", "status": "True"}]}}
    assert cells("batch", "jobs", job, NOW)[1:4] == ["Running", "0/1 of 4", ""]
    job["spec"]["parallelism"] = 1
    assert row("batch", "jobs", job)["Completions"] == "0/1"


def test_cron_jobs():
    cj = {"metadata": {"name": "hello", "creationTimestamp": ago(days=3)},
          "spec": {"schedule": "*/5 * * * *", "suspend": False, "timeZone": "Etc/UTC",
                   "jobTemplate": {"spec": {"template": template(("hello", "busybox"))}}},
          "status": {"active": [{"name": "hello-1"}], "lastScheduleTime": ago(minutes=4)}}
    assert cells("batch", "cronjobs", cj, NOW) == ["hello", "*/5 * * * *", "Etc/UTC", "False", 1, "4m", "3d",
                                                   "hello", "busybox", "<none>"]
    cj = {"metadata": {"name": "x"}, "spec": {"schedule": "@daily"}}
    assert cells("batch", "cronjobs", cj, NOW)[2:6] == ["<none>", "<unset>", 0, "<none>"]


def test_hpa():
    hpa = {"metadata": {"name": "web"}, "spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 10,
        "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                        "averageUtilization": 50}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                           "averageValue": "100Mi"}}},
            {"type": "Pods", "pods": {"target": {"averageValue": "1k"}}}]},
        "status": {"currentReplicas": 2, "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12}}}]}}
    assert cells("autoscaling", "horizontalpodautoscalers", hpa, NOW)[:6] == [
        "web", "Deployment/web", "cpu: 12%/50%, memory: <unknown>/100Mi + 1 more...", "1", 10, 2]
    hpa["spec"]["metrics"] = [{"type": "External", "external": {"target": {"value": "5"}}},
                              {"type": "Object", "object": {"target": {"averageValue": "2"}}}]
    hpa["status"]["currentMetrics"] = [{"type": "External", "external": {"current": {"value": "3"}}}]
    assert row("autoscaling", "horizontalpodautoscalers", hpa)["Targets"] == "3/5, <unknown>/2 (avg)"
    v1 = {"metadata": {"name": "old"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "old"},
                                                "maxReplicas": 3, "targetCPUUtilizationPercentage": 70},
          "status": {"currentReplicas": 1, "currentCPUUtilizationPercentage": 30}}
    assert cells("autoscaling", "horizontalpodautoscalers", v1, NOW)[2:4] == ["cpu: 30%/70%", "<unset>"]


def test_pdb():
    pdb = {"metadata": {"name": "web"}, "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}}
    assert cells("policy", "poddisruptionbudgets", pdb, NOW)[:4] == ["web", "50%", "N/A", 1]
    pdb["spec"] = {"maxUnavailable": 1}
    assert cells("policy", "poddisruptionbudgets", pdb, NOW)[1:3] == ["N/A", "1"]


def test_pod_template():
    pt = {"metadata": {"name": "t"}, "template": template(("a", "img-a"), ("b", "img-b"))}
    assert cells("", "podtemplates", pt, NOW) == ["t", "a,b", "img-a,img-b", "app=web"]


# ---------------------------------------------------------------------------
# nodes, events and the other core kinds


def node(ready="True", **kw) -> dict:
    n = {"metadata": {"name": "node-1", "creationTimestamp": ago(days=10), "labels": {}},
         "spec": {},
         "status": {"conditions": [{"type": "MemoryPressure", "status": "False"},
                                   {"type": "Ready", "status": ready}],
                    "addresses": [{"type": "Hostname", "address": "node-1"},
                                  {"type": "InternalIP", "address": "192.168.1.10"}],
                    "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                                 "kernelVersion": "6.1.0-18-amd64", "containerRuntimeVersion": "containerd://1.7.24"}}}
    n.update(kw)
    return n


def test_node():
    assert names("", "nodes") == [("Name", 0), ("Status", 0), ("Roles", 0), ("Age", 0), ("Version", 0),
                                  ("Internal-IP", 1), ("External-IP", 1), ("OS-Image", 1), ("Kernel-Version", 1),
                                  ("Container-Runtime", 1)]
    assert cells("", "nodes", node(), NOW) == [
        "node-1", "Ready", "<none>", "10d", "v1.33.0", "192.168.1.10", "<none>", "Debian GNU/Linux 12 (bookworm)",
        "6.1.0-18-amd64", "containerd://1.7.24"]


def test_node_status_and_roles():
    assert row("", "nodes", node("False"))["Status"] == "NotReady"
    assert row("", "nodes", node("Unknown"))["Status"] == "NotReady"
    n = node()
    n["status"]["conditions"] = []
    assert row("", "nodes", n)["Status"] == "Unknown"
    n["spec"]["unschedulable"] = True
    assert row("", "nodes", n)["Status"] == "Unknown,SchedulingDisabled"
    assert row("", "nodes", node(spec={"unschedulable": True}))["Status"] == "Ready,SchedulingDisabled"
    n = node()
    n["metadata"]["labels"] = {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/etcd": "true",
                               "node-role.kubernetes.io/": "", "kubernetes.io/role": "master",
                               "kubernetes.io/hostname": "node-1"}
    assert row("", "nodes", n)["Roles"] == "control-plane,etcd,master"
    n["status"]["nodeInfo"] = {}
    r = row("", "nodes", n)
    assert (r["Version"], r["OS-Image"], r["Container-Runtime"]) == ("", "<unknown>", "<unknown>")


def test_event_columns():
    assert names("", "events") == [("Last Seen", 0), ("Type", 0), ("Reason", 0), ("Object", 0), ("Subobject", 1),
                                   ("Source", 1), ("Message", 0), ("First Seen", 1), ("Count", 1), ("Name", 1)]
    assert columns("events.k8s.io", "events") == columns("", "events")


def test_core_event():
    ev = {"metadata": {"name": "web.17a"}, "type": "Normal", "reason": "Pulled",
          "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{web}"},
          "source": {"component": "kubelet", "host": "node-1"}, "message": "  Image pulled \n",
          "firstTimestamp": ago(minutes=30), "lastTimestamp": ago(minutes=2), "count": 4}
    assert cells("", "events", ev, NOW) == ["2m", "Normal", "Pulled", "pod/web", "spec.containers{web}",
                                            "kubelet, node-1", "Image pulled", "30m", 4, "web.17a"]
    ev = {"metadata": {"name": "e"}, "involvedObject": {"kind": "Node"}, "eventTime": ago(seconds=50),
          "reportingController": "bosun-scheduler", "series": {"count": 7, "lastObservedTime": ago(seconds=10)}}
    r = row("", "events", ev)
    assert (r["Last Seen"], r["First Seen"], r["Object"], r["Source"], r["Count"]) == (
        "10s", "50s", "node", "bosun-scheduler", 7)


def test_events_k8s_io_event():
    ev = {"metadata": {"name": "web.17b"}, "type": "Warning", "reason": "BackOff", "note": "Back-off restarting",
          "regarding": {"kind": "Pod", "name": "web"}, "eventTime": "2025-03-01T11:57:59.876543Z",
          "reportingController": "kubelet", "reportingInstance": "node-1"}
    assert cells("events.k8s.io", "events", ev, NOW) == ["2m", "Warning", "BackOff", "pod/web", "",
                                                         "kubelet, node-1", "Back-off restarting", "2m", 1,
                                                         "web.17b"]


def test_secrets_config_maps_and_accounts():
    s = {"metadata": {"name": "tls", "creationTimestamp": ago(days=2, hours=3)}, "type": "kubernetes.io/tls",
         "data": {"tls.crt": "", "tls.key": ""}}
    assert names("", "secrets") == [("Name", 0), ("Type", 0), ("Data", 0), ("Age", 0)]
    assert cells("", "secrets", s, NOW) == ["tls", "kubernetes.io/tls", 2, "2d3h"]
    cm = {"metadata": {"name": "c"}, "data": {"a": "1"}, "binaryData": {"b": ""}}
    assert cells("", "configmaps", cm, NOW)[:2] == ["c", 2]
    sa = {"metadata": {"name": "default"}, "secrets": [{"name": "x"}]}
    assert cells("", "serviceaccounts", sa, NOW)[:2] == ["default", 1]


def test_namespaces_and_component_statuses():
    assert cells("", "namespaces", {"metadata": {"name": "kube-system"}, "status": {"phase": "Active"}},
                 NOW)[:2] == ["kube-system", "Active"]
    cs = {"metadata": {"name": "etcd-0"}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}
    assert cells("", "componentstatuses", cs, NOW) == ["etcd-0", "Healthy", "ok", ""]


def test_persistent_volumes():
    pv = {"metadata": {"name": "pv1", "creationTimestamp": ago(hours=1)},
          "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "local",
                   "claimRef": {"namespace": "default", "name": "data"}, "volumeMode": "Filesystem"},
          "status": {"phase": "Bound"}}
    assert cells("", "persistentvolumes", pv, NOW) == ["pv1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data",
                                                       "local", "<unset>", "", "60m", "Filesystem"]
    pv["metadata"]["deletionTimestamp"] = ago(seconds=3)
    pv["metadata"]["annotations"] = {"volume.beta.kubernetes.io/storage-class": "beta"}
    r = row("", "persistentvolumes", pv)
    assert (r["Status"], r["StorageClass"]) == ("Terminating", "beta")


def test_persistent_volume_claims():
    pvc = {"metadata": {"name": "data"}, "spec": {"storageClassName": "local", "volumeMode": "Block",
                                                  "resources": {"requests": {"storage": "1Gi"}}},
           "status": {"phase": "Pending"}}
    assert cells("", "persistentvolumeclaims", pvc, NOW)[:7] == ["data", "Pending", "", "", "", "local", "<unset>"]
    pvc["spec"]["volumeName"] = "pv1"
    pvc["status"] = {"phase": "Bound", "capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOncePod"]}
    assert cells("", "persistentvolumeclaims", pvc, NOW)[1:5] == ["Bound", "pv1", "2Gi", "RWOP"]
    assert row("", "persistentvolumeclaims", pvc)["VolumeMode"] == "Block"


def test_resource_quota():
    rq = {"metadata": {"name": "q"}, "status": {
        "hard": {"pods": "10", "limits.cpu": "2", "requests.memory": "1Gi", "limits.memory": "2Gi"},
        "used": {"pods": "3", "limits.cpu": "500m"}}}
    assert names("", "resourcequotas") == [("Name", 0), ("Request", 0), ("Limit", 0), ("Age", 0)]
    assert cells("", "resourcequotas", rq, NOW)[:3] == [
        "q", "pods: 3/10, requests.memory: 0/1Gi", "limits.cpu: 500m/2, limits.memory: 0/2Gi"]


# ---------------------------------------------------------------------------
# the other groups


def test_rbac_bindings():
    rb = {"metadata": {"name": "read"}, "roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": [
        {"kind": "User", "name": "alice"}, {"kind": "Group", "name": "devs"}, {"kind": "User", "name": "bob"},
        {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}]}
    assert cells("rbac.authorization.k8s.io", "rolebindings", rb, NOW) == [
        "read", "ClusterRole/view", "<unknown>", "alice, bob", "devs", "tools/ci"]
    assert [n for n, _ in names("rbac.authorization.k8s.io", "clusterrolebindings")] == [
        "Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]


def test_storage_kinds():
    sc = {"metadata": {"name": "local", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"}
    assert cells("storage.k8s.io", "storageclasses", sc, NOW)[:5] == [
        "local (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", False]
    drv = {"metadata": {"name": "csi.example.com"}, "spec": {"attachRequired": False, "tokenRequests": [
        {"audience": "a"}, {"audience": "b"}], "volumeLifecycleModes": ["Persistent", "Ephemeral"]}}
    assert cells("storage.k8s.io", "csidrivers", drv, NOW)[:7] == [
        "csi.example.com", False, False, False, "a,b", False, "Persistent,Ephemeral"]
    va = {"metadata": {"name": "csi-1"}, "spec": {"attacher": "csi.example.com", "nodeName": "n1",
                                                  "source": {"persistentVolumeName": "pv1"}},
          "status": {"attached": True}}
    assert cells("storage.k8s.io", "volumeattachments", va, NOW)[:5] == ["csi-1", "csi.example.com", "pv1", "n1", True]
    cap = {"metadata": {"name": "c"}, "storageClassName": "local", "capacity": "100Gi"}
    assert cells("storage.k8s.io", "csistoragecapacities", cap, NOW) == ["c", "local", "100Gi"]
    assert cells("storage.k8s.io", "csinodes", {"metadata": {"name": "n"}, "spec": {"drivers": [{}]}}, NOW)[1] == 1


def test_csr():
    csr = {"metadata": {"name": "csr-1"}, "spec": {"signerName": "kubernetes.io/kube-apiserver-client",
                                                   "username": "alice", "expirationSeconds": 86400}}
    assert cells("certificates.k8s.io", "certificatesigningrequests", csr, NOW)[2:] == [
        "kubernetes.io/kube-apiserver-client", "alice", "24h", "Pending"]
    csr["status"] = {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "LS0t"}
    assert row("certificates.k8s.io", "certificatesigningrequests", csr)["Condition"] == "Approved,Issued"
    csr["status"] = {"conditions": [{"type": "Approved"}, {"type": "Denied"}, {"type": "Failed"}]}
    assert row("certificates.k8s.io", "certificatesigningrequests", csr)["Condition"] == "Denied,Failed"


def test_admission_kinds():
    vap = {"metadata": {"name": "p"}, "spec": {"validations": [{}, {}],
                                               "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}}}
    assert cells("admissionregistration.k8s.io", "validatingadmissionpolicies", vap, NOW)[:3] == [
        "p", 2, "v1/ConfigMap"]
    binding = {"metadata": {"name": "b"}, "spec": {"policyName": "p", "paramRef": {"name": "cfg"}}}
    assert cells("admissionregistration.k8s.io", "validatingadmissionpolicybindings", binding, NOW)[:3] == [
        "b", "p", "*/cfg"]
    binding["spec"]["paramRef"]["namespace"] = "ns"
    assert row("admissionregistration.k8s.io", "validatingadmissionpolicybindings", binding)["ParamRef"] == "ns/cfg"
    wh = {"metadata": {"name": "w"}, "webhooks": [{}, {}, {}]}
    assert cells("admissionregistration.k8s.io", "mutatingwebhookconfigurations", wh, NOW)[:2] == ["w", 3]


def test_flow_control_kinds():
    fs = {"metadata": {"name": "exempt"}, "spec": {"priorityLevelConfiguration": {"name": "exempt"},
                                                   "matchingPrecedence": 1,
                                                   "distinguisherMethod": {"type": "ByUser"}},
          "status": {"conditions": [{"type": "Dangling", "status": "False"}]}}
    assert cells("flowcontrol.apiserver.k8s.io", "flowschemas", fs, NOW) == [
        "exempt", "exempt", 1, "ByUser", "<unknown>", "False"]
    plc = {"metadata": {"name": "workload-low"}, "spec": {"type": "Limited", "limited": {
        "nominalConcurrencyShares": 100, "limitResponse": {"type": "Queue", "queuing": {
            "queues": 128, "handSize": 6, "queueLengthLimit": 50}}}}}
    assert cells("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", plc, NOW)[:6] == [
        "workload-low", "Limited", 100, 128, 6, 50]
    exempt = {"metadata": {"name": "exempt"}, "spec": {"type": "Exempt"}}
    assert cells("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", exempt, NOW)[1:6] == [
        "Exempt", "<none>", "<none>", "<none>", "<none>"]


def test_api_services():
    local = {"metadata": {"name": "v1.apps"}, "spec": {"group": "apps", "version": "v1"},
             "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local"}]}}
    assert cells("apiregistration.k8s.io", "apiservices", local, NOW)[:3] == ["v1.apps", "Local", "True"]
    remote = {"metadata": {"name": "v1beta1.metrics.k8s.io"},
              "spec": {"service": {"namespace": "kube-system", "name": "metrics-server"}},
              "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints"}]}}
    assert cells("apiregistration.k8s.io", "apiservices", remote, NOW)[:3] == [
        "v1beta1.metrics.k8s.io", "kube-system/metrics-server", "False (MissingEndpoints)"]


def test_misc_small_kinds():
    lease = {"metadata": {"name": "kube-scheduler"}, "spec": {"holderIdentity": "node-1_abc"}}
    assert cells("coordination.k8s.io", "leases", lease, NOW)[:2] == ["kube-scheduler", "node-1_abc"]
    pc = {"metadata": {"name": "system-cluster-critical"}, "value": 2000000000, "globalDefault": False,
          "preemptionPolicy": "PreemptLowerPriority"}
    assert cells("scheduling.k8s.io", "priorityclasses", pc, NOW) == [
        "system-cluster-critical", 2000000000, False, "<unknown>", "PreemptLowerPriority"]
    rc = {"metadata": {"name": "runc"}, "handler": "runc"}
    assert cells("node.k8s.io", "runtimeclasses", rc, NOW)[:2] == ["runc", "runc"]
    cidr = {"metadata": {"name": "kubernetes"}, "spec": {"cidrs": ["10.43.0.0/16", "fd00:43::/108"]}}
    assert cells("networking.k8s.io", "servicecidrs", cidr, NOW)[:2] == ["kubernetes", "10.43.0.0/16,fd00:43::/108"]
    ip = {"metadata": {"name": "10.43.0.1"}, "spec": {"parentRef": {
        "group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}}
    assert cells("networking.k8s.io", "ipaddresses", ip, NOW) == ["10.43.0.1", "services/default/kubernetes"]


# ---------------------------------------------------------------------------
# speed


def test_pod_rows_are_cheap():
    base = pod(containers=2, init=1, phase="Running", podIP="10.42.0.5",
               conditions=[{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                           {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
               initContainerStatuses=[terminated("init0", reason="Completed")],
               containerStatuses=[running("c0", restarts=1), running("c1")])
    base["status"]["containerStatuses"][0]["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ago(hours=1)}}
    pods = [copy.deepcopy(base) for _ in range(10000)]
    for i, p in enumerate(pods):
        p["metadata"]["name"] = f"p-{i}"
        p["metadata"]["creationTimestamp"] = ago(seconds=i * 7)
    print_row = printers.printer_for("", "pods")
    start = time.perf_counter()
    rows = [print_row(p, NOW) for p in pods]
    elapsed = time.perf_counter() - start
    assert rows[0][:4] == ["p-0", "2/2", "Running", "1 (60m ago)"]
    # typically ~0.05 s; the bound only catches an accidental slow path
    assert elapsed < 1.0, elapsed


def test_quantities_print_canonical():
    pytest.importorskip("bosun.machinery.quantity")
    pv = {"metadata": {"name": "pv"}, "spec": {"capacity": {"storage": "1024Mi"}}}
    assert row("", "persistentvolumes", pv)["Capacity"] == "1Gi"
    rq = {"metadata": {"name": "q"}, "status": {"hard": {"cpu": "1000m"}, "used": {"cpu": "0.5"}}}
    assert row("", "resourcequotas", rq)["Request"] == "cpu: 500m/1"
