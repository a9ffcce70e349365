"""The event recorder against a real API server: the Event written, repeats, aggregation and failed writes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bosun.client.events import EVENTS, EventCorrelator, EventRecorder
from bosun.client.rest import APIClient, ResourceRef

CM = ResourceRef("", "v1", "configmaps")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
async def recorder(api: APIClient) -> AsyncIterator[EventRecorder]:
    rec = EventRecorder(api, "test-controller", host="node-1")
    await rec.start()
    try:
        yield rec
    finally:
        await rec.stop()


async def configmap(api: APIClient, name: str, namespace: str = "default") -> dict[str, Any]:
    made = await api.create(CM, {"metadata": {"name": name}}, namespace=namespace)
    return {"kind": "ConfigMap", "apiVersion": "v1", **made}


async def events_for(api: APIClient, name: str, namespace: str = "default") -> list[dict[str, Any]]:
    out = await api.list(EVENTS, namespace, fieldSelector=f"involvedObject.name={name}")
    return sorted(out["items"], key=lambda e: e["metadata"]["name"])


async def test_an_event_is_written_as_upstream_writes_it(api: APIClient, recorder: EventRecorder) -> None:
    cm = await configmap(api, "web")
    await configmap(api, "other")
    recorder.event(cm, "Normal", "Synced", "synced ok")
    recorder.event({"kind": "ConfigMap", "metadata": {"name": "other", "namespace": "default"}},
                   "Normal", "Other", "about another object")
    await recorder.flush()
    [ev] = await events_for(api, "web")
    meta = ev["metadata"]
    assert re.fullmatch(r"web\.[0-9a-f]{16}", meta["name"]) and meta["namespace"] == "default"
    assert ev["involvedObject"] == {"kind": "ConfigMap", "namespace": "default", "name": "web",
                                    "uid": cm["metadata"]["uid"], "apiVersion": "v1",
                                    "resourceVersion": cm["metadata"]["resourceVersion"]}
    assert (ev["type"], ev["reason"], ev["message"], ev["count"]) == ("Normal", "Synced", "synced ok", 1)
    assert ev["source"] == {"component": "test-controller", "host": "node-1"}
    assert TS.match(ev["firstTimestamp"]) and ev["lastTimestamp"] == ev["firstTimestamp"]
    assert ev.get("eventTime") is None
    assert (ev["reportingComponent"], ev["reportingInstance"]) == ("test-controller", "node-1")


async def test_a_cluster_scoped_object_gets_its_events_in_default(api: APIClient,
                                                                  recorder: EventRecorder) -> None:
    node = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "node-1", "uid": "node-1"}}
    recorder.event(node, "Warning", "NodeNotReady", "Node node-1 status is now: NodeNotReady")
    await recorder.flush()
    [ev] = await events_for(api, "node-1")
    assert ev["metadata"]["namespace"] == "default" and "namespace" not in ev["involvedObject"]
    assert ev["type"] == "Warning"


async def test_a_repeat_bumps_the_count(api: APIClient, recorder: EventRecorder) -> None:
    cm = await configmap(api, "web")
    recorder.event(cm, "Warning", "FailedSync", "backend not ready")
    await recorder.flush()
    [first] = await events_for(api, "web")
    recorder.event(cm, "Warning", "FailedSync", "backend not ready")
    await recorder.flush()
    [ev] = await events_for(api, "web")
    assert ev["metadata"]["name"] == first["metadata"]["name"]
    assert ev["count"] == 2 and ev["firstTimestamp"] == first["firstTimestamp"]
    assert ev["metadata"]["resourceVersion"] != first["metadata"]["resourceVersion"]
    recorder.event(cm, "Warning", "FailedSync", "something else")  # another message: another Event
    await recorder.flush()
    assert [e["count"] for e in await events_for(api, "web")] == [2, 1]


async def test_many_similar_events_are_combined(api: APIClient, recorder: EventRecorder) -> None:
    cm = await configmap(api, "web")
    for i in range(12):
        recorder.event(cm, "Warning", "FailedCreate", f"attempt {i} failed")
    await recorder.flush()
    events = await events_for(api, "web")
    plain = sorted(e["message"] for e in events if not e["message"].startswith("(combined"))
    combined = [e for e in events if e["message"].startswith("(combined")]
    assert plain == sorted(f"attempt {i} failed" for i in range(9))  # upstream combines from the 10th on
    assert len(combined) == 1
    assert combined[0]["message"] == "(combined from similar events): attempt 11 failed"
    assert combined[0]["count"] == 3 and combined[0]["reason"] == "FailedCreate"


async def test_a_failed_write_is_dropped_and_later_events_go_through(api: APIClient,
                                                                    recorder: EventRecorder) -> None:
    ghost = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "ghost", "namespace": "nowhere"}}
    recorder.event(ghost, "Normal", "Lost", "this namespace does not exist")
    recorder.event(ghost, "Normal", "Lost", "this namespace does not exist")
    recorder.event(ghost, "Bogus", "Lost", "not a valid event type")
    cm = await configmap(api, "web")
    recorder.event(cm, "Normal", "Synced", "still working")
    await recorder.flush()
    assert [e["reason"] for e in await events_for(api, "web")] == ["Synced"]
    assert (await api.list(EVENTS, "nowhere"))["items"] == []


class FlakyEvents:
    """An API that cannot be reached for the first `fail` writes."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.created: list[dict[str, Any]] = []

    async def create(self, r: Any, obj: dict[str, Any], namespace: str = "", **kw: Any) -> dict[str, Any]:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("POST /api/v1/events: connection refused")
        self.created.append(obj)
        return {**obj, "metadata": {**obj["metadata"], "resourceVersion": "1"}}

    async def patch(self, *a: Any, **kw: Any) -> dict[str, Any]:
        raise AssertionError("no patch expected")


async def test_unreachable_server_is_retried_then_dropped() -> None:
    flaky = FlakyEvents(fail=2)
    rec = EventRecorder(flaky, "c", max_tries=3, retry_sleep=0.01)  # type: ignore[arg-type]
    await rec.start()
    obj = {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"}}
    rec.event(obj, "Normal", "Started", "one")
    await rec.flush()
    assert [e["message"] for e in flaky.created] == ["one"]  # third try
    flaky.fail = 5
    rec.event(obj, "Normal", "Started", "two")
    rec.event(obj, "Normal", "Started", "three")
    await rec.flush()
    assert [e["message"] for e in flaky.created] == ["one", "three"]  # "two" gave up after 3 tries
    await rec.stop()
    rec.event(obj, "Normal", "Started", "after stop")
    assert rec._queue.empty()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_correlator_window_and_spam_filter() -> None:
    clock = FakeClock()
    rec = EventRecorder(None, "c", clock=clock)  # type: ignore[arg-type]
    c = rec.correlator
    pod = {"kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u1"}}
    first = c.correlate(rec.make_event(pod, "Normal", "Pulled", "image pulled"))
    assert first is not None and first.patch is None
    clock.now += 60
    again = c.correlate(rec.make_event(pod, "Normal", "Pulled", "image pulled"))
    assert again is not None and again.patch is not None and again.patch["count"] == 2
    assert again.event["metadata"]["name"] == first.event["metadata"]["name"]
    clock.now += 601  # past the window: a new Event
    late = c.correlate(rec.make_event(pod, "Normal", "Pulled", "image pulled"))
    assert late is not None and late.patch is None and late.event["metadata"]["name"] != \
        first.event["metadata"]["name"]
    # 25 events per source and object at once, then one per 5 minutes.
    other = EventCorrelator(clock)
    passed = [other.correlate(rec.make_event(pod, "Normal", "R", f"m{i % 5}")) is not None for i in range(30)]
    assert passed == [True] * 25 + [False] * 5
    clock.now += 300
    assert other.correlate(rec.make_event(pod, "Normal", "R", "m0")) is not None
    assert other.correlate(rec.make_event(pod, "Normal", "R", "m0")) is None
