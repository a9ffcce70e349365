"""`bosun controller-manager` against a real API server: service accounts, namespace deletion, leader election."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Cluster, free_port

FAST_LEASE = ["--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline", "2s",
              "--leader-elect-retry-period", "500ms"]


class Manager:
    def __init__(self, cluster: Cluster, *extra: str) -> None:
        self.port = free_port()
        self.log_path = cluster.data_dir.parent / f"controller-manager-{self.port}.log"
        cmd = [sys.executable, "-m", "bosun.cli.main", "controller-manager", "--kubeconfig", str(cluster.kubeconfig),
               "--data-dir", str(cluster.data_dir.parent / f"cm-{self.port}"), "--secure-port", str(self.port),
               "--bind-address", "127.0.0.1", *extra]
        self.proc = subprocess.Popen(cmd, stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT, cwd=ROOT,
                                     env={**os.environ, "HOME": str(cluster.home)})

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def managers(sqlite_cluster: Cluster) -> Iterator[Callable[..., Manager]]:
    started: list[Manager] = []

    def start(*extra: str) -> Manager:
        m = Manager(sqlite_cluster, *extra)
        started.append(m)
        return m

    yield start
    for m in started:
        m.stop()


def eventually(check: Callable[[], bool], timeout: float = 30, what: str = "", log: Callable[[], str] = str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{log()}")


def test_no_kubeconfig_nor_master(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
    res = subprocess.run([sys.executable, "-m", "bosun.cli.main", "controller-manager", "--data-dir", str(tmp_path),
                          "--secure-port", "0"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert res.returncode == 1
    assert "Neither --kubeconfig nor --master was specified." in res.stderr
    assert res.stderr.strip().endswith("invalid configuration: no configuration has been provided")


def test_service_accounts_namespace_deletion_and_health(sqlite_cluster: Cluster,
                                                        managers: Callable[..., Manager]) -> None:
    c = sqlite_cluster
    m = managers("--leader-elect=false")
    c.kubectl("create", "namespace", "team-a")
    eventually(lambda: c.kubectl("get", "sa", "default", "-n", "team-a", check=False).returncode == 0,
               what="the default ServiceAccount in team-a", log=m.log)
    c.kubectl("delete", "sa", "default", "-n", "team-a")
    eventually(lambda: c.kubectl("get", "sa", "default", "-n", "team-a", check=False).returncode == 0,
               what="the default ServiceAccount put back", log=m.log)
    c.kubectl("create", "configmap", "cfg", "-n", "team-a", "--from-literal=a=1")
    c.kubectl("create", "deployment", "web", "-n", "team-a", "--image=nginx")
    res = c.kubectl("delete", "namespace", "team-a", "--wait=false")
    assert 'namespace "team-a" deleted' in res.stdout
    eventually(lambda: "NotFound" in c.kubectl("get", "ns", "team-a", check=False).stderr, timeout=30,
               what="namespace team-a gone", log=m.log)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(f"https://127.0.0.1:{m.port}/healthz", context=ctx, timeout=10) as resp:
        assert resp.read() == b"ok"


def test_one_leader_and_handover(sqlite_cluster: Cluster, managers: Callable[..., Manager]) -> None:
    c = sqlite_cluster
    first = managers(*FAST_LEASE)

    def holder() -> str:
        res = c.kubectl("get", "lease", "kube-controller-manager", "-n", "kube-system", "-o", "json", check=False)
        return json.loads(res.stdout)["spec"].get("holderIdentity", "") if res.returncode == 0 else ""

    eventually(lambda: bool(holder()), what="a leader", log=first.log)
    leader = holder()
    second = managers(*FAST_LEASE)
    time.sleep(2)
    assert holder() == leader  # the second waits
    assert "started controllers" in first.log() and "started controllers" not in second.log()
    first.stop(signal.SIGKILL)  # no release: the lease has to expire
    t0 = time.time()
    eventually(lambda: holder() not in ("", leader), timeout=15, what="the second taking over", log=second.log)
    assert time.time() - t0 < 10
    eventually(lambda: "started controllers" in second.log(), what="the second's controllers", log=second.log)
    c.kubectl("create", "namespace", "after-handover")
    eventually(lambda: c.kubectl("get", "sa", "default", "-n", "after-handover", check=False).returncode == 0,
               what="the new leader acting", log=second.log)
