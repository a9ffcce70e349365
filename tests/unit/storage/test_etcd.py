"""What only the etcd backend has: keys as upstream lays them out, several endpoints, dropped streams."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import pytest

from bosun.storage.etcd import EtcdStore
from bosun.storage.interface import Event, KeyExistsError, Store, UnavailableError

from .conftest import EtcdServer, free_port


async def test_keys_are_stored_as_given(etcd_server: EtcdServer) -> None:
    ns = f"bosun-{uuid.uuid4().hex[:8]}"
    key = f"/registry/pods/{ns}/web-1"
    store = EtcdStore([etcd_server.endpoint])
    await store.start()
    try:
        rev = await store.create(key, b'{"kind":"Pod"}')
        out = await asyncio.to_thread(etcd_server.etcdctl, "get", "--prefix", f"/registry/pods/{ns}/")
        assert out.splitlines() == [key, '{"kind":"Pod"}']
        out = await asyncio.to_thread(etcd_server.etcdctl, "get", key, "-w", "fields")
        assert f'"ModRevision" : {rev}' in out
        await store.delete(key)
    finally:
        await store.close()


async def test_the_next_endpoint_answers_when_one_is_down(etcd_server: EtcdServer) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    store = EtcdStore([dead, etcd_server.endpoint], prefix=f"/test-{uuid.uuid4().hex[:12]}")
    await store.start()
    try:
        rev = await store.create("/registry/pods/a/b", b"x")  # a write goes on: it never left
        assert (await store.get("/registry/pods/a/b")).mod_revision == rev
        async with aclosing(store.watch("/registry/", rev)) as it, asyncio.timeout(10):
            assert [e.revision for e in await anext(it)] == [rev]
    finally:
        await store.close()


async def test_unavailable_when_no_endpoint_answers() -> None:
    store = EtcdStore([f"http://127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"], request_timeout=3)
    await store.start()
    try:
        started = time.monotonic()
        with pytest.raises(UnavailableError):
            await store.get("/registry/pods/a/b")
        with pytest.raises(UnavailableError):
            await store.create("/registry/pods/a/b", b"x")
        assert time.monotonic() - started < 3  # refused connections fail fast
    finally:
        await store.close()


class CuttableProxy:
    """A TCP proxy to one endpoint whose connections the test can cut and refuse."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition("//")[2].partition(":")
        self.target = (host, int(port))
        self.refusing = False
        self._conns: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()

    def cut(self) -> None:
        for w in list(self._conns):
            w.transport.abort()
        self._conns.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._conns |= {writer, up_writer}

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                w.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def wait_for(events: list[Event], n: int) -> None:
    async with asyncio.timeout(15):
        while len(events) < n:
            await asyncio.sleep(0.01)


async def test_watch_resumes_after_a_dropped_stream(etcd_server: EtcdServer) -> None:
    prefix = f"/test-{uuid.uuid4().hex[:12]}"
    proxy = CuttableProxy(etcd_server.endpoint)
    await proxy.start()
    direct = EtcdStore([etcd_server.endpoint], prefix=prefix)
    proxied = EtcdStore([proxy.endpoint], prefix=prefix)
    await direct.start()
    await proxied.start()
    received: list[Event] = []

    async def consume(start: int) -> None:
        async for batch in proxied.watch("/registry/pods/", start):
            received.extend(batch)

    try:
        start = await direct.current_revision() + 1
        task = asyncio.create_task(consume(start))
        revs = [await direct.create(f"/registry/pods/ns/p{i:02d}", b"x") for i in range(5)]
        await wait_for(received, 5)

        proxy.refusing = True
        proxy.cut()
        with pytest.raises(UnavailableError):
            await proxied.get("/registry/pods/ns/p00")
        revs += [await direct.create(f"/registry/pods/ns/p{i:02d}", b"x") for i in range(5, 10)]
        await asyncio.sleep(0.5)
        proxy.refusing = False
        revs += [await direct.create(f"/registry/pods/ns/p{i:02d}", b"x") for i in range(10, 15)]
        await wait_for(received, 15)

        proxy.cut()  # a cut with nothing missed in between
        revs += [await direct.create(f"/registry/pods/ns/p{i:02d}", b"x") for i in range(15, 20)]
        await wait_for(received, 20)
        await asyncio.sleep(0.3)
        task.cancel()
        assert [(e.key, e.revision) for e in received] == [
            (f"/registry/pods/ns/p{i:02d}", rev) for i, rev in enumerate(revs)]
    finally:
        await proxied.close()
        await direct.close()
        await proxy.close()


# ---- a three-member cluster losing a member


@pytest.fixture
def etcd_cluster(tmp_path: Path) -> Iterator[tuple[list[str], list[subprocess.Popen[bytes]]]]:
    names = ["m0", "m1", "m2"]
    client = [free_port() for _ in names]
    peer = [free_port() for _ in names]
    initial = ",".join(f"{n}=http://127.0.0.1:{p}" for n, p in zip(names, peer, strict=True))
    endpoints = [f"http://127.0.0.1:{c}" for c in client]
    procs = []
    for name, c, p in zip(names, client, peer, strict=True):
        with open(tmp_path / f"{name}.log", "wb") as log:
            procs.append(subprocess.Popen(
                ["etcd", "--name", name, "--data-dir", str(tmp_path / name),
                 "--listen-client-urls", f"http://127.0.0.1:{c}", "--advertise-client-urls", f"http://127.0.0.1:{c}",
                 "--listen-peer-urls", f"http://127.0.0.1:{p}", "--initial-advertise-peer-urls",
                 f"http://127.0.0.1:{p}", "--initial-cluster", initial, "--initial-cluster-token", tmp_path.name,
                 "--heartbeat-interval", "50", "--election-timeout", "500"],
                stdout=log, stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 30
        for endpoint in endpoints:
            while True:
                try:
                    with urllib.request.urlopen(f"{endpoint}/health", timeout=1) as resp:
                        if b'"health":"true"' in resp.read():
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    logs = "\n".join((tmp_path / f"{n}.log").read_text()[-2000:] for n in names)
                    pytest.fail(f"etcd cluster did not start:\n{logs}")
                time.sleep(0.05)
        yield endpoints, procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        shutil.rmtree(tmp_path, ignore_errors=True)


async def create_retrying(store: Store, key: str, value: bytes) -> int:
    """A create as the API server does it through an election: retry while unavailable."""
    retried = False
    async with asyncio.timeout(20):
        while True:
            try:
                return await store.create(key, value)
            except UnavailableError:
                retried = True
                await asyncio.sleep(0.1)
            except KeyExistsError:
                kv = await store.get(key)
                if not retried or kv is None or kv.value != value:
                    raise
                return kv.create_revision  # the attempt that looked lost had been applied


async def test_a_cluster_losing_the_member_in_use(etcd_cluster: tuple[list[str], list[subprocess.Popen[bytes]]]) -> None:
    endpoints, procs = etcd_cluster
    store = EtcdStore(endpoints, request_timeout=5)
    await store.start()
    received: list[Event] = []

    async def consume(start: int) -> None:
        async for batch in store.watch("/registry/", start):
            received.extend(batch)

    try:
        start = await store.current_revision() + 1
        task = asyncio.create_task(consume(start))
        revs = [await store.create(f"/registry/pods/ns/p{i:02d}", b"x") for i in range(5)]
        await wait_for(received, 5)

        procs[0].send_signal(signal.SIGKILL)  # the first endpoint, which the store is using
        procs[0].wait()
        for i in range(5, 15):
            revs.append(await create_retrying(store, f"/registry/pods/ns/p{i:02d}", b"x"))
        await wait_for(received, 15)
        await asyncio.sleep(0.3)
        task.cancel()
        assert [(e.key, e.revision) for e in received] == [
            (f"/registry/pods/ns/p{i:02d}", rev) for i, rev in enumerate(revs)]
        assert await store.count("/registry/pods/") == 15
    finally:
        await store.close()
