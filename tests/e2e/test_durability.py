"""The API server SIGKILLed during a stream of writes: every acknowledged write survives, and a watcher
resuming from its last resourceVersion sees each event exactly once."""

from __future__ import annotations

import asyncio
import signal
import ssl
import time

import aiohttp
import orjson
import pytest

from tests.e2e.conftest import Cluster, destroy, make_cluster

TOKEN = "e2e-token"  # in the tokens.csv make_cluster writes
NS = "crash"


@pytest.fixture(params=["sqlite", "etcd"])
def fresh_cluster(request: pytest.FixtureRequest):
    etcd_url = request.getfixturevalue("etcd").url if request.param == "etcd" else ""
    c = make_cluster(request.param, etcd_url)
    yield c
    destroy(c, request)


def _session() -> aiohttp.ClientSession:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx, limit=64),
                                 headers={"Authorization": f"Bearer {TOKEN}"},
                                 timeout=aiohttp.ClientTimeout(total=30))


async def _watch(s: aiohttp.ClientSession, url: str, rv: str, events: list[tuple[str, str, int]],
                 stop: asyncio.Event) -> None:
    """Append (type, name, resourceVersion) of each event until the stream ends or `stop` is set."""
    path = f"{url}/api/v1/namespaces/{NS}/configmaps?watch=1&resourceVersion={rv}&allowWatchBookmarks=false"
    try:
        async with s.get(path, timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as r:
            assert r.status == 200, await r.text()
            buf = b""
            async for chunk in r.content.iter_any():
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    ev = orjson.loads(line)
                    meta = ev["object"]["metadata"]
                    assert ev["type"] != "ERROR", ev
                    events.append((ev["type"], meta["name"], int(meta["resourceVersion"])))
                if stop.is_set():
                    return
    except (TimeoutError, aiohttp.ClientError):
        return  # the server went away


async def _write_stream(c: Cluster, acked: dict[str, int], kill_after: float) -> list[tuple[str, str, int]]:
    events: list[tuple[str, str, int]] = []
    async with _session() as s:
        async with s.post(f"{c.url}/api/v1/namespaces", json={"metadata": {"name": NS}}) as r:
            assert r.status == 201, await r.text()
        async with s.get(f"{c.url}/api/v1/namespaces/{NS}/configmaps") as r:
            start_rv = (await r.json())["metadata"]["resourceVersion"]
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch(s, c.url, start_rv, events, stop))
        await asyncio.sleep(0.3)
        killed = asyncio.Event()

        async def writer(w: int) -> None:
            i = 0
            while not killed.is_set():
                name = f"cm-{w:02d}-{i:05d}"
                body = {"metadata": {"name": name}, "data": {"writer": str(w), "i": str(i)}}
                try:
                    async with s.post(f"{c.url}/api/v1/namespaces/{NS}/configmaps", json=body) as r:
                        if r.status == 201:
                            acked[name] = int((await r.json())["metadata"]["resourceVersion"])
                except (TimeoutError, aiohttp.ClientError):
                    return
                i += 1

        writers = [asyncio.create_task(writer(w)) for w in range(16)]
        await asyncio.sleep(kill_after)
        c.proc.send_signal(signal.SIGKILL)
        c.proc.wait()
        killed.set()
        await asyncio.gather(*writers)
        stop.set()
        await asyncio.wait_for(watcher, 10)
    return events


async def _resume(c: Cluster, from_rv: int, want: set[str], events: list[tuple[str, str, int]]) -> None:
    async with _session() as s:
        stop = asyncio.Event()
        task = asyncio.create_task(_watch(s, c.url, str(from_rv), events, stop))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not want <= {n for _, n, _ in events}:
            await asyncio.sleep(0.1)
        stop.set()
        # One more write wakes the watch stream so it notices `stop`.
        async with s.post(f"{c.url}/api/v1/namespaces/{NS}/configmaps", json={"metadata": {"name": "last"}}) as r:
            assert r.status == 201
        await asyncio.wait_for(task, 10)


async def _list_names(c: Cluster) -> dict[str, int]:
    async with _session() as s:
        async with s.get(f"{c.url}/api/v1/namespaces/{NS}/configmaps") as r:
            items = (await r.json())["items"]
    return {i["metadata"]["name"]: int(i["metadata"]["resourceVersion"]) for i in items}


def test_sigkill_loses_no_acknowledged_write_and_watch_resumes(fresh_cluster: Cluster) -> None:
    c = fresh_cluster
    acked: dict[str, int] = {}
    before = asyncio.run(_write_stream(c, acked, kill_after=2.0))
    assert len(acked) > 100, f"only {len(acked)} writes were acknowledged before the kill"
    c.restart()

    stored = asyncio.run(_list_names(c))
    lost = set(acked) - set(stored)
    assert not lost, f"{len(lost)} acknowledged writes lost, e.g. {sorted(lost)[:5]}"
    for name, rv in acked.items():
        assert stored[name] == rv, (name, rv, stored[name])

    # Resume from the last event the first watcher saw: the rest arrive, none twice.
    last_rv = max((rv for _, _, rv in before), default=0)
    assert last_rv, "the watcher saw no event before the kill"
    after: list[tuple[str, str, int]] = []
    asyncio.run(_resume(c, last_rv, set(stored) - {n for _, n, _ in before}, after))
    events = before + [e for e in after if e[1] != "last"]
    revs = [rv for _, _, rv in events]
    assert revs == sorted(revs) and len(set(revs)) == len(revs), "events repeated or out of order"
    seen = [n for t, n, _ in events if t == "ADDED"]
    assert len(seen) == len(set(seen)), "an ADDED event was delivered twice"
    assert set(seen) == set(stored), (f"missing events: {sorted(set(stored) - set(seen))[:5]}, "
                                      f"extra: {sorted(set(seen) - set(stored))[:5]}")
