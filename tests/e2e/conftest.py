"""End-to-end fixtures: a real bosun server in a subprocess, the real kubectl, the real etcd."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

KUBECTL_DIR = Path("/usr/lib/google-cloud-sdk/bin")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kubectl_binary(version: str | None) -> str:
    if version:
        path = KUBECTL_DIR / f"kubectl.{version}"
        if path.exists():
            return str(path)
        found = shutil.which(f"kubectl.{version}")
        if found:
            return found
        raise RuntimeError(f"kubectl {version} is not installed")
    return str(KUBECTL_DIR / "kubectl.1.33") if (KUBECTL_DIR / "kubectl.1.33").exists() else "kubectl"


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open in {timeout}s")


@dataclass
class Etcd:
    url: str
    proc: subprocess.Popen
    data_dir: Path


@pytest.fixture(scope="session")
def etcd() -> Iterator[Etcd]:
    binary = shutil.which("etcd")
    if binary is None:
        pytest.fail("etcd is not installed (make install installs Debian's etcd-server)")
    d = Path(tempfile.mkdtemp(prefix="bosun-etcd-"))
    client, peer = free_port(), free_port()
    url = f"http://127.0.0.1:{client}"
    log = open(d / "etcd.log", "wb")
    proc = subprocess.Popen(
        [binary, "--data-dir", str(d / "data"), "--listen-client-urls", url, "--advertise-client-urls", url,
         "--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls",
         f"http://127.0.0.1:{peer}", "--initial-cluster", f"default=http://127.0.0.1:{peer}"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_port(client, proc)
        yield Etcd(url, proc, d)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(d, ignore_errors=True)


@dataclass
class Cluster:
    """A running bosun API server and the means to talk to it."""

    data_dir: Path
    port: int
    proc: subprocess.Popen
    log_path: Path
    home: Path
    backend: str
    etcd_url: str = ""
    extra_args: list[str] = field(default_factory=list)

    @property
    def kubeconfig(self) -> Path:
        return self.data_dir / "admin.kubeconfig"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["KUBECONFIG"] = str(self.kubeconfig)
        env["HOME"] = str(self.home)
        env.pop("KUBECTL_EXTERNAL_DIFF", None)
        return env

    def kubectl(self, *args: str, version: str | None = None, input: str | None = None, check: bool = True,
                timeout: float = 60, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        cmd = [kubectl_binary(version), *args]
        res = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout,
                             env=env or self.env())
        if check and res.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({res.returncode}):\n"
                                 f"stdout: {res.stdout}\nstderr: {res.stderr}\n--- server log tail:\n"
                                 f"{self.log_tail()}")
        return res

    def kubectl_json(self, *args: str, **kw) -> dict:
        return json.loads(self.kubectl(*args, "-o", "json", **kw).stdout)

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.proc = start_process(self.data_dir, self.port, self.log_path, self.etcd_url, self.extra_args)
        wait_ready(self)


def start_process(data_dir: Path, port: int, log_path: Path, etcd_url: str = "",
                  extra: list[str] | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "bosun.cli.main", "apiserver", "--data-dir", str(data_dir),
           "--secure-port", str(port), "--bind-address", "127.0.0.1", "--insecure-port", "0",
           "--token-auth-file", str(data_dir.parent / "tokens.csv"), *(extra or [])]
    if etcd_url:
        cmd += ["--etcd-servers", etcd_url]
    log = open(log_path, "ab")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def wait_ready(c: Cluster, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if c.proc.poll() is not None:
            raise RuntimeError(f"bosun exited with {c.proc.returncode}:\n{c.log_tail()}")
        if c.kubeconfig.exists():
            res = subprocess.run([kubectl_binary(None), "get", "--raw", "/readyz"], capture_output=True,
                                 text=True, env=c.env(), timeout=10)
            if res.returncode == 0 and res.stdout.strip() == "ok":
                return
        time.sleep(0.1)
    raise RuntimeError(f"bosun did not become ready in {timeout}s:\n{c.log_tail()}")


def make_cluster(backend: str, etcd_url: str = "", extra: list[str] | None = None) -> Cluster:
    root = Path(tempfile.mkdtemp(prefix="bosun-e2e-"))
    data_dir = root / "data"
    home = root / "home"
    home.mkdir()
    (root / "tokens.csv").write_text('e2e-token,e2e-admin,1000,"system:masters"\nplain-token,jane,1001,"devs"\n')
    port = free_port()
    log_path = root / "server.log"
    prefix = ""
    if etcd_url:
        # Each cluster on the shared etcd gets its own key space through a fresh etcd: keep one per session,
        # but clean the /registry prefix first so clusters do not see each other's objects.
        subprocess.run(["etcdctl", "--endpoints", etcd_url, "del", "--prefix", "/registry/"],
                       capture_output=True, env={**os.environ, "ETCDCTL_API": "3"})
    proc = start_process(data_dir, port, log_path, etcd_url, extra)
    c = Cluster(data_dir, port, proc, log_path, home, backend, etcd_url, list(extra or []))
    del prefix
    try:
        wait_ready(c)
    except Exception:
        c.stop()
        raise
    return c


def destroy(c: Cluster, request: pytest.FixtureRequest | None = None) -> None:
    c.stop()
    failed = request is not None and getattr(request.node, "rep_call_failed", False)
    if failed:
        sys.stderr.write(f"\n--- bosun server log ({c.backend}):\n{c.log_tail(200)}\n")
    shutil.rmtree(c.data_dir.parent, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        item.rep_call_failed = True


@pytest.fixture(scope="module", params=["sqlite", "etcd"])
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """A bosun API server per test module, on each backend."""
    etcd_url = ""
    if request.param == "etcd":
        etcd_url = request.getfixturevalue("etcd").url
    c = make_cluster(request.param, etcd_url)
    yield c
    destroy(c, request)


@pytest.fixture(scope="module")
def sqlite_cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """A bosun API server on the embedded SQLite store only."""
    c = make_cluster("sqlite")
    yield c
    destroy(c, request)
