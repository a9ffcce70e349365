"""The hand-built cluster of seed 004: `bosun apiserver --etcd-servers URL` and kubectl with no kubeconfig."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Etcd, free_port, kubectl_binary


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_insecure_port_without_kubeconfig(etcd: Etcd) -> None:
    if not _port_free(8080):
        pytest.fail("port 8080 is taken on this machine; the hand-built cluster needs it")
    subprocess.run(["etcdctl", "--endpoints", etcd.url, "del", "--prefix", "/registry/"], capture_output=True,
                   env={**os.environ, "ETCDCTL_API": "3"})
    root = Path(tempfile.mkdtemp(prefix="bosun-insecure-"))
    home = root / "home"
    home.mkdir()
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "bosun.cli.main", "apiserver", "--data-dir", str(root / "data"),
                             "--secure-port", str(free_port()), "--etcd-servers", etcd.url],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["HOME"] = str(home)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            res = subprocess.run([kubectl_binary(None), "get", "namespaces"], capture_output=True, text=True,
                                 env=env)
            if res.returncode == 0:
                break
            time.sleep(0.2)
        assert res.returncode == 0, res.stderr + (root / "server.log").read_text()
        assert "kube-system" in res.stdout and "default" in res.stdout
        res = subprocess.run([kubectl_binary(None), "create", "deployment", "web", "--image=nginx"],
                             capture_output=True, text=True, env=env)
        assert res.returncode == 0, res.stderr
        keys = subprocess.run(["etcdctl", "--endpoints", etcd.url, "get", "--prefix", "--keys-only",
                               "/registry/deployments/"], capture_output=True, text=True,
                              env={**os.environ, "ETCDCTL_API": "3"}).stdout.split()
        assert "/registry/deployments/default/web" in keys
        warning = (root / "server.log").read_text()
        assert "without authentication" in warning
        with socket.socket() as s:
            # Only loopback: the unauthenticated port is not reachable on other addresses.
            assert s.connect_ex(("127.0.0.1", 8080)) == 0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)
