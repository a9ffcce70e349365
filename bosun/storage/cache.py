"""The watch cache: one resource's objects and recent events in memory, fanned out to watchers.

Each cached object keeps its wire dict (with `metadata.resourceVersion` set)
and its JSON bytes, serialized once per change, so lists and watch events are
byte concatenation. Backends that can call listeners synchronously at commit
(SQLite) keep the cache exactly as fresh as the store, so consistent reads are
served from it; otherwise (etcd) it follows the store's watch and consistent
reads go to the store.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from bosun.storage.interface import CompactedError, Event, KeyValue, Store

log = logging.getLogger("bosun.storage.cache")

Obj = dict[str, Any]
EVENT_CAPACITY = 20000
WATCHER_QUEUE = 20000


@dataclass(slots=True)
class Entry:
    obj: Obj
    raw: bytes
    rev: int


@dataclass(slots=True)
class CacheEvent:
    type: str  # ADDED / MODIFIED / DELETED
    key: str
    entry: Entry  # the object as of this event (for DELETED: last state, rev = delete revision)
    prev: Entry | None
    rev: int


def decode_value(value: bytes, rev: int) -> Obj:
    obj = orjson.loads(value)
    meta = obj.get("metadata")
    if meta is None:
        meta = obj["metadata"] = {}
    meta["resourceVersion"] = str(rev)
    return obj


def make_entry(value: bytes, rev: int) -> Entry:
    obj = decode_value(value, rev)
    return Entry(obj, orjson.dumps(obj), rev)


class Watcher:
    """One client's watch: a filter and a queue of (type, entry) pairs."""

    __slots__ = ("prefix", "match", "queue", "closed", "namespace_prefix", "overflowed")

    def __init__(self, prefix: str, match: Callable[[Obj], bool] | None) -> None:
        self.prefix = prefix
        self.match = match
        self.queue: asyncio.Queue[tuple[str, Entry] | None] = asyncio.Queue()
        self.closed = False
        self.overflowed = False

    def offer(self, ev: CacheEvent) -> None:
        if self.closed or not ev.key.startswith(self.prefix):
            return
        match = self.match
        if match is None:
            self._put((ev.type, ev.entry))
            return
        cur = ev.type != "DELETED" and match(ev.entry.obj)
        old = ev.prev is not None and match(ev.prev.obj)
        if ev.type == "DELETED":
            if match(ev.entry.obj):
                self._put(("DELETED", ev.entry))
        elif cur and old:
            self._put(("MODIFIED", ev.entry))
        elif cur:
            self._put(("ADDED", ev.entry))
        elif old:
            assert ev.prev is not None
            # Left the selection: the previous content, at this event's revision (as upstream).
            gone = dict(ev.prev.obj)
            gone["metadata"] = dict(gone["metadata"], resourceVersion=str(ev.rev))
            self._put(("DELETED", Entry(gone, orjson.dumps(gone), ev.rev)))

    def _put(self, item: tuple[str, Entry]) -> None:
        if self.queue.qsize() >= WATCHER_QUEUE:
            # A client that cannot keep up is dropped (it will re-list), as upstream does.
            self.overflowed = True
            self.close()
            return
        self.queue.put_nowait(item)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.queue.put_nowait(None)


class TooOld(Exception):
    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__(f"too old resource version: {requested} ({oldest})")
        self.requested = requested
        self.oldest = oldest


class WatchCache:
    """Objects under one storage prefix (one resource), kept current from the store."""

    def __init__(self, store: Store, prefix: str, on_event: Callable[[CacheEvent], None] | None = None) -> None:
        self.store = store
        self.prefix = prefix
        self.objects: dict[str, Entry] = {}
        self._sorted: list[str] | None = None
        self.events: deque[CacheEvent] = deque(maxlen=EVENT_CAPACITY)
        self.rev = 0  # revision up to which this cache is complete
        self.start_rev = 0  # watches may resume from any revision >= this
        self.watchers: set[Watcher] = set()
        self.synchronous = hasattr(store, "listen")
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unlisten: Callable[[], None] | None = None
        self._progress = asyncio.Condition()
        self.on_event = on_event

    # ---- start and follow

    async def start(self) -> None:
        if self.synchronous:
            buffered: list[Event] = []
            self._unlisten = self.store.listen(self.prefix, buffered.extend)  # type: ignore[attr-defined]
            await self._load()
            self._unlisten()
            for e in buffered:
                if e.revision > self.rev:
                    self._apply(e)
            self._unlisten = self.store.listen(self.prefix, self._apply_batch)  # type: ignore[attr-defined]
            self.ready.set()
        else:
            await self._load()
            self.ready.set()
            self._task = asyncio.create_task(self._follow(), name=f"watch-cache {self.prefix}")

    async def _load(self) -> None:
        objects: dict[str, Entry] = {}
        start_key = ""
        revision = 0
        while True:
            res = await self.store.list(self.prefix, start_key=start_key, limit=10000, revision=revision)
            revision = res.revision
            for kv in res.items:
                objects[kv.key] = make_entry(kv.value, kv.mod_revision)
            if not res.more:
                break
            start_key = res.items[-1].key + "\x00"
        self.objects = objects
        self._sorted = None
        self.rev = revision
        self.start_rev = revision

    async def _follow(self) -> None:
        delay = 0.2
        while True:
            try:
                async for batch in self.store.watch(self.prefix, self.rev + 1):
                    self._apply_batch(batch)
                    delay = 0.2
            except asyncio.CancelledError:
                raise
            except CompactedError:
                log.warning("watch cache %s: revision %d compacted; relisting", self.prefix, self.rev + 1)
                await self._relist()
            except Exception as e:  # noqa: BLE001 - the backend is retried with backoff
                log.warning("watch cache %s: watch failed: %s; retrying in %.1fs", self.prefix, e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _relist(self) -> None:
        old = self.objects
        await self._load()
        # Tell watchers the truth: they must relist too.
        for w in list(self.watchers):
            w.close()
        self.events.clear()
        del old

    async def stop(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        for w in list(self.watchers):
            w.close()

    def _apply_batch(self, batch: list[Event]) -> None:
        for e in batch:
            self._apply(e)

    def _apply(self, e: Event) -> None:
        if e.revision <= self.rev:
            return
        prev = self.objects.get(e.key)
        if e.type == "DELETE":
            if prev is None:
                if e.prev_value is None:
                    self.rev = e.revision
                    return
                prev = make_entry(e.prev_value, e.create_revision)
            else:
                del self.objects[e.key]
                self._sorted = None
            last = dict(prev.obj)
            last["metadata"] = dict(last["metadata"], resourceVersion=str(e.revision))
            ce = CacheEvent("DELETED", e.key, Entry(last, orjson.dumps(last), e.revision), prev, e.revision)
        else:
            assert e.value is not None
            entry = make_entry(e.value, e.revision)
            if prev is None:
                self._sorted = None
            self.objects[e.key] = entry
            ce = CacheEvent("ADDED" if prev is None else "MODIFIED", e.key, entry, prev, e.revision)
        self.rev = e.revision
        if len(self.events) == self.events.maxlen:
            self.start_rev = self.events[0].rev
        self.events.append(ce)
        for w in self.watchers:
            w.offer(ce)
        if self.on_event is not None:
            self.on_event(ce)

    # ---- reads

    def sorted_keys(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.objects)
        return self._sorted

    def keys_under(self, prefix: str, start_key: str = "") -> list[str]:
        keys = self.sorted_keys()
        lo = bisect.bisect_left(keys, max(prefix, start_key) if start_key else prefix)
        hi = bisect.bisect_left(keys, prefix[:-1] + chr(ord(prefix[-1]) + 1))
        return keys[lo:hi]

    def get(self, key: str) -> Entry | None:
        return self.objects.get(key)

    async def current(self) -> int:
        """The revision a consistent read from this cache reflects."""
        if self.synchronous:
            return max(self.rev, await self.store.current_revision())
        return self.rev

    # ---- watch

    def watch(self, prefix: str, match: Callable[[Obj], bool] | None, from_rev: int | None) -> Watcher:
        """Register a watcher. from_rev None: synthetic ADDED of the present state first."""
        w = Watcher(prefix, match)
        if from_rev is None:
            for key in self.keys_under(prefix):
                entry = self.objects[key]
                if match is None or match(entry.obj):
                    w.queue.put_nowait(("ADDED", entry))
        else:
            if from_rev < self.start_rev:
                raise TooOld(from_rev, self.start_rev + 1)
            if from_rev < self.rev:
                # Replay from the ring; events are in revision order.
                idx = bisect.bisect_right(self.events, from_rev, key=_event_rev)
                for i in range(idx, len(self.events)):
                    w.offer(self.events[i])
        self.watchers.add(w)
        return w

    async def backfill(self, from_rev: int) -> None:
        """Extend the event ring back to `from_rev` from the store's history.

        A fresh cache (after a restart or a relist) starts at its load revision; a
        client resuming from an older revision is served from the store's history
        while the store still has it, so it loses nothing. Raises TooOld otherwise.
        """
        start = self.start_rev
        if from_rev >= start:
            return
        room = EVENT_CAPACITY - len(self.events)
        try:
            history = await self.store.history(self.prefix, from_rev + 1, start)
        except CompactedError:
            raise TooOld(from_rev, start + 1) from None
        if self.start_rev != start:
            return  # relisted meanwhile: watch() judges the request against the new window
        if len(history) > room:
            raise TooOld(from_rev, start + 1)
        state: dict[str, Entry | None] = {}
        events = []
        for e in history:
            prev = state.get(e.key)
            if prev is None and e.prev_value is not None:
                prev = make_entry(e.prev_value, 0)
            if e.type == "DELETE":
                if prev is None:
                    continue
                last = dict(prev.obj)
                last["metadata"] = dict(last["metadata"], resourceVersion=str(e.revision))
                events.append(CacheEvent("DELETED", e.key, Entry(last, orjson.dumps(last), e.revision), prev,
                                         e.revision))
                state[e.key] = None
            else:
                assert e.value is not None
                entry = make_entry(e.value, e.revision)
                events.append(CacheEvent("ADDED" if e.is_create or prev is None else "MODIFIED", e.key, entry,
                                         prev, e.revision))
                state[e.key] = entry
        self.events = deque(events + list(self.events), maxlen=EVENT_CAPACITY)
        self.start_rev = from_rev

    def unwatch(self, w: Watcher) -> None:
        self.watchers.discard(w)
        w.closed = True


def _event_rev(ev: CacheEvent) -> int:
    return ev.rev


def entry_from_kv(kv: KeyValue) -> Entry:
    return make_entry(kv.value, kv.mod_revision)
