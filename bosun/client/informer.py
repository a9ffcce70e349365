"""Shared informers: one list-and-watch per resource, an indexed cache of it, and handlers fed from it.

As client-go's `SharedIndexInformer`: the reflector lists (in pages) and
watches from the list's resourceVersion, re-watching from the last one seen
when a watch ends (BOOKMARK events advance it) and relisting on 410 Gone,
delivering what changed in the gap as adds, updates and deletes. The store is
keyed `namespace/name` (`name` when cluster-scoped); indexes map an index
function's values to sets of keys and are kept current on every change, so
`by_index` is a dict lookup, never a scan. Each handler has its own queue and
task (upstream's processorListener): a slow or failing handler delays only
itself, sees events in order, and its exceptions are logged, not fatal.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import aclosing
from typing import Any

from bosun.client.rest import APIClient
from bosun.machinery.errors import StatusError

log = logging.getLogger("bosun.client.informer")

Obj = dict[str, Any]
IndexFunc = Callable[[Obj], Iterable[str]]
Handler = Callable[..., Any]  # a function or a coroutine function

BACKOFF_START = 0.2
BACKOFF_MAX = 10.0
WATCH_TIMEOUT = 300.0  # seconds; each watch asks for a random timeout in [t, 2t], as upstream's reflector
_YIELD_EVERY = 500  # notifications a listener delivers before it lets the loop run


def object_key(obj: Obj) -> str:
    """`namespace/name`, or `name` for a cluster-scoped object (upstream's MetaNamespaceKeyFunc)."""
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    return f"{ns}/{meta.get('name', '')}" if ns else meta.get("name", "")


# ---- index functions


def index_by_namespace(obj: Obj) -> list[str]:
    ns = (obj.get("metadata") or {}).get("namespace")
    return [ns] if ns else []


def index_by_label(key: str) -> IndexFunc:
    """An index function whose value is the object's `key` label (objects without it are not indexed)."""

    def by_label(obj: Obj) -> list[str]:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return [labels[key]] if key in labels else []

    by_label.__name__ = f"index_by_label({key!r})"
    return by_label


def index_by_labels(obj: Obj) -> list[str]:
    """Every label as `key=value`."""
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return [f"{k}={v}" for k, v in labels.items()]


def index_by_owner_uid(obj: Obj) -> list[str]:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return [r["uid"] for r in refs if isinstance(r, dict) and r.get("uid")]


def index_by_node(obj: Obj) -> list[str]:
    node = (obj.get("spec") or {}).get("nodeName")
    return [node] if node else []


# ---- handlers


class HandlerRegistration:
    """One handler's queue of notifications, delivered in order by its own task."""

    def __init__(self, owner: str, on_add: Handler | None, on_update: Handler | None,
                 on_delete: Handler | None) -> None:
        self._owner = owner
        self.on_add = on_add
        self.on_update = on_update
        self.on_delete = on_delete
        self._pending: deque[tuple[Handler, tuple[Obj, ...]]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._queued = 0
        self._delivered = 0
        self._initial: int | None = None  # notifications to deliver before this handler counts as synced
        self._synced = asyncio.Event()
        self._failures = 0

    @property
    def has_synced(self) -> bool:
        """The informer's initial list (or, for a late handler, the replay) has been delivered to it."""
        return self._synced.is_set()

    def add(self, obj: Obj) -> None:
        if self.on_add is not None:
            self._push(self.on_add, (obj,))

    def update(self, old: Obj, new: Obj) -> None:
        if self.on_update is not None:
            self._push(self.on_update, (old, new))

    def delete(self, obj: Obj) -> None:
        if self.on_delete is not None:
            self._push(self.on_delete, (obj,))

    def _push(self, fn: Handler, args: tuple[Obj, ...]) -> None:
        self._pending.append((fn, args))
        self._queued += 1
        self._wake.set()

    def _mark_initial(self) -> None:
        self._initial = self._queued
        if self._delivered >= self._initial:
            self._synced.set()

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"informer {self._owner} handler")

    async def _run(self) -> None:
        n = 0
        while True:
            while not self._pending:
                self._wake.clear()
                await self._wake.wait()
            fn, args = self._pending.popleft()
            try:
                res = fn(*args)
                if inspect.isawaitable(res):
                    await res
                if self._failures:
                    log.info("informer %s: handler %s recovered after %d failures", self._owner,
                             _name(fn), self._failures)
                    self._failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a handler's bug must not stop the informer
                self._failures += 1
                if self._failures == 1:
                    log.exception("informer %s: handler %s failed on %s", self._owner, _name(fn),
                                  object_key(args[-1]))
                else:
                    log.debug("informer %s: handler %s failed again on %s", self._owner, _name(fn),
                              object_key(args[-1]), exc_info=True)
            self._delivered += 1
            if self._initial is not None and self._delivered >= self._initial:
                self._synced.set()
            n += 1
            if n % _YIELD_EVERY == 0:
                await asyncio.sleep(0)


def _name(fn: Handler) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


# ---- the informer


class Informer:
    """A cached, indexed, watched view of one resource (in one namespace, through optional selectors)."""

    def __init__(self, api: APIClient, resource: Any, namespace: str = "", *, label_selector: str = "",
                 field_selector: str = "", resync_period: float = 0.0, page: int = 500,
                 watch_timeout: float = WATCH_TIMEOUT) -> None:
        self.api = api
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_period = resync_period
        self.page = page
        self.watch_timeout = watch_timeout
        self._params: dict[str, str] = {}
        if label_selector:
            self._params["labelSelector"] = label_selector
        if field_selector:
            self._params["fieldSelector"] = field_selector
        what = resource.plural + (f" in {namespace}" if namespace else "")
        sel = ",".join(s for s in (label_selector, field_selector) if s)
        self.name = what + (f" ({sel})" if sel else "")

        self._items: dict[str, Obj] = {}
        self._indexers: dict[str, IndexFunc] = {}
        self._indices: dict[str, dict[str, set[str]]] = {}
        self._handlers: list[HandlerRegistration] = []
        self._rv = ""
        self._synced = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._resync_task: asyncio.Task[None] | None = None
        self._stopped = False
        self._watch_scope: asyncio.Timeout | None = None
        self._gate: asyncio.Event | None = None

    # ---- life cycle

    @property
    def started(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        """Start listing and watching in the background (returns at once; see `wait_synced`)."""
        self._start()

    def _start(self) -> None:
        if self._task is not None or self._stopped:
            return
        self._task = asyncio.create_task(self._run(), name=f"informer {self.name}")
        if self.resync_period > 0:
            self._resync_task = asyncio.create_task(self._resync_loop(), name=f"informer {self.name} resync")
        for h in self._handlers:
            h._start()

    async def stop(self) -> None:
        """Cancel the watch, the resync timer and every handler's task, and wait for them to end."""
        self._stopped = True
        tasks = [t for t in (self._task, self._resync_task, *(h._task for h in self._handlers)) if t is not None]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def has_synced(self) -> bool:
        """The first list is in the store."""
        return self._synced.is_set()

    async def wait_synced(self, timeout: float | None = None) -> bool:
        """Wait until the first list is in the store and delivered to the handlers registered so far.

        Returns False if `timeout` passes first.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._synced.wait()
                for h in list(self._handlers):
                    await h._synced.wait()
        except TimeoutError:
            return False
        return True

    @property
    def resource_version(self) -> str:
        """The last resourceVersion seen (from the list, a watch event or a bookmark)."""
        return self._rv

    # ---- the store

    def get(self, key: str) -> Obj | None:
        return self._items.get(key)

    def get_by(self, namespace: str, name: str) -> Obj | None:
        return self._items.get(f"{namespace}/{name}" if namespace else name)

    def list(self) -> list[Obj]:
        return list(self._items.values())

    def keys(self) -> list[str]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    # ---- indexes

    def add_indexer(self, name: str, fn: IndexFunc) -> None:
        """Index the store by `fn(obj)`'s values; objects already cached are indexed now."""
        if name in self._indexers:
            raise ValueError(f"indexer {name!r} already exists")
        self._indexers[name] = fn
        index: dict[str, set[str]] = {}
        self._indices[name] = index
        for key, obj in self._items.items():
            for v in self._values(name, fn, obj):
                index.setdefault(v, set()).add(key)

    def by_index(self, name: str, value: str) -> list[Obj]:
        """The cached objects whose index `name` has `value` (KeyError for an unknown index)."""
        items = self._items
        return [items[k] for k in self._indices[name].get(value, ())]

    def index_keys(self, name: str, value: str) -> list[str]:
        return list(self._indices[name].get(value, ()))

    def index_values(self, name: str) -> list[str]:
        """Every value index `name` holds at least one object under."""
        return list(self._indices[name])

    def _values(self, name: str, fn: IndexFunc, obj: Obj | None) -> set[str]:
        if obj is None:
            return set()
        try:
            return set(fn(obj))
        except Exception:  # noqa: BLE001 - a bad object must not stop the informer
            log.exception("informer %s: index %s failed on %s", self.name, name, object_key(obj))
            return set()

    def _reindex(self, key: str, old: Obj | None, new: Obj | None) -> None:
        for name, fn in self._indexers.items():
            before = self._values(name, fn, old)
            after = self._values(name, fn, new)
            if before == after:
                continue
            index = self._indices[name]
            for v in before - after:
                keys = index.get(v)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del index[v]
            for v in after - before:
                index.setdefault(v, set()).add(key)

    def _put(self, key: str, obj: Obj) -> Obj | None:
        old = self._items.get(key)
        self._items[key] = obj
        if self._indexers:
            self._reindex(key, old, obj)
        return old

    def _remove(self, key: str) -> Obj | None:
        old = self._items.pop(key, None)
        if old is not None and self._indexers:
            self._reindex(key, old, None)
        return old

    # ---- handlers

    def add_handler(self, on_add: Handler | None = None, on_update: Handler | None = None,
                    on_delete: Handler | None = None) -> HandlerRegistration:
        """Register handlers: on_add(obj), on_update(old, new), on_delete(last known obj).

        A handler added after the first list gets the cached objects replayed as adds.
        """
        h = HandlerRegistration(self.name, on_add, on_update, on_delete)
        self._handlers.append(h)
        if self.has_synced:
            for obj in self._items.values():
                h.add(obj)
            h._mark_initial()
        if self._task is not None and not self._stopped:
            h._start()
        return h

    async def remove_handler(self, h: HandlerRegistration) -> None:
        if h in self._handlers:
            self._handlers.remove(h)
        if h._task is not None:
            h._task.cancel()
            await asyncio.gather(h._task, return_exceptions=True)

    def _notify_add(self, obj: Obj) -> None:
        for h in self._handlers:
            h.add(obj)

    def _notify_update(self, old: Obj, new: Obj) -> None:
        for h in self._handlers:
            h.update(old, new)

    def _notify_delete(self, obj: Obj) -> None:
        for h in self._handlers:
            h.delete(obj)

    # ---- the reflector

    def _restart_watch(self, until: asyncio.Event | None = None) -> None:
        """Testing hook: end the current watch; the next one (from the last resourceVersion) waits for `until`."""
        self._gate = until
        if self._watch_scope is not None:
            self._watch_scope.reschedule(asyncio.get_running_loop().time())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        relist = True
        failures = 0
        delay = BACKOFF_START
        while True:
            if self._gate is not None:
                gate, self._gate = self._gate, None
                await gate.wait()
            began = loop.time()
            listed = relist
            try:
                if relist:
                    await self._list()
                    relist = False
                    failures, delay = self._recovered(failures), BACKOFF_START
                events = await self._watch()
            except asyncio.CancelledError:
                raise
            except StatusError as e:
                if e.code == 410:
                    log.info("informer %s: watch from resourceVersion %s expired (%s); relisting",
                             self.name, self._rv, e.message)
                    relist = True
                    if listed:  # gone again right after a list: the server cannot serve us yet
                        failures, delay = await self._failed(failures, delay, e)
                    continue
                failures, delay = await self._failed(failures, delay, e)
                continue
            except Exception as e:  # noqa: BLE001 - ConnectionError and anything else: retry with backoff
                failures, delay = await self._failed(failures, delay, e)
                continue
            if events is None:
                continue  # ended by `_restart_watch`
            if events or loop.time() - began >= 1.0:
                failures, delay = self._recovered(failures), BACKOFF_START
            else:
                await asyncio.sleep(delay)  # a watch that ends at once, again and again, must not spin
                delay = min(delay * 2, BACKOFF_MAX)

    async def _failed(self, failures: int, delay: float, e: Exception) -> tuple[int, float]:
        what = f"{type(e).__name__}: {e}" if not isinstance(e, StatusError) else f"{e.code} {e.reason}: {e.message}"
        if failures == 0:
            log.warning("informer %s: %s; retrying with backoff", self.name, what)
        else:
            log.debug("informer %s: still failing (%d): %s", self.name, failures + 1, what)
        await asyncio.sleep(delay * random.uniform(0.9, 1.1))
        return failures + 1, min(delay * 2, BACKOFF_MAX)

    def _recovered(self, failures: int) -> int:
        if failures:
            log.info("informer %s: recovered after %d failures", self.name, failures)
        return 0

    async def _list(self) -> None:
        out = await self.api.list_all(self.resource, self.namespace, page=self.page, **self._params)
        items = out.get("items") or []
        kind = (out.get("kind") or "").removesuffix("List")
        api_version = out.get("apiVersion")
        fresh: dict[str, Obj] = {}
        for obj in items:
            if kind and "kind" not in obj:
                obj["kind"] = kind
                if api_version:
                    obj["apiVersion"] = api_version
            fresh[object_key(obj)] = obj
        first = not self.has_synced
        gone = [k for k in self._items if k not in fresh]
        for key in gone:
            old = self._remove(key)
            if old is not None:
                self._notify_delete(old)  # deleted in the gap: the last state we knew
        changed = 0
        for key, obj in fresh.items():
            old = self._items.get(key)
            if old is None:
                self._put(key, obj)
                self._notify_add(obj)
                changed += 1
            elif _rv(old) != _rv(obj):
                self._put(key, obj)
                self._notify_update(old, obj)
                changed += 1
        self._rv = (out.get("metadata") or {}).get("resourceVersion") or self._rv
        if first:
            self._synced.set()
            for h in self._handlers:
                if h._initial is None:
                    h._mark_initial()
            log.debug("informer %s: synced %d objects at resourceVersion %s", self.name, len(fresh), self._rv)
        else:
            log.info("informer %s: relisted %d objects at resourceVersion %s (%d changed, %d deleted)",
                     self.name, len(fresh), self._rv, changed, len(gone))

    async def _watch(self) -> int | None:
        """One watch until the server ends it: the number of events seen, or None if `_restart_watch` ended it."""
        timeout = max(1, round(self.watch_timeout * random.uniform(1.0, 2.0)))
        events = 0
        scope = asyncio.timeout(None)
        try:
            async with scope:
                self._watch_scope = scope
                stream = self.api.watch(self.resource, self.namespace, resource_version=self._rv,
                                        timeout_seconds=timeout, allow_bookmarks=True, **self._params)
                async with aclosing(stream):
                    async for kind, obj in stream:
                        events += 1
                        self._apply(kind, obj)
        except TimeoutError:
            if scope.expired():
                return None
            raise
        finally:
            self._watch_scope = None
        return events

    def _apply(self, kind: str, obj: Obj) -> None:
        rv = _rv(obj)
        if kind == "BOOKMARK":
            if rv:
                self._rv = rv
            return
        key = object_key(obj)
        if not key:
            log.debug("informer %s: %s event without a name ignored", self.name, kind)
            return
        if kind in ("ADDED", "MODIFIED"):
            old = self._put(key, obj)
            if old is None:
                self._notify_add(obj)
            else:
                self._notify_update(old, obj)
        elif kind == "DELETED":
            if self._remove(key) is not None:
                self._notify_delete(obj)  # the server's last state of it
        else:
            log.debug("informer %s: unknown event type %r ignored", self.name, kind)
        if rv:
            self._rv = rv

    async def _resync_loop(self) -> None:
        while True:
            await asyncio.sleep(self.resync_period)
            if not self.has_synced:
                continue
            objs = list(self._items.values())
            for h in self._handlers:
                for obj in objs:
                    h.update(obj, obj)


def _rv(obj: Obj) -> str:
    return (obj.get("metadata") or {}).get("resourceVersion") or ""


class SharedInformerFactory:
    """One informer per (resource, namespace, selectors), shared by every controller that asks for it."""

    def __init__(self, api: APIClient, *, resync_period: float = 0.0, page: int = 500) -> None:
        self.api = api
        self.resync_period = resync_period
        self.page = page
        self._informers: dict[tuple[str, str, str, str, str, str], Informer] = {}
        self._started = False

    def informer(self, resource: Any, namespace: str = "", *, label_selector: str = "",
                 field_selector: str = "", resync_period: float | None = None) -> Informer:
        """The shared informer; the first caller's resync period is the one it keeps.

        Informers asked for after `start()` start at once.
        """
        key = (resource.group, resource.version, resource.plural, namespace, label_selector, field_selector)
        inf = self._informers.get(key)
        if inf is None:
            inf = Informer(self.api, resource, namespace, label_selector=label_selector,
                           field_selector=field_selector, page=self.page,
                           resync_period=self.resync_period if resync_period is None else resync_period)
            self._informers[key] = inf
            if self._started:
                inf._start()
        return inf

    @property
    def informers(self) -> list[Informer]:
        return list(self._informers.values())

    async def start(self) -> None:
        self._started = True
        for inf in self._informers.values():
            await inf.start()

    async def wait_synced(self, timeout: float | None = None) -> bool:
        """Wait for every informer's first list; False if `timeout` passes first."""
        results = await asyncio.gather(*(inf.wait_synced(timeout) for inf in self._informers.values()))
        return all(results)

    async def stop(self) -> None:
        self._started = False
        await asyncio.gather(*(inf.stop() for inf in self._informers.values()))
