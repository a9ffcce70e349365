"""The event recorder controllers and the kubelet report with: core/v1 Events, as client-go's `tools/record`.

`EventRecorder.event` never blocks and never raises: it builds the Event and
queues it; one background task correlates and writes the queue in order.
Correlation is upstream's EventCorrelator: an exact repeat within the window
bumps `count` and `lastTimestamp` of the Event already written (a strategic
merge PATCH); the 10th distinct message for one object and reason within
10 minutes turns into one "(combined from similar events): ..." Event that
later ones bump; and each source may burst 25 events about one object, then
one per 5 minutes. Writes the server rejects are dropped (a missing or
terminating namespace quietly); writes that cannot reach it are retried a
few times, then dropped.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bosun.client.rest import APIClient, ResourceRef
from bosun.machinery.errors import StatusError

log = logging.getLogger("bosun.client.events")
Obj = dict[str, Any]

EVENTS = ResourceRef("", "v1", "events")
NORMAL = "Normal"
WARNING = "Warning"

LRU_ENTRIES = 4096
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL = 600.0
SPAM_BURST = 25
SPAM_QPS = 1.0 / 300.0
COMBINED_PREFIX = "(combined from similar events): "

_REF_FIELDS = ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")


def rfc3339(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def object_reference(obj: Obj) -> Obj:
    """The `involvedObject` for a wire-form object, or a copy of `obj` if it is an ObjectReference already."""
    if "metadata" not in obj:
        return {k: obj[k] for k in _REF_FIELDS if obj.get(k)}
    meta = obj.get("metadata") or {}
    ref = {"kind": obj.get("kind"), "namespace": meta.get("namespace"), "name": meta.get("name"),
           "uid": meta.get("uid"), "apiVersion": obj.get("apiVersion"),
           "resourceVersion": meta.get("resourceVersion")}
    return {k: v for k, v in ref.items() if v}


class _LRU:
    """A bounded map that forgets the least recently used key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._d: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        value = self._d.get(key)
        if value is not None:
            self._d.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._d[key] = value
        self._d.move_to_end(key)
        while len(self._d) > self.size:
            self._d.popitem(last=False)

    def __len__(self) -> int:
        return len(self._d)


def _ref_key(ev: Obj) -> tuple[str, ...]:
    src, io = ev.get("source") or {}, ev.get("involvedObject") or {}
    return (src.get("component", ""), src.get("host", ""), io.get("kind", ""), io.get("namespace", ""),
            io.get("name", ""), io.get("uid", ""), io.get("apiVersion", ""))


def event_key(ev: Obj) -> tuple[str, ...]:
    """What makes two Events the same occurrence (upstream getEventKey)."""
    return _ref_key(ev) + ((ev.get("involvedObject") or {}).get("fieldPath", ""), ev.get("type", ""),
                           ev.get("reason", ""), ev.get("message", ""))


def aggregate_key(ev: Obj) -> tuple[str, ...]:
    """What makes two Events similar: all of the key but the message (upstream EventAggregatorByReasonFunc)."""
    return ("aggregate",) + _ref_key(ev) + (ev.get("type", ""), ev.get("reason", ""),
                                            ev.get("reportingComponent", ""), ev.get("reportingInstance", ""))


@dataclass
class _Aggregate:
    messages: set[str] = field(default_factory=set)
    last: float = 0.0


@dataclass
class _Observation:
    name: str
    count: int
    first_timestamp: str
    resource_version: str
    last: float


@dataclass
class Correlation:
    """What to write for one Event: create it, or (with `patch`) bump the Event already written."""

    event: Obj
    key: tuple[str, ...]
    patch: Obj | None = None


class EventCorrelator:
    """Upstream's EventCorrelator: spam filter, aggregation of similar events, counting of repeats."""

    def __init__(self, clock: Callable[[], float] = time.time, *, lru_entries: int = LRU_ENTRIES,
                 max_events: int = AGGREGATE_MAX_EVENTS, interval: float = AGGREGATE_INTERVAL,
                 repeat_window: float = AGGREGATE_INTERVAL, spam_burst: int = SPAM_BURST,
                 spam_qps: float = SPAM_QPS) -> None:
        self.clock = clock
        self.max_events = max_events
        self.interval = interval
        self.repeat_window = repeat_window
        self.spam_burst = spam_burst
        self.spam_qps = spam_qps
        self._aggregates = _LRU(lru_entries)
        self._observed = _LRU(lru_entries)
        self._spam = _LRU(lru_entries)
        self._last_name_ns = 0

    def unique_suffix(self, now: float) -> str:
        """Upstream's `%x` of the UnixNano time, kept strictly increasing so two events never share a name."""
        ns = max(int(now * 1e9), self._last_name_ns + 1)
        self._last_name_ns = ns
        return f"{ns:x}"

    def correlate(self, ev: Obj) -> Correlation | None:
        """The write for `ev`, or None when the spam filter drops it."""
        ev, key = self._aggregate(ev)
        corr = self._observe(ev, key)
        if self._filtered(corr.event):
            return None
        return corr

    def update_state(self, key: tuple[str, ...], written: Obj) -> None:
        """Remember the Event as the server stored it, so the next repeat patches it."""
        meta = written.get("metadata") or {}
        self._observed.put(key, _Observation(meta.get("name", ""), int(written.get("count") or 1),
                                             written.get("firstTimestamp") or "",
                                             meta.get("resourceVersion") or "", self.clock()))

    def _aggregate(self, ev: Obj) -> tuple[Obj, tuple[str, ...]]:
        now = self.clock()
        akey = aggregate_key(ev)
        record = self._aggregates.get(akey)
        if record is None or now - record.last > self.interval:
            record = _Aggregate()
        record.messages.add(ev.get("message", ""))
        record.last = now
        self._aggregates.put(akey, record)
        if len(record.messages) < self.max_events:
            return ev, event_key(ev)
        record.messages.pop()  # do not grow the set past the threshold
        ts = rfc3339(now)
        name = (ev.get("involvedObject") or {}).get("name", "")
        combined = {**ev, "metadata": {"name": f"{name}.{self.unique_suffix(now)}",
                                       "namespace": ev["metadata"]["namespace"]},
                    "message": COMBINED_PREFIX + ev.get("message", ""), "count": 1,
                    "firstTimestamp": ts, "lastTimestamp": ts}
        return combined, akey

    def _observe(self, ev: Obj, key: tuple[str, ...]) -> Correlation:
        now = self.clock()
        last = self._observed.get(key)
        if last is None or now - last.last > self.repeat_window:
            self._observed.put(key, _Observation(ev["metadata"]["name"], int(ev.get("count") or 1),
                                                 ev.get("firstTimestamp", ""), "", now))
            return Correlation(ev, key)
        count = last.count + 1
        ev = {**ev, "metadata": {**ev["metadata"], "name": last.name}, "count": count,
              "firstTimestamp": last.first_timestamp or ev.get("firstTimestamp", "")}
        if last.resource_version:
            ev["metadata"]["resourceVersion"] = last.resource_version
        self._observed.put(key, _Observation(last.name, count, ev["firstTimestamp"], last.resource_version, now))
        # What upstream's two-way strategic merge patch comes to: the fields a repeat changes.
        patch = {"count": count, "lastTimestamp": ev.get("lastTimestamp"), "message": ev.get("message", "")}
        return Correlation(ev, key, patch)

    def _filtered(self, ev: Obj) -> bool:
        now = self.clock()
        skey = _ref_key(ev)
        bucket = self._spam.get(skey)
        tokens, last = bucket if bucket is not None else (float(self.spam_burst), now)
        tokens = min(float(self.spam_burst), tokens + (now - last) * self.spam_qps)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._spam.put(skey, (tokens, now))
        return not allowed


class EventRecorder:
    """Writes core/v1 Events about objects for one component, in the background."""

    def __init__(self, api: APIClient, component: str, host: str = "", *, queue_size: int = 1000,
                 max_tries: int = 12, retry_sleep: float = 10.0, clock: Callable[[], float] = time.time,
                 correlator: EventCorrelator | None = None) -> None:
        self.api = api
        self.component = component
        self.host = host
        self.max_tries = max_tries
        self.retry_sleep = retry_sleep
        self.clock = clock
        self.correlator = correlator if correlator is not None else EventCorrelator(clock)
        self._queue: asyncio.Queue[Obj] = asyncio.Queue(maxsize=queue_size)
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._failing = False    # a streak of failed writes is warned about once
        self._overflowing = False

    # ---- the caller's side

    def event(self, obj: Obj, type_: str, reason: str, message: str) -> None:
        """Record that `reason`/`message` happened to `obj` (a wire-form object or an ObjectReference)."""
        if self._stopped:
            return
        if type_ not in (NORMAL, WARNING):
            log.error("%s: unsupported event type %r (reason %s)", self.component, type_, reason)
            return
        try:
            ev = self.make_event(obj, type_, reason, message)
        except Exception as e:  # a malformed object must not break the caller
            log.error("%s: cannot make event %s for %r: %s", self.component, reason, obj, e)
            return
        io = ev["involvedObject"]
        log.debug('Event(%s %s/%s): type: %s reason: %s %s', io.get("kind", ""), io.get("namespace", ""),
                  io.get("name", ""), type_, reason, message)
        try:
            self._queue.put_nowait(ev)
            self._overflowing = False
        except asyncio.QueueFull:
            if not self._overflowing:
                log.warning("%s: event queue full, dropping events (first: %s %s)", self.component,
                            io.get("name", ""), reason)
            self._overflowing = True

    def make_event(self, obj: Obj, type_: str, reason: str, message: str) -> Obj:
        """The Event as upstream's recorder makes it, before correlation."""
        ref = object_reference(obj)
        now = self.clock()
        ts = rfc3339(now)
        source = {"component": self.component}
        if self.host:
            source["host"] = self.host
        return {
            "kind": "Event", "apiVersion": "v1",
            "metadata": {"name": f"{ref.get('name', '')}.{self.correlator.unique_suffix(now)}",
                         "namespace": ref.get("namespace") or "default"},
            "involvedObject": ref,
            "reason": reason, "message": message,
            "source": source,
            "firstTimestamp": ts, "lastTimestamp": ts, "count": 1, "type": type_,
            "eventTime": None,
            "reportingComponent": self.component, "reportingInstance": self.host,
        }

    # ---- life cycle

    async def start(self) -> None:
        """Start the background writer (events recorded before are written too)."""
        self._stopped = False
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"events-{self.component}")

    async def flush(self) -> None:
        """Wait until every event recorded so far is written or dropped."""
        if self._task is None or self._task.done():
            raise RuntimeError("EventRecorder.flush: the recorder is not started")
        await self._queue.join()

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop taking events, write what is queued for up to `timeout` seconds, then stop the writer."""
        self._stopped = True
        if self._task is None:
            return
        if not self._task.done():
            try:
                await asyncio.wait_for(self._queue.join(), timeout)
            except TimeoutError:
                log.warning("%s: dropping %d unwritten events at stop", self.component, self._queue.qsize())
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    # ---- the writer

    async def _run(self) -> None:
        while True:
            ev = await self._queue.get()
            try:
                corr = self.correlator.correlate(ev)
                if corr is not None:
                    await self._write(corr)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: dropping event %s", self.component, ev.get("metadata", {}).get("name"))
            finally:
                self._queue.task_done()

    async def _write(self, corr: Correlation) -> None:
        ev = corr.event
        meta = ev["metadata"]
        for attempt in range(1, self.max_tries + 1):
            try:
                written = None
                if corr.patch is not None:
                    try:
                        written = await self.api.patch(EVENTS, meta["name"], corr.patch, meta["namespace"],
                                                       patch_type="strategic")
                    except StatusError as e:
                        if e.code != 404:  # gone (expired or deleted): create it afresh below
                            raise
                if written is None:
                    body = {**ev, "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"}}
                    written = await self.api.create(EVENTS, body, namespace=meta["namespace"])
                self.correlator.update_state(corr.key, written)
                if self._failing:
                    log.info("%s: writing events again", self.component)
                    self._failing = False
                return
            except StatusError as e:
                # The server rejected this event: retrying cannot help, so drop it.
                if _expected_rejection(e):
                    log.debug("%s: server rejected event %s/%s (dropped): %s", self.component,
                              meta["namespace"], meta["name"], e)
                else:
                    self._warn_once("%s: server rejected event %s/%s (dropped): %s", self.component,
                                    meta["namespace"], meta["name"], e)
                return
            except Exception as e:
                if attempt >= self.max_tries:
                    self._warn_once("%s: unable to write event %s/%s after %d tries (dropped): %s",
                                    self.component, meta["namespace"], meta["name"], attempt,
                                    str(e) or type(e).__name__)
                    return
                log.debug("%s: unable to write event %s/%s (will retry): %s", self.component,
                          meta["namespace"], meta["name"], e)
                # Spread the first retry so that clients do not come back in step after an outage.
                await asyncio.sleep(self.retry_sleep * (random.random() if attempt == 1 else 1.0))

    def _warn_once(self, msg: str, *args: object) -> None:
        log.log(logging.DEBUG if self._failing else logging.WARNING, msg, *args)
        self._failing = True


def _expected_rejection(e: StatusError) -> bool:
    """AlreadyExists, and a namespace that is gone or terminating, are normal life for an event."""
    if e.code == 409 and e.reason == "AlreadyExists":
        return True
    if e.code == 404:  # creating in a namespace that does not exist
        return True
    causes = (e.details or {}).get("causes") or []
    if any(c.get("reason") == "NamespaceTerminating" for c in causes if isinstance(c, dict)):
        return True
    return e.code == 403 and "because it is being terminated" in e.message
