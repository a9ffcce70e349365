"""`bosun server` as a new user runs it: kubeconfig merged and selected, node token, then `bosun reset`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from tests.e2e.conftest import ROOT, free_port, kubectl_binary


def test_server_merges_kubeconfig_and_reset_cleans_up() -> None:
    root = Path(tempfile.mkdtemp(prefix="bosun-server-"))
    data = root / "data"
    home = root / "home"
    (home / ".kube").mkdir(parents=True)
    user_config = home / ".kube" / "config"
    # A user kubeconfig with another cluster in it: it must survive the merge.
    user_config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "other", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "other", "user": {"token": "x"}}],
        "contexts": [{"name": "other", "context": {"cluster": "other", "user": "other"}}]}))
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["HOME"] = str(home)
    port = free_port()
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "bosun.cli.main", "server", "--data-dir", str(data),
                             "--secure-port", str(port), "--bind-address", "127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    try:
        deadline = time.time() + 60
        res = None
        while time.time() < deadline:
            res = subprocess.run([kubectl_binary(None), "get", "namespaces", "-o", "name"], capture_output=True,
                                 text=True, env=env)
            if res.returncode == 0 and "namespace/default" in res.stdout:
                break
            time.sleep(0.25)
        assert res is not None and res.returncode == 0, (root / "server.log").read_text()
        assert set(res.stdout.split()) >= {"namespace/default", "namespace/kube-system", "namespace/kube-public",
                                           "namespace/kube-node-lease"}
        merged = yaml.safe_load(user_config.read_text())
        assert merged["current-context"] == "bosun"
        assert {c["name"] for c in merged["contexts"]} == {"other", "bosun"}
        assert (data / "admin.kubeconfig").exists()
        assert len((data / "node-token").read_text().strip()) >= 32
        # The kubernetes Service points at this API server.
        svc = subprocess.run([kubectl_binary(None), "get", "svc", "kubernetes", "-o",
                              "jsonpath={.spec.clusterIP} {.spec.ports[0].port}"], capture_output=True, text=True,
                             env=env)
        assert svc.stdout == "10.43.0.1 443"
        # Nothing listens unauthenticated: bosun server never opens the insecure port.
        res = subprocess.run([kubectl_binary(None), "--server", "http://127.0.0.1:8080", "get", "ns"],
                             capture_output=True, text=True, env=env)
        assert res.returncode != 0
        # Reap the server as soon as it exits, as init would for a server started from a shell.
        reaper = threading.Thread(target=proc.wait, daemon=True)
        reaper.start()
        reset = subprocess.run([sys.executable, "-m", "bosun.cli.main", "reset", "--data-dir", str(data)],
                               capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
        assert reset.returncode == 0, reset.stderr
        assert not data.exists()
        proc.wait(20)
        assert proc.returncode is not None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)
