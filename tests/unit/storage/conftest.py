"""Storage fixtures: every backend behind one `store` fixture, and a real etcd for the etcd one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvloop

from bosun.storage.etcd import EtcdStore
from bosun.storage.interface import Store
from bosun.storage.sqlite import SQLiteStore


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], object]]:
    # The components run on uvloop, so the stores are tested on it.
    return {"uvloop": uvloop.new_event_loop}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EtcdServer:
    endpoint: str  # http://127.0.0.1:PORT
    data_dir: Path
    log: Path

    def etcdctl(self, *args: str) -> str:
        return subprocess.run(
            ["etcdctl", "--endpoints", self.endpoint, *args], check=True, capture_output=True, text=True,
            env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}, timeout=30,
        ).stdout


def start_etcd(base: Path) -> tuple[subprocess.Popen[bytes], EtcdServer]:
    """A single-member etcd on free loopback ports with its data under base."""
    etcd = shutil.which("etcd")
    if etcd is None:
        pytest.fail("etcd is not installed (Debian package etcd-server)")
    client, peer = free_port(), free_port()
    base.mkdir(parents=True, exist_ok=True)
    server = EtcdServer(f"http://127.0.0.1:{client}", base / "data", base / "etcd.log")
    with open(server.log, "wb") as log:
        proc = subprocess.Popen(
            [etcd, "--name", "test", "--data-dir", str(server.data_dir),
             "--listen-client-urls", server.endpoint, "--advertise-client-urls", server.endpoint,
             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-cluster", f"test=http://127.0.0.1:{peer}"],
            stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{server.endpoint}/health", timeout=1) as resp:
                if b'"health":"true"' in resp.read():
                    return proc, server
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"etcd did not start:\n{server.log.read_text()[-3000:]}")
        time.sleep(0.05)


def stop_etcd(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def etcd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    base = tmp_path_factory.mktemp("etcd")
    proc, server = start_etcd(base)
    try:
        yield server
    finally:
        stop_etcd(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "etcd"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    """Makes unstarted stores of the backend under test, all sharing one keyspace."""
    if request.param == "sqlite":
        path = tmp_path / "state.db"
        return lambda: SQLiteStore(path)
    server: EtcdServer = request.getfixturevalue("etcd_server")
    # One etcd serves the whole session: a prefix of its own keeps each test's keys apart.
    prefix = f"/test-{uuid.uuid4().hex[:12]}"
    return lambda: EtcdStore([server.endpoint], prefix=prefix)


@pytest.fixture
async def store(new_store: Callable[[], Store]) -> AsyncIterator[Store]:
    s = new_store()
    await s.start()
    try:
        yield s
    finally:
        await s.close()
