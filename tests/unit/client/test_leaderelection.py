"""Leader election on a Lease against a real API server, with timings short enough for a unit test."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bosun.client import leaderelection
from bosun.client.kubeconfig import ClientConfig
from bosun.client.leaderelection import LEASES, LeaseElector, default_identity
from bosun.client.rest import APIClient
from bosun.machinery.errors import StatusError

NAME = "kube-scheduler"
NS = "kube-system"
TIMINGS = {"lease_duration": 1.0, "renew_deadline": 0.7, "retry_period": 0.1}
MICRO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _ours(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename in (leaderelection.__file__, __file__)


@pytest.fixture(autouse=True)
async def no_leaked_tasks() -> AsyncIterator[None]:
    yield
    await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() if not t.done() and _ours(t)]
    assert not left, f"tasks left running: {left}"


@pytest.fixture
async def api2(client_config: ClientConfig) -> AsyncIterator[APIClient]:
    async with APIClient(client_config, user_agent="bosun-test-2") as c:
        yield c


class Candidate:
    """One elector running in a task, with what its callbacks saw."""

    def __init__(self, api: APIClient, identity: str, **kw: Any) -> None:
        self.elector = LeaseElector(api, NAME, NS, identity, **{**TIMINGS, **kw})
        self.started = asyncio.Event()
        self.stopped = asyncio.Event()
        self.leading = False  # between on_started_leading and its cancellation
        self.leaders: list[str] = []
        self.task: asyncio.Task[None] | None = None

    async def _lead(self) -> None:
        self.leading = True
        self.started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            self.leading = False

    def start(self) -> Candidate:
        self.task = asyncio.create_task(self.elector.run(self._lead, self.stopped.set, self.leaders.append))
        return self

    async def stop(self) -> None:
        if self.task is None:
            return
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def get_lease(api: APIClient) -> dict[str, Any]:
    return (await api.get(LEASES, NAME, NS))["spec"]


async def force(api: APIClient, **spec: Any) -> None:
    """Write the lease behind the electors' backs (retrying while a renewal, even a cancelled one, lands first)."""
    while True:
        lease = await api.get(LEASES, NAME, NS)
        lease["spec"].update(spec)
        try:
            await api.update(LEASES, lease)
            return
        except StatusError as e:
            assert e.code == 409


async def test_one_candidate_acquires(api: APIClient) -> None:
    c = Candidate(api, "a").start()
    try:
        await asyncio.wait_for(c.started.wait(), 3)
        assert c.elector.is_leader and c.elector.leader == "a" and c.leaders == ["a"]
        spec = await get_lease(api)
        assert spec["holderIdentity"] == "a"
        assert spec["leaseDurationSeconds"] == 1 and isinstance(spec["leaseDurationSeconds"], int)
        assert MICRO_TIME.match(spec["acquireTime"]) and MICRO_TIME.match(spec["renewTime"])
        assert spec["leaseTransitions"] == 0
        await asyncio.sleep(0.35)
        renewed = await get_lease(api)
        assert renewed["renewTime"] > spec["renewTime"]
        assert renewed["acquireTime"] == spec["acquireTime"] and renewed["leaseTransitions"] == 0
    finally:
        await c.stop()
    assert not c.elector.is_leader and not c.leading and c.stopped.is_set()


async def test_two_candidates_one_leader(api: APIClient, api2: APIClient) -> None:
    a, b = Candidate(api, "a").start(), Candidate(api2, "b").start()
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            assert a.elector.is_leader + b.elector.is_leader <= 1
            assert a.leading + b.leading <= 1
            await asyncio.sleep(0.02)
        winner, loser = (a, b) if a.elector.is_leader else (b, a)
        assert winner.elector.is_leader and winner.leading
        assert not loser.started.is_set()
        who = winner.elector.identity
        assert (await get_lease(api))["holderIdentity"] == who
        assert loser.elector.leader == who and loser.leaders == [who] and winner.leaders == [who]
    finally:
        await a.stop()
        await b.stop()
    assert not loser.stopped.is_set()  # it never led


async def test_takeover_after_the_lease_runs_out(api: APIClient, api2: APIClient) -> None:
    a = Candidate(api, "a").start()
    b = Candidate(api2, "b")
    try:
        await asyncio.wait_for(a.started.wait(), 3)
        b.start()
        first = await get_lease(api)
        await asyncio.sleep(0.3)
        assert not b.started.is_set() and b.elector.leader == "a"
        await a.stop()  # a crash, as far as the lease can tell: no release
        stopped = time.monotonic()
        await asyncio.wait_for(b.started.wait(), 4)
        waited = time.monotonic() - stopped
        assert 0.7 < waited < 2.5, waited
        spec = await get_lease(api2)
        assert spec["holderIdentity"] == "b" and spec["leaseTransitions"] == 1
        assert spec["acquireTime"] > first["acquireTime"]
        assert b.leaders == ["a", "b"]
    finally:
        await a.stop()
        await b.stop()


@pytest.mark.parametrize("how", ["release", "release_on_cancel"])
async def test_release_hands_over_at_once(api: APIClient, api2: APIClient, how: str) -> None:
    a = Candidate(api, "a", release_on_cancel=how == "release_on_cancel").start()
    b = Candidate(api2, "b")
    try:
        await asyncio.wait_for(a.started.wait(), 3)
        b.start()
        await asyncio.sleep(0.3)
        stopped = time.monotonic()
        await a.stop()
        if how == "release":
            assert await a.elector.release()
        assert a.elector.leader in ("", "b")
        await asyncio.wait_for(b.started.wait(), 4)
        assert time.monotonic() - stopped < 0.6
        spec = await get_lease(api2)
        assert spec["holderIdentity"] == "b" and spec["leaseTransitions"] == 1
        assert spec["leaseDurationSeconds"] == 1
        assert await a.elector.release()  # no longer the holder: nothing to do
        assert (await get_lease(api2))["holderIdentity"] == "b"
    finally:
        await a.stop()
        await b.stop()


async def test_leader_that_cannot_renew_stops_leading(api: APIClient, api2: APIClient) -> None:
    a = Candidate(api2, "a").start()
    try:
        await asyncio.wait_for(a.started.wait(), 3)
        await force(api, holderIdentity="intruder", leaseDurationSeconds=30, renewTime=leaderelection.micro_time())
        forced = time.monotonic()
        assert a.task is not None
        await asyncio.wait_for(asyncio.shield(a.task), 3)  # run() returns on its own
        assert 0.5 < time.monotonic() - forced < 2.0
        assert a.stopped.is_set() and not a.leading and not a.elector.is_leader
        assert a.elector.leader == "intruder" and a.leaders == ["a", "intruder"]
        assert (await get_lease(api))["holderIdentity"] == "intruder"
    finally:
        await a.stop()


async def test_leading_task_failure_ends_leadership(api: APIClient) -> None:
    stopped = asyncio.Event()

    async def lead() -> None:
        raise RuntimeError("boom")

    e = LeaseElector(api, NAME, NS, "a", release_on_cancel=True, **TIMINGS)
    with pytest.raises(RuntimeError, match="boom"):
        await asyncio.wait_for(e.run(lead, stopped.set), 3)
    assert stopped.is_set() and not e.is_leader
    assert (await get_lease(api))["holderIdentity"] == ""  # released on the way out


async def test_unreachable_server_is_retried_and_logged_once(client_config: ClientConfig,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = dataclasses.replace(client_config, server=f"https://127.0.0.1:{port}")
    caplog.set_level(logging.DEBUG, logger="bosun.client.leaderelection")
    async with APIClient(config, retries=0, timeout=1.0) as dead:
        c = Candidate(dead, "a").start()
        try:
            await asyncio.sleep(0.8)
            assert c.task is not None and not c.task.done() and not c.started.is_set()
        finally:
            await c.stop()
    warnings = [r for r in caplog.records if r.name == "bosun.client.leaderelection" and r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]


def test_settings_are_checked() -> None:
    api: Any = object()
    with pytest.raises(ValueError, match="renewDeadline"):
        LeaseElector(api, NAME, lease_duration=10, renew_deadline=10)
    with pytest.raises(ValueError, match="retryPeriod"):
        LeaseElector(api, NAME, lease_duration=15, renew_deadline=2, retry_period=2)
    with pytest.raises(ValueError, match="identity"):
        LeaseElector(api, NAME, identity="")
    e = LeaseElector(api, NAME)
    assert (e.namespace, e.lease_duration, e.renew_deadline, e.retry_period) == ("kube-system", 15.0, 10.0, 2.0)
    assert re.fullmatch(re.escape(socket.gethostname()) + r"_[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", e.identity)
    assert default_identity() != default_identity()
    assert not e.is_leader and e.leader == ""


async def test_release_after_an_unanswered_renewal(api: APIClient, api2: APIClient) -> None:
    a = Candidate(api2, "a").start()
    try:
        await asyncio.wait_for(a.started.wait(), 3)
    finally:
        await a.stop()
    # As if a's last renewal landed after it stopped listening: the lease is still a's, at a newer resourceVersion.
    await force(api, renewTime=leaderelection.micro_time())
    assert await a.elector.release()
    spec = await get_lease(api)
    assert spec["holderIdentity"] == "" and spec["leaseDurationSeconds"] == 1 and spec["leaseTransitions"] == 0
