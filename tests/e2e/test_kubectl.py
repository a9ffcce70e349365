"""The real kubectl against a real bosun API server, on both backends, with kubectl 1.33 and 1.27."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Cluster

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  containers:
  - name: web
    image: nginx:1.25
    ports: [{containerPort: 80}]
"""

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: busybox:1.36
        command: [sleep, "3600"]
        env: [{name: MODE, value: one}]
"""


@pytest.fixture(scope="module", params=["1.33", "1.27"])
def kv(request: pytest.FixtureRequest) -> str:
    return request.param


class K:
    """kubectl bound to a cluster, a version and a namespace."""

    def __init__(self, cluster: Cluster, version: str, namespace: str) -> None:
        self.c, self.version, self.ns = cluster, version, namespace

    def __call__(self, *args: str, input: str | None = None, check: bool = True, ns: bool = True,
                 env: dict | None = None) -> subprocess.CompletedProcess:
        extra = ["-n", self.ns] if ns else []
        return self.c.kubectl(*extra, *args, version=self.version, input=input, check=check, env=env)

    def out(self, *args: str, **kw) -> str:
        return self(*args, **kw).stdout

    def json(self, *args: str, **kw) -> dict:
        return json.loads(self(*args, "-o", "json", **kw).stdout)


@pytest.fixture
def k(cluster: Cluster, kv: str, request: pytest.FixtureRequest) -> K:
    name = request.node.originalname.replace("test_", "").replace("_", "-")[:40]
    ns = f"{name}-{kv.replace('.', '')}"
    cluster.kubectl("create", "namespace", ns, version=kv)
    return K(cluster, kv, ns)


def test_version_and_discovery(k: K) -> None:
    v = json.loads(k.out("version", "-o", "json", ns=False))
    assert v["serverVersion"]["gitVersion"].startswith("v1.33")
    res = k.out("api-resources", ns=False)
    lines = {tuple(line.split()[:2]) for line in res.splitlines()}
    assert ("pods", "po") in lines
    assert ("deployments", "deploy") in lines
    assert any(line.split()[0] == "customresourcedefinitions" for line in res.splitlines())
    versions = k.out("api-versions", ns=False).split()
    for gv in ("v1", "apps/v1", "autoscaling/v2", "autoscaling/v1", "batch/v1", "rbac.authorization.k8s.io/v1",
               "networking.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1"):
        assert gv in versions
    namespaced = k.out("api-resources", "--namespaced=false", "-o", "name", ns=False).split()
    assert "nodes" in namespaced and "pods" not in namespaced


def test_explain(k: K) -> None:
    out = k.out("explain", "deployment.spec.replicas", ns=False)
    assert "replicas" in out and "integer" in out
    out = k.out("explain", "pods.spec.containers.livenessProbe", ns=False)
    assert "Probe" in out or "probe" in out


def test_create_get_output_formats(k: K, tmp_path: Path) -> None:
    f = tmp_path / "pod.yaml"
    f.write_text(POD)
    assert "pod/web created" in k.out("create", "-f", str(f))
    res = k("create", "-f", str(f), check=False)
    assert res.returncode != 0 and 'pods "web" already exists' in res.stderr
    table = k.out("get", "pods")
    assert table.split("\n")[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "web" in table and "0/1" in table and "Pending" in table
    wide = k.out("get", "pods", "-o", "wide")
    assert "NOMINATED NODE" in wide and "READINESS GATES" in wide
    pod = k.json("get", "pod", "web")
    assert pod["spec"]["restartPolicy"] == "Always"
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert pod["spec"]["dnsPolicy"] == "ClusterFirst"
    assert pod["spec"]["schedulerName"] == "default-scheduler"
    assert pod["spec"]["terminationGracePeriodSeconds"] == 30
    assert pod["status"]["phase"] == "Pending"
    assert pod["metadata"]["uid"] and pod["metadata"]["resourceVersion"]
    y = k.out("get", "pod", "web", "-o", "yaml")
    assert "kind: Pod" in y and "name: web" in y
    assert k.out("get", "pods", "-o", "name").strip() == "pod/web"
    assert k.out("get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}") == "nginx:1.25"
    cc = k.out("get", "pods", "-o", "custom-columns=N:.metadata.name,IMG:.spec.containers[*].image")
    assert cc.split() == ["N", "IMG", "web", "nginx:1.25"]
    assert "app=web,tier=front" in k.out("get", "pods", "--show-labels")
    k("run", "other", "--image=busybox", "--labels=app=other")
    assert k.out("get", "pods", "-l", "app=web", "-o", "name").split() == ["pod/web"]
    assert k.out("get", "pods", "-l", "app in (web,other)", "-o", "name").split() == ["pod/other", "pod/web"]
    assert k.out("get", "pods", "-l", "app!=web", "-o", "name").split() == ["pod/other"]
    assert k.out("get", "pods", "--field-selector", "metadata.name=other", "-o", "name").split() == ["pod/other"]
    assert k.out("get", "pods", "--field-selector", "status.phase=Pending", "-o", "name").split() == [
        "pod/other", "pod/web"]
    names = k.out("get", "pods", "--sort-by=.metadata.name", "-o", "name").split()
    assert names == ["pod/other", "pod/web"]
    everywhere = k.out("get", "pods", "-A", ns=False)
    assert everywhere.split("\n")[0].split()[0] == "NAMESPACE" and k.ns in everywhere
    empty = k("get", "deployments", check=True)
    assert f"No resources found in {k.ns} namespace." in empty.stderr


def test_generators(k: K, tmp_path: Path) -> None:
    (tmp_path / "app.properties").write_text("color=blue\n")
    k("create", "deployment", "web", "--image=nginx", "--replicas=3")
    d = k.json("get", "deploy", "web")
    assert d["spec"]["replicas"] == 3 and d["spec"]["selector"]["matchLabels"] == {"app": "web"}
    assert d["spec"]["strategy"]["type"] == "RollingUpdate"
    assert d["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": "25%"}
    assert d["spec"]["revisionHistoryLimit"] == 10 and d["spec"]["progressDeadlineSeconds"] == 600
    k("create", "configmap", "cfg", "--from-literal=a=1", f"--from-file={tmp_path / 'app.properties'}")
    cm = k.json("get", "cm", "cfg")
    assert cm["data"] == {"a": "1", "app.properties": "color=blue\n"}
    k("create", "secret", "generic", "pw", "--from-literal=password=s3cr3t-passw0rd")
    s = k.json("get", "secret", "pw")
    assert s["type"] == "Opaque" and s["data"]["password"] == "czNjcjN0LXBhc3N3MHJk"
    assert "Opaque" in k.out("get", "secret", "pw") and "1" in k.out("get", "secret", "pw")
    k("create", "service", "clusterip", "web", "--tcp=80:8080")
    svc = k.json("get", "svc", "web")
    assert svc["spec"]["clusterIP"].startswith("10.43.")
    assert svc["spec"]["ports"][0]["targetPort"] == 8080
    port = 30000 + int(k.version.split(".")[1])  # the cluster is shared by the kubectl versions
    k("create", "service", "nodeport", "np", "--tcp=80:8080", f"--node-port={port}")
    np = k.json("get", "svc", "np")
    assert np["spec"]["ports"][0]["nodePort"] == port
    assert f"80:{port}/TCP" in k.out("get", "svc", "np")
    dup = k("create", "service", "nodeport", "np2", "--tcp=80:8080", f"--node-port={port}", check=False)
    assert dup.returncode != 0 and "provided port is already allocated" in dup.stderr
    out_of_range = k("create", "service", "nodeport", "np3", "--tcp=80", "--node-port=80", check=False)
    assert "provided port is not in the valid range" in out_of_range.stderr
    k("create", "job", "once", "--image=busybox", "--", "echo", "hi")
    job = k.json("get", "job", "once")
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] == 6 and job["spec"]["completions"] == 1
    k("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--", "date")
    cj = k.json("get", "cronjob", "tick")
    assert cj["spec"]["concurrencyPolicy"] == "Allow" and cj["spec"]["suspend"] is False
    k("create", "serviceaccount", "robot")
    k("create", "role", "reader", "--verb=get,list", "--resource=pods")
    k("create", "rolebinding", "robot-reads", "--role=reader", f"--serviceaccount={k.ns}:robot")
    rb = k.json("get", "rolebinding", "robot-reads")
    assert rb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}
    yaml_out = k.out("create", "deployment", "dry", "--image=nginx", "--dry-run=server", "-o", "yaml")
    assert "name: dry" in yaml_out
    assert k("get", "deploy", "dry", check=False).returncode != 0
    tok = k.out("create", "token", "robot").strip()
    assert tok.count(".") == 2


def test_apply_diff_replace(k: K, tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DEPLOY)
    assert "deployment.apps/api created" in k.out("apply", "-f", str(f))
    assert "deployment.apps/api unchanged" in k.out("apply", "-f", str(f))
    changed = DEPLOY.replace("replicas: 2", "replicas: 4").replace("value: one", "value: two")
    f.write_text(changed)
    diff = k("diff", "-f", str(f), check=False)
    assert diff.returncode == 1, diff.stderr
    assert "-  replicas: 2" in diff.stdout and "+  replicas: 4" in diff.stdout
    assert "deployment.apps/api configured" in k.out("apply", "-f", str(f))
    d = k.json("get", "deploy", "api")
    assert d["spec"]["replicas"] == 4
    assert d["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "MODE", "value": "two"}]
    assert d["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in d["metadata"]["annotations"]
    assert k("diff", "-f", str(f), check=False).returncode == 0
    d["spec"]["replicas"] = 1
    f.write_text(json.dumps(d))
    assert "deployment.apps/api replaced" in k.out("replace", "-f", str(f))
    stale = k("replace", "-f", str(f), check=False)
    assert stale.returncode != 0 and "the object has been modified" in stale.stderr


def test_describe(k: K, tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    k("create", "-f", str(tmp_path / "pod.yaml"))
    out = k.out("describe", "pod", "web")
    assert "Name:" in out and "web" in out and "nginx:1.25" in out
    assert "BestEffort" in out
    k("create", "secret", "generic", "pw", "--from-literal=password=s3cr3t-passw0rd")
    out = k.out("describe", "secret", "pw")
    assert "password:  15 bytes" in out and "s3cr3t" not in out


def test_edit_label_annotate_patch(k: K, tmp_path: Path) -> None:
    k("create", "deployment", "web", "--image=nginx:1.24")
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\nsed -i 's/nginx:1.24/nginx:1.25/' \"$1\"\n")
    script.chmod(0o755)
    env = dict(k.c.env(), KUBE_EDITOR=str(script))
    assert "deployment.apps/web edited" in k.out("edit", "deploy", "web", env=env)
    assert k.out("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}") == "nginx:1.25"
    k("label", "deploy", "web", "team=blue")
    assert k.json("get", "deploy", "web")["metadata"]["labels"]["team"] == "blue"
    relabel = k("label", "deploy", "web", "team=red", check=False)
    assert relabel.returncode != 0 and "already has a value" in relabel.stderr
    k("label", "deploy", "web", "team=red", "--overwrite")
    k("label", "deploy", "web", "team-")
    assert "team" not in k.json("get", "deploy", "web")["metadata"]["labels"]
    k("annotate", "deploy", "web", "note=hello")
    assert k.json("get", "deploy", "web")["metadata"]["annotations"]["note"] == "hello"
    k("patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":2}}')
    k("patch", "deploy", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/minReadySeconds","value":5}]')
    k("patch", "deploy", "web", "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}')
    d = k.json("get", "deploy", "web")
    assert d["spec"]["replicas"] == 2 and d["spec"]["minReadySeconds"] == 5
    c = d["spec"]["template"]["spec"]["containers"]
    assert len(c) == 1 and c[0]["image"] == "nginx:1.25" and c[0]["env"] == [{"name": "A", "value": "1"}]
    bad = k("patch", "deploy", "web", "--type=json", "-p", '[{"op":"test","path":"/spec/replicas","value":9}]',
            check=False)
    assert bad.returncode != 0


def test_scale_set_image(k: K) -> None:
    k("create", "deployment", "web", "--image=nginx:1.24")
    assert "deployment.apps/web scaled" in k.out("scale", "deploy", "web", "--replicas=5")
    assert k.json("get", "deploy", "web")["spec"]["replicas"] == 5
    k("set", "image", "deploy/web", "nginx=nginx:1.26")
    d = k.json("get", "deploy", "web")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert d["metadata"]["generation"] == 3


def test_delete_variants(k: K) -> None:
    for i in range(3):
        k("create", "configmap", f"c{i}", f"--from-literal=i={i}")
        k("label", "cm", f"c{i}", f"group={'a' if i < 2 else 'b'}")
    assert "configmap \"c0\" deleted" in k.out("delete", "cm", "-l", "group=a") or \
        "deleted" in k.out("get", "cm", "-o", "name")
    left = k.out("get", "cm", "-o", "name").split()
    assert "configmap/c2" in left and "configmap/c0" not in left and "configmap/c1" not in left
    k("create", "configmap", "c3", "--from-literal=x=y")
    k("delete", "cm", "--all")
    assert k.out("get", "cm", "-o", "name", "-l", "group").strip() == ""
    k("run", "p", "--image=busybox")
    k("delete", "pod", "p", "--grace-period=0", "--force")
    assert k("get", "pod", "p", check=False).returncode != 0
    missing = k("delete", "cm", "nope", check=False)
    assert 'configmaps "nope" not found' in missing.stderr


def test_wait_and_watch(k: K) -> None:
    k("create", "configmap", "w", "--from-literal=a=1")
    proc = subprocess.Popen([*_kubectl_cmd(k), "-n", k.ns, "get", "cm", "-w", "-o", "name",
                             "--request-timeout=8s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=k.c.env())
    time.sleep(1.5)
    k("create", "configmap", "w2", "--from-literal=a=1")
    time.sleep(1.0)
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert "configmap/w" in out and "configmap/w2" in out
    k("create", "deployment", "d", "--image=nginx")
    res = k("wait", "--for=jsonpath={.spec.replicas}=1", "deploy/d", "--timeout=10s")
    assert "condition met" in res.stdout
    proc = subprocess.Popen([*_kubectl_cmd(k), "-n", k.ns, "wait", "--for=delete", "cm/w", "--timeout=20s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=k.c.env())
    time.sleep(1.0)
    k("delete", "cm", "w", "--wait=false")
    out, err = proc.communicate(timeout=25)
    assert proc.returncode == 0, err


def _kubectl_cmd(k: K) -> list[str]:
    from tests.e2e.conftest import kubectl_binary

    return [kubectl_binary(k.version)]


def test_auth(k: K) -> None:
    assert k.out("auth", "can-i", "create", "pods").strip() == "yes"
    who = k("auth", "whoami", check=False)
    if k.version >= "1.28":
        assert "admin" in who.stdout and "system:masters" in who.stdout


def test_bad_input(k: K, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n")
    assert k("apply", "-f", str(f), check=False).returncode != 0
    f.write_text("apiVersion: nope/v9\nkind: Widget\nmetadata: {name: x}\n")
    res = k("apply", "-f", str(f), check=False)
    assert res.returncode != 0 and "no matches for kind" in res.stderr
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n")
    res = k("create", "-f", str(f), check=False)
    assert res.returncode != 0 and "a lowercase RFC 1123 subdomain" in res.stderr
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: many}\n")
    res = k("create", "-f", str(f), "--validate=false", check=False)
    assert res.returncode != 0 and "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas " \
        "of type int32" in res.stderr
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndatta: {a: b}\n")
    res = k("create", "-f", str(f), check=False)
    assert res.returncode != 0 and 'unknown field "datta"' in res.stderr
    res = k("create", "-f", str(f), "--validate=warn")
    assert 'Warning: unknown field "datta"' in res.stderr and "configmap/typo created" in res.stdout
    big = "x" * (3 * 1024 * 1024 + 10)
    f.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{a: {big}}}\n")
    res = k("create", "-f", str(f), check=False)
    assert res.returncode != 0 and "Request entity too large: limit is 3145728" in res.stderr
    # malformed bodies sent as they are: the server answers with upstream's Status
    raw = f"/api/v1/namespaces/{k.ns}/configmaps"
    f.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": ')
    res = k("create", "--raw", raw, "-f", str(f), check=False, ns=False)
    assert "couldn't get version/kind; json parse error: unexpected end of JSON input" in res.stderr
    f.write_text('{"apiVersion": "v1", "kind": "Widget", "metadata": {"name": "w"}}')
    res = k("create", "--raw", raw, "-f", str(f), check=False, ns=False)
    assert res.returncode != 0 and 'no kind "Widget" is registered' in res.stderr
    res = k("get", "--raw", "/apis/apps/v9/deployments", check=False, ns=False)
    assert "the server could not find the requested resource" in res.stderr
    assert k.out("get", "ns", k.ns, "-o", "name", ns=False).strip() == f"namespace/{k.ns}"
