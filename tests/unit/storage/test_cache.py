"""The watch cache: present state, replay from a resourceVersion, and selection-aware events."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from bosun.storage.cache import TooOld, WatchCache
from bosun.storage.sqlite import SQLiteStore

PREFIX = "/registry/configmaps/"


def cm(name: str, labels: dict | None = None, data: str = "1") -> bytes:
    return orjson.dumps({"kind": "ConfigMap", "apiVersion": "v1",
                         "metadata": {"name": name, "namespace": "default", "labels": labels or {}},
                         "data": {"v": data}})


def drain(w) -> list[tuple[str, str, str]]:  # noqa: ANN001
    out = []
    while not w.queue.empty():
        item = w.queue.get_nowait()
        if item is None:
            break
        etype, entry = item
        out.append((etype, entry.obj["metadata"]["name"], entry.obj["metadata"]["resourceVersion"]))
    return out


@pytest.fixture
async def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "db")
    await s.start()
    yield s
    await s.close()


async def test_cache_follows_store_synchronously(store: SQLiteStore) -> None:
    await store.create(PREFIX + "default/a", cm("a"))
    cache = WatchCache(store, PREFIX)
    await cache.start()
    assert set(cache.objects) == {PREFIX + "default/a"}
    rev = await store.create(PREFIX + "default/b", cm("b"))
    # Fresh at once: the listener runs before the write is acknowledged.
    entry = cache.get(PREFIX + "default/b")
    assert entry is not None and entry.obj["metadata"]["resourceVersion"] == str(rev)
    assert orjson.loads(entry.raw) == entry.obj
    assert await cache.current() == rev
    await cache.stop()


async def test_watch_replay_and_selection(store: SQLiteStore) -> None:
    cache = WatchCache(store, PREFIX)
    await cache.start()
    r1 = await store.create(PREFIX + "default/a", cm("a", {"app": "x"}))
    r2 = await store.update(PREFIX + "default/a", cm("a", {"app": "y"}), r1)

    def match(obj: dict) -> bool:
        return (obj["metadata"].get("labels") or {}).get("app") == "x"

    w = cache.watch(PREFIX, match, r1 - 1)
    events = drain(w)
    # Added while it matched, then DELETED (with the old content at the new revision) when it left.
    assert events == [("ADDED", "a", str(r1)), ("DELETED", "a", str(r2))]
    w2 = cache.watch(PREFIX, None, None)
    assert drain(w2) == [("ADDED", "a", str(r2))]
    r3 = await store.update(PREFIX + "default/a", cm("a", {"app": "x"}), r2)
    assert drain(w) == [("ADDED", "a", str(r3))]
    assert drain(w2) == [("MODIFIED", "a", str(r3))]
    r4, _ = await store.delete(PREFIX + "default/a")
    assert drain(w) == [("DELETED", "a", str(r4))]
    cache.unwatch(w)
    cache.unwatch(w2)
    await cache.stop()


async def test_too_old(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import bosun.storage.cache as mod

    monkeypatch.setattr(mod, "EVENT_CAPACITY", 3)
    cache = WatchCache(store, PREFIX)
    await cache.start()
    revs = [await store.create(PREFIX + f"default/c{i}", cm(f"c{i}")) for i in range(6)]
    with pytest.raises(TooOld):
        cache.watch(PREFIX, None, revs[0])
    w = cache.watch(PREFIX, None, revs[3])
    assert [e[1] for e in drain(w)] == ["c4", "c5"]
    await asyncio.sleep(0)
    await cache.stop()
