"""The work queue: dedup, one worker per key, delayed adds, rate limiters, shutdown and the worker loop."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bosun.client.workqueue import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    MaxOfRateLimiter,
    ShutDown,
    WorkQueue,
    default_controller_rate_limiter,
    run_workers,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_is_queued_once() -> None:
    q: WorkQueue[str] = WorkQueue(name="test")
    for key in ("a", "b", "a", "a", "b"):
        q.add(key)
    assert len(q) == q.len() == q.depth == 2 and q.adds == 2
    assert [await q.get(), await q.get()] == ["a", "b"]
    assert len(q) == 0


async def test_a_key_added_while_processing_waits_for_done() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    assert await q.get() == "a"
    q.add("a")
    q.add("a")
    assert len(q) == 0  # not handed to a second worker while the first holds it
    q.done("a")
    assert len(q) == 1 and await q.get() == "a"
    q.done("a")
    assert len(q) == 0  # not added again meanwhile: gone


async def test_two_workers_never_hold_one_key() -> None:
    q: WorkQueue[str] = WorkQueue()
    active: set[str] = set()
    runs: dict[str, int] = {}
    overlaps: list[str] = []

    async def sync(key: str) -> None:
        if key in active:
            overlaps.append(key)
        active.add(key)
        runs[key] = runs.get(key, 0) + 1
        if key == "a" and runs[key] == 1:
            q.add("a")  # a change arrives while "a" is being synced
        await asyncio.sleep(0.02)
        active.discard(key)

    for key in ("a", "b", "c"):
        q.add(key)
    workers = asyncio.create_task(run_workers(q, sync, workers=2))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if runs.get("a") == 2 and not active:
            break
    q.shutdown()
    await asyncio.wait_for(workers, 2)
    assert overlaps == []
    assert runs == {"a": 2, "b": 1, "c": 1}


async def test_add_after_orders_by_due_time() -> None:
    q: WorkQueue[str] = WorkQueue()
    loop = asyncio.get_running_loop()
    start = loop.time()
    q.add_after("c", 0.06)
    q.add_after("a", 0.02)
    q.add_after("b", 0.04)
    q.add_after("now", 0)
    assert len(q) == 1 and q.retries == 4
    got = []
    for _ in range(4):
        got.append((await q.get(), loop.time() - start))
    assert [k for k, _ in got] == ["now", "a", "b", "c"]
    assert got[0][1] < 0.015
    assert got[1][1] >= 0.019 and got[2][1] >= 0.039 and got[3][1] >= 0.059


async def test_add_after_keeps_the_earlier_time() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add_after("x", 5.0)
    q.add_after("x", 0.01)  # sooner: replaces
    q.add_after("y", 0.01)
    q.add_after("y", 5.0)   # later: ignored
    got = {await asyncio.wait_for(q.get(), 1), await asyncio.wait_for(q.get(), 1)}
    assert got == {"x", "y"}
    q.shutdown(drain=False)


def test_exponential_backoff() -> None:
    r = ItemExponentialFailureRateLimiter(base=0.005, max_delay=0.03)
    assert [r.when("a") for _ in range(5)] == [0.005, 0.01, 0.02, 0.03, 0.03]
    assert r.num_requeues("a") == 5 and r.num_requeues("b") == 0
    assert r.when("b") == 0.005  # per key
    r.forget("a")
    assert r.num_requeues("a") == 0 and r.when("a") == 0.005
    big = ItemExponentialFailureRateLimiter(1.0, 1000.0)
    for _ in range(2000):  # far past float overflow
        big.when("k")
    assert big.when("k") == 1000.0


def test_bucket_bursts_then_limits() -> None:
    clock = FakeClock()
    r = BucketRateLimiter(qps=10, burst=3, clock=clock)
    assert [r.when(i) for i in range(3)] == [0, 0, 0]
    assert [round(r.when(i), 6) for i in range(3)] == [0.1, 0.2, 0.3]
    clock.now += 0.3  # pays back the three reserved tokens
    assert r.when("x") == pytest.approx(0.1)
    clock.now += 10  # refills to the burst, never past it
    assert [r.when(i) for i in range(3)] == [0, 0, 0]
    assert r.when(9) == pytest.approx(0.1)
    assert r.num_requeues("x") == 0


def test_max_of_and_the_controller_default() -> None:
    clock = FakeClock()
    r = MaxOfRateLimiter(ItemExponentialFailureRateLimiter(0.01, 10), BucketRateLimiter(1, 2, clock=clock))
    assert r.when("a") == 0.01 and r.when("a") == 0.02
    assert r.when("b") == pytest.approx(1.0)  # the bucket is empty now: its wait is the longest
    assert r.num_requeues("a") == 2
    r.forget("a")
    assert r.num_requeues("a") == 0
    d = default_controller_rate_limiter()
    assert [d.when("k") for _ in range(3)] == [0.005, 0.01, 0.02]
    for i in range(97):
        d.when(i)
    assert d.when("z") == pytest.approx(0.1, abs=0.01)  # the 101st in a burst waits for the 10 qps bucket


async def test_shutdown_drains_what_is_queued() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    q.add("b")
    q.add_after("later", 0.01)
    q.shutdown()
    assert q.shutting_down
    q.add("c")
    q.add_after("d", 0)
    assert [await q.get(), await q.get()] == ["a", "b"]
    with pytest.raises(ShutDown):
        await q.get()
    await asyncio.sleep(0.02)
    assert len(q) == 0  # the parked key was dropped


async def test_shutdown_without_drain_and_waiting_getters() -> None:
    q: WorkQueue[str] = WorkQueue()
    waiting = [asyncio.create_task(q.get()) for _ in range(2)]
    await asyncio.sleep(0)
    q.add("a")
    assert await asyncio.wait_for(waiting[0], 1) == "a"
    assert not waiting[1].done()
    q.add("b")
    q.shutdown(drain=False)
    with pytest.raises(ShutDown):
        await asyncio.wait_for(waiting[1], 1)
    with pytest.raises(ShutDown):
        await q.get()  # "b" is still queued, but the queue is not draining


async def test_a_cancelled_getter_passes_its_key_on() -> None:
    q: WorkQueue[str] = WorkQueue()
    first = asyncio.create_task(q.get())
    second = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    q.add("a")  # wakes `first`...
    first.cancel()  # ...which goes away before it runs
    assert await asyncio.wait_for(second, 1) == "a"


async def test_run_workers_retries_with_backoff_and_forgets(caplog: pytest.LogCaptureFixture) -> None:
    q: WorkQueue[str] = WorkQueue(ItemExponentialFailureRateLimiter(base=0.02, max_delay=1), name="demo")
    loop = asyncio.get_running_loop()
    attempts: list[float] = []
    requeues_seen: list[int] = []
    ok = asyncio.Event()

    async def sync(key: str) -> None:
        attempts.append(loop.time())
        requeues_seen.append(q.num_requeues(key))
        if len(attempts) <= 3:
            raise RuntimeError("backend not ready")
        ok.set()

    q.add("ns/web")
    with caplog.at_level(logging.INFO, logger="bosun.client.workqueue"):
        workers = asyncio.create_task(run_workers(q, sync, workers=2))
        await asyncio.wait_for(ok.wait(), 2)
        await asyncio.sleep(0)
        assert q.num_requeues("ns/web") == 0  # forgotten on success
        q.shutdown()
        await asyncio.wait_for(workers, 1)
    assert requeues_seen == [0, 1, 2, 3]
    gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps[0] >= 0.019 and gaps[1] >= 0.039 and gaps[2] >= 0.079
    assert q.retries == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ['demo: error syncing "ns/web", requeuing: backend not ready']  # once per streak
    assert any("after 3 retries" in r.getMessage() for r in caplog.records)
