"""Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection with its LeaseLock.

`bosun controller-manager --leader-elect` and `bosun scheduler --leader-elect`
run their work only while they hold `kube-system/kube-controller-manager` and
`kube-system/kube-scheduler`. The algorithm is upstream's:

* A candidate takes the lease when it is absent, already ours, has an empty
  holder, or its holder has not renewed it for `leaseDurationSeconds` as
  measured by *our* monotonic clock since we last saw the record change. The
  remote `renewTime` is written for humans and never compared, so clock skew
  between machines cannot make two leaders.
* Writes are optimistic: a PUT carrying the resourceVersion we read (409
  Conflict: someone else won this round), or a create (409 AlreadyExists:
  someone else created it).
* The leader renews every `retry_period`; when it has not managed to renew
  for `renew_deadline` (shorter than the lease duration, so it stops before
  anyone may take over) it stops leading and `run()` returns. As upstream,
  the process is then expected to exit.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from bosun.client.rest import APIClient, ResourceRef
from bosun.machinery.errors import StatusError

log = logging.getLogger("bosun.client.leaderelection")
Obj = dict[str, Any]

LEASES = ResourceRef("coordination.k8s.io", "v1", "leases")
# wait.JitterUntil's factor in client-go: a candidate waits retry_period * (1 + rand * 1.2) between tries.
JITTER_FACTOR = 1.2

# The Lease spec fields that make up upstream's LeaderElectionRecord.
_RECORD_FIELDS = ("holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions")


def micro_time(t: datetime | None = None) -> str:
    """metav1.MicroTime's wire form: `2006-01-02T15:04:05.000000Z`."""
    return (t or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_identity() -> str:
    """Upstream's candidate identity for kube-controller-manager and kube-scheduler: `<hostname>_<uuid>`."""
    return f"{socket.gethostname()}_{uuid.uuid4()}"


def lease_record(lease: Obj) -> Obj:
    """The leader election record a Lease carries (LeaseSpecToLeaderElectionRecord)."""
    spec = lease.get("spec") or {}
    return {
        "holderIdentity": spec.get("holderIdentity") or "",
        "leaseDurationSeconds": int(spec.get("leaseDurationSeconds") or 0),
        "acquireTime": spec.get("acquireTime"),
        "renewTime": spec.get("renewTime"),
        "leaseTransitions": int(spec.get("leaseTransitions") or 0),
    }


def _lease_spec(record: Obj) -> Obj:
    # LeaderElectionRecordToLeaseSpec: the whole spec is replaced, absent times are left out.
    return {k: record[k] for k in _RECORD_FIELDS if record.get(k) is not None}


def _failure(task: asyncio.Task[Any]) -> BaseException | None:
    """The error a finished task raised (None while running, on success, or when cancelled)."""
    return task.exception() if task.done() and not task.cancelled() else None


async def _call(fn: Callable[..., Any], *args: Any) -> None:
    out = fn(*args)
    if inspect.isawaitable(out):
        await out


class LeaseElector:
    """One candidate for the leadership held in one Lease."""

    def __init__(self, api: APIClient, name: str, namespace: str = "kube-system", identity: str | None = None, *,
                 lease_duration: float = 15.0, renew_deadline: float = 10.0, retry_period: float = 2.0,
                 release_on_cancel: bool = False) -> None:
        # NewLeaderElector's checks, plus one of ours: the lease is written in whole seconds, and 0 is invalid.
        if lease_duration <= renew_deadline:
            raise ValueError("leaseDuration must be greater than renewDeadline")
        if renew_deadline <= JITTER_FACTOR * retry_period:
            raise ValueError("renewDeadline must be greater than retryPeriod*JitterFactor")
        if retry_period <= 0:
            raise ValueError("retryPeriod must be greater than zero")
        if int(lease_duration) < 1:
            raise ValueError("leaseDuration must be at least one second")
        identity = default_identity() if identity is None else identity
        if not identity:
            raise ValueError("Lock identity is empty")
        self.api = api
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.lease_duration = lease_duration
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self.release_on_cancel = release_on_cancel
        self._lease: Obj | None = None  # the object last read or written: its resourceVersion guards our writes
        self._observed: Obj = lease_record({})
        self._observed_time = 0.0  # time.monotonic() when the observed record last changed
        self._reported_leader = ""
        self._leading = False
        self._failing = False

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def is_leader(self) -> bool:
        """True from acquiring the lease until `run()` stops leading."""
        return self._leading

    @property
    def leader(self) -> str:
        """The holder identity last observed in the lease ("" when none)."""
        return self._observed["holderIdentity"]

    # ---- the loop

    async def run(self, on_started_leading: Callable[[], Coroutine[Any, Any, Any]],
                  on_stopped_leading: Callable[[], Awaitable[Any] | Any] | None = None,
                  on_new_leader: Callable[[str], Awaitable[Any] | Any] | None = None) -> None:
        """Wait to become leader, lead until the lease is lost, then return.

        `on_started_leading()` is a coroutine run as a task while leading; it is
        cancelled (and awaited) when leadership ends. `on_stopped_leading()` is
        called after that, only if this candidate led. `on_new_leader(identity)`
        is called each time the observed holder changes. The last two may be
        plain functions or coroutine functions (awaited in the loop, so keep
        them short). If the leading task raises, leadership ends and `run()`
        raises that error. Cancelling `run()` ends leadership the same way; with
        `release_on_cancel` the lease is released on the way out (ReleaseOnCancel).
        """
        log.info("attempting to acquire leader lease %s...", self.key)
        await self._acquire(on_new_leader)
        log.info("successfully acquired lease %s", self.key)
        self._leading = True
        leading = asyncio.create_task(on_started_leading(), name=f"leading {self.key}")
        failure: BaseException | None = None
        try:
            await self._renew(leading, on_new_leader)
        finally:
            self._leading = False
            leading.cancel()
            await asyncio.wait({leading})
            failure = _failure(leading)
            if self.release_on_cancel:
                await self.release()
            if on_stopped_leading is not None:
                await _call(on_stopped_leading)
        if failure is not None:
            raise failure

    async def release(self) -> bool:
        """Give the lease up at once: holderIdentity "" and leaseDurationSeconds 1, as upstream.

        For graceful shutdown, after `run()` has been cancelled or has returned,
        so that another candidate takes over without waiting out the lease.
        Returns False when the write failed (the lease then simply expires).
        """
        if self._observed["holderIdentity"] != self.identity or self._lease is None:
            return True
        now = micro_time()
        record = {"holderIdentity": "", "leaseDurationSeconds": 1, "acquireTime": now, "renewTime": now,
                  "leaseTransitions": self._observed["leaseTransitions"]}
        try:
            async with asyncio.timeout(self.renew_deadline):
                try:
                    await self._update(record)
                except StatusError as e:
                    if e.code != 409:
                        raise
                    # Our last renewal may have landed unanswered (cancelled in flight), moving the
                    # resourceVersion on: read the lease again and clear it only if it is still ours.
                    self._lease = await self.api.get(LEASES, self.name, self.namespace)
                    current = lease_record(self._lease)
                    if current["holderIdentity"] != self.identity:
                        self._set_observed(current)
                        return True
                    record["leaseTransitions"] = current["leaseTransitions"]
                    await self._update(record)
        except (StatusError, OSError) as e:  # TimeoutError is an OSError
            log.error("failed to release lease %s: %s", self.key, e or type(e).__name__)
            return False
        self._set_observed(record)
        log.info("released lease %s", self.key)
        return True

    async def _acquire(self, on_new_leader: Callable[[str], Any] | None) -> None:
        while True:
            acquired = await self._try_acquire_or_renew()
            await self._report_transition(on_new_leader)
            if acquired:
                return
            await asyncio.sleep(self.retry_period * (1 + random.random() * JITTER_FACTOR))

    async def _renew(self, leading: asyncio.Task[Any], on_new_leader: Callable[[str], Any] | None) -> None:
        while True:
            # One round: retry every retry_period; the whole round, requests included, within renew_deadline.
            try:
                async with asyncio.timeout(self.renew_deadline):
                    while not await self._try_acquire_or_renew():
                        await asyncio.sleep(self.retry_period)
            except TimeoutError:
                await self._report_transition(on_new_leader)
                log.info("failed to renew lease %s: timed out waiting for the condition", self.key)
                return
            await self._report_transition(on_new_leader)
            if not leading.done():
                await asyncio.wait({leading}, timeout=self.retry_period)
            elif _failure(leading) is None:  # it finished its work: keep the lease, as upstream does
                await asyncio.sleep(self.retry_period)
            if (failure := _failure(leading)) is not None:
                log.error("leading task of %s failed, stopping leading: %r", self.key, failure)
                return

    # ---- one try (tryAcquireOrRenew)

    async def _try_acquire_or_renew(self) -> bool:
        now = micro_time()
        mono = time.monotonic()
        record = {"holderIdentity": self.identity, "leaseDurationSeconds": int(self.lease_duration),
                  "acquireTime": now, "renewTime": now, "leaseTransitions": 0}

        # 1. The leader's fast path: assume the lease is as we last wrote it.
        if self._holds() and self._lease_valid(mono) and self._lease is not None:
            record["acquireTime"] = self._observed["acquireTime"]
            record["leaseTransitions"] = self._observed["leaseTransitions"]
            try:
                await self._update(record)
            except (StatusError, ConnectionError) as e:
                log.debug("failed to update lease %s optimistically: %s, falling back to slow path", self.key, e)
            else:
                self._set_observed(record)
                self._ok()
                return True

        # 2. Read the lease, or create it.
        try:
            lease = await self.api.get(LEASES, self.name, self.namespace)
        except StatusError as e:
            if e.code != 404:
                self._fail("error retrieving lease", e)
                return False
            try:
                self._lease = await self.api.create(LEASES, {
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": self.name, "namespace": self.namespace},
                    "spec": _lease_spec(record)}, namespace=self.namespace)
            except StatusError as e:
                if e.code == 409:  # AlreadyExists: another candidate created it first
                    log.debug("lease %s was created by another candidate", self.key)
                else:
                    self._fail("error initially creating lease", e)
                return False
            except ConnectionError as e:
                self._fail("error initially creating lease", e)
                return False
            self._set_observed(record)
            self._ok()
            return True
        except ConnectionError as e:
            self._fail("error retrieving lease", e)
            return False
        self._lease = lease
        self._ok()

        # 3. Is it held by someone else whose lease has not run out by our clock?
        current = lease_record(lease)
        if current != self._observed:
            self._set_observed(current)
        if current["holderIdentity"] and self._lease_valid(mono) and not self._holds():
            log.debug("lease %s is held by %s and has not yet expired", self.key, current["holderIdentity"])
            return False

        # 4. Take it (or renew it through the slow path).
        if self._holds():
            record["acquireTime"] = current["acquireTime"]
            record["leaseTransitions"] = current["leaseTransitions"]
        else:
            record["leaseTransitions"] = current["leaseTransitions"] + 1
        try:
            await self._update(record)
        except StatusError as e:
            if e.code == 409:  # someone else wrote it first and won this round: contention, not an error
                log.debug("lease %s changed while we wrote it: %s", self.key, e)
            else:
                self._fail("failed to update lease", e)
            return False
        except ConnectionError as e:
            self._fail("failed to update lease", e)
            return False
        self._set_observed(record)
        return True

    async def _update(self, record: Obj) -> None:
        assert self._lease is not None
        self._lease = await self.api.update(LEASES, {**self._lease, "spec": _lease_spec(record)})

    def _holds(self) -> bool:
        return self._observed["holderIdentity"] == self.identity

    def _lease_valid(self, mono: float) -> bool:
        return self._observed_time + self._observed["leaseDurationSeconds"] > mono

    def _set_observed(self, record: Obj) -> None:
        self._observed = dict(record)
        self._observed_time = time.monotonic()

    async def _report_transition(self, on_new_leader: Callable[[str], Any] | None) -> None:
        holder = self._observed["holderIdentity"]
        if holder == self._reported_leader:
            return
        self._reported_leader = holder
        if holder and holder != self.identity:
            log.info("new leader for lease %s: %s", self.key, holder)
        if on_new_leader is not None:
            await _call(on_new_leader, holder)

    # Errors are retried on the next try; log the first of a streak, not every retry.
    def _fail(self, what: str, err: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning("%s %s: %s", what, self.key, err or type(err).__name__)
        else:
            log.debug("%s %s: %s", what, self.key, err or type(err).__name__)

    def _ok(self) -> None:
        if self._failing:
            self._failing = False
            log.info("lease %s: reading and writing it works again", self.key)
