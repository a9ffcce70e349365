"""The rate-limited work queue controllers feed keys into, as upstream client-go's `workqueue`.

A key is queued once however often it is added (`dirty`), and a key that is
being processed is handed out again only after `done(key)`: two workers never
hold the same key at once, and an add that arrives meanwhile is not lost.
`add_after` and `add_rate_limited` park a key on the event loop's timers until
it is due; the rate limiter decides the delay and remembers failures until
`forget(key)`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, Protocol, TypeVar

log = logging.getLogger("bosun.client.workqueue")

K = TypeVar("K", bound=Hashable)


class ShutDown(Exception):
    """Raised by `WorkQueue.get` once the queue is shut down and has nothing more to hand out."""


# ---------------------------------------------------------------------------
# Rate limiters


class RateLimiter(Protocol):
    """How long a key waits before it is queued again, and how often it failed."""

    def when(self, item: Hashable) -> float: ...

    def forget(self, item: Hashable) -> None: ...

    def num_requeues(self, item: Hashable) -> int: ...


class ItemExponentialFailureRateLimiter:
    """Per-key exponential backoff: `base * 2**failures` seconds, capped at `max_delay`."""

    def __init__(self, base: float = 0.005, max_delay: float = 1000.0) -> None:
        self.base = base
        self.max_delay = max_delay
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        exp = self._failures.get(item, 0)
        self._failures[item] = exp + 1
        try:
            backoff = self.base * 2.0 ** exp
        except OverflowError:
            return self.max_delay
        return min(backoff, self.max_delay)

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)


class BucketRateLimiter:
    """One token bucket for all keys (golang.org/x/time/rate's `Reserve().Delay()`): `burst` at once, then `qps`."""

    def __init__(self, qps: float = 10.0, burst: int = 100, clock: Callable[[], float] = time.monotonic) -> None:
        if qps <= 0:
            raise ValueError("qps must be positive")
        self.qps = qps
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()

    def when(self, item: Hashable) -> float:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.qps)
        self._last = now
        # A reservation always takes its token; a negative balance is the wait until it is paid back.
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.qps

    def forget(self, item: Hashable) -> None:
        pass

    def num_requeues(self, item: Hashable) -> int:
        return 0


class MaxOfRateLimiter:
    """The longest delay any of its limiters asks for (every limiter sees every call)."""

    def __init__(self, *limiters: RateLimiter) -> None:
        if not limiters:
            raise ValueError("MaxOfRateLimiter needs at least one limiter")
        self.limiters = limiters

    def when(self, item: Hashable) -> float:
        return max([limiter.when(item) for limiter in self.limiters])

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return max(limiter.num_requeues(item) for limiter in self.limiters)


def default_controller_rate_limiter() -> MaxOfRateLimiter:
    """Upstream's DefaultControllerRateLimiter: per-key 5 ms..1000 s backoff, overall 10 qps with a burst of 100."""
    return MaxOfRateLimiter(ItemExponentialFailureRateLimiter(0.005, 1000.0), BucketRateLimiter(10.0, 100))


# ---------------------------------------------------------------------------
# The queue


class WorkQueue(Generic[K]):
    """Keys waiting to be synced: deduplicated, one worker per key at a time, with delayed and rate-limited adds."""

    def __init__(self, rate_limiter: RateLimiter | None = None, name: str = "") -> None:
        self.name = name
        self.rate_limiter: RateLimiter = rate_limiter if rate_limiter is not None \
            else default_controller_rate_limiter()
        self._queue: deque[K] = deque()
        self._dirty: set[K] = set()         # queued or to be queued again once done
        self._processing: set[K] = set()    # handed out by get(), not yet done()
        self._waiting: dict[K, tuple[float, asyncio.TimerHandle]] = {}
        self._getters: deque[asyncio.Future[None]] = deque()
        self._shutting_down = False
        self._drain = True
        # Metrics (exported to Prometheus later): keys added (not counting duplicates) and delayed re-adds.
        self.adds = 0
        self.retries = 0

    def __repr__(self) -> str:
        return f"<WorkQueue {self.name!r} depth={len(self._queue)} processing={len(self._processing)}>"

    # ---- the plain queue

    def add(self, key: K) -> None:
        """Queue `key` unless it is already queued; a key being processed is queued again at `done`."""
        if self._shutting_down or key in self._dirty:
            return
        self.adds += 1
        self._dirty.add(key)
        if key in self._processing:
            return
        self._queue.append(key)
        self._wake_one()

    async def get(self) -> K:
        """The next key; the caller owns it until `done(key)`. Raises `ShutDown` when nothing more will come."""
        while True:
            if self._shutting_down and (not self._drain or not self._queue):
                raise ShutDown(self.name)
            if self._queue:
                break
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._getters.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                try:
                    self._getters.remove(fut)
                except ValueError:
                    pass
                if fut.done() and not fut.cancelled():
                    self._wake_one()  # we were woken for a key we will not take: pass it on
                raise
        key = self._queue.popleft()
        self._processing.add(key)
        self._dirty.discard(key)
        return key

    def done(self, key: K) -> None:
        """The caller is finished with `key`; if it was added meanwhile, it is queued again now."""
        self._processing.discard(key)
        if key in self._dirty:
            self._queue.append(key)
            self._wake_one()

    def __len__(self) -> int:
        return len(self._queue)

    def len(self) -> int:
        """Keys waiting to be handed out (upstream's `Len()`)."""
        return len(self._queue)

    @property
    def depth(self) -> int:
        return len(self._queue)

    @property
    def shutting_down(self) -> bool:
        return self._shutting_down

    def shutdown(self, drain: bool = True) -> None:
        """Stop taking keys. With `drain`, `get` still hands out what is queued; without, it raises at once.

        Keys parked by `add_after` are dropped, as upstream's delaying queue drops them.
        """
        self._shutting_down = True
        self._drain = drain
        for _, handle in self._waiting.values():
            handle.cancel()
        self._waiting.clear()
        while self._getters:
            fut = self._getters.popleft()
            if not fut.done():
                fut.set_result(None)

    def _wake_one(self) -> None:
        while self._getters:
            fut = self._getters.popleft()
            if not fut.done():
                fut.set_result(None)
                return

    # ---- delays and rate limiting

    def add_after(self, key: K, delay: float) -> None:
        """Queue `key` after `delay` seconds; a key already parked keeps the earlier of its two times."""
        if self._shutting_down:
            return
        self.retries += 1
        if delay <= 0:
            self.add(key)
            return
        loop = asyncio.get_running_loop()
        ready = loop.time() + delay
        parked = self._waiting.get(key)
        if parked is not None:
            if parked[0] <= ready:
                return
            parked[1].cancel()
        self._waiting[key] = (ready, loop.call_at(ready, self._due, key))

    def _due(self, key: K) -> None:
        self._waiting.pop(key, None)
        self.add(key)

    def add_rate_limited(self, key: K) -> None:
        """Queue `key` again after the delay the rate limiter gives it (one more failure)."""
        self.add_after(key, self.rate_limiter.when(key))

    def forget(self, key: K) -> None:
        """`key` succeeded: reset its failures (it stays queued if it is)."""
        self.rate_limiter.forget(key)

    def num_requeues(self, key: K) -> int:
        return self.rate_limiter.num_requeues(key)


# ---------------------------------------------------------------------------
# Workers


async def run_workers(queue: WorkQueue[K], sync: Callable[[K], Awaitable[object]], workers: int = 1) -> None:
    """Run `workers` loops of get → `sync(key)` → done until the queue shuts down.

    A failing key is logged (a warning when its failure streak starts, debug after) and re-added rate limited;
    a key that syncs is forgotten by the rate limiter.
    """
    name = queue.name or "workqueue"

    async def worker() -> None:
        while True:
            try:
                key = await queue.get()
            except ShutDown:
                return
            try:
                await sync(key)
            except Exception as e:
                requeues = queue.num_requeues(key)
                if requeues == 0:
                    log.warning('%s: error syncing "%s", requeuing: %s', name, key, str(e) or type(e).__name__)
                log.debug('%s: error syncing "%s" (failure %d)', name, key, requeues + 1, exc_info=True)
                queue.add_rate_limited(key)
            else:
                requeues = queue.num_requeues(key)
                if requeues:
                    log.info('%s: synced "%s" after %d retries', name, key, requeues)
                queue.forget(key)
            finally:
                queue.done(key)

    async with asyncio.TaskGroup() as tg:
        for i in range(max(1, workers)):
            tg.create_task(worker(), name=f"{name}-worker-{i}")
