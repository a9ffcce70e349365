"""Shared informers against a real API server: list and watch, indexes, handlers, resync, relist after 410."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bosun.apiserver.server import APIServer
from bosun.client.informer import (
    Informer,
    SharedInformerFactory,
    index_by_label,
    index_by_namespace,
    index_by_node,
    index_by_owner_uid,
    object_key,
)
from bosun.client.kubeconfig import ClientConfig
from bosun.client.rest import APIClient, ResourceRef
from tests.unit.client.conftest import free_port

CM = ResourceRef("", "v1", "configmaps")
PODS = ResourceRef("", "v1", "pods")
NAMESPACES = ResourceRef("", "v1", "namespaces", namespaced=False)
Obj = dict[str, Any]


async def until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not cond():
            await asyncio.sleep(0.01)


def cm(name: str, ns: str = "default", labels: dict[str, str] | None = None, **data: str) -> Obj:
    meta: Obj = {"name": name, "namespace": ns}
    if labels:
        meta["labels"] = labels
    return {"metadata": meta, "data": data}


def pod(name: str, node: str = "", ns: str = "default", owner: str = "", labels: dict[str, str] | None = None) -> Obj:
    meta: Obj = {"name": name, "namespace": ns, "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs-" + owner,
                                    "uid": owner, "controller": True}]
    spec: Obj = {"containers": [{"name": "c", "image": "busybox"}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": meta, "spec": spec}


class Recorder:
    """Handlers that write down what they were told, as (verb, key, data-or-rv) tuples."""

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def on_add(self, obj: Obj) -> None:
        self.events.append(("add", object_key(obj)))

    def on_update(self, old: Obj, new: Obj) -> None:
        self.events.append(("update", object_key(new), str(old.get("data")), str(new.get("data"))))

    def on_delete(self, obj: Obj) -> None:
        self.events.append(("delete", object_key(obj), str(obj.get("data"))))

    def register(self, inf: Informer) -> None:
        inf.add_handler(on_add=self.on_add, on_update=self.on_update, on_delete=self.on_delete)


async def test_initial_list_delivers_adds_and_syncs(api: APIClient) -> None:
    await api.create(NAMESPACES, {"metadata": {"name": "other"}})
    for name in ("a", "b", "c"):
        await api.create(CM, cm(name, v=name))
    await api.create(CM, cm("x", ns="other"))
    inf = Informer(api, CM, page=2)  # every namespace, in pages of two
    rec = Recorder()
    rec.register(inf)
    assert not inf.has_synced
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        assert inf.has_synced
        added = {e[1] for e in rec.events if e[0] == "add"}
        assert {"default/a", "default/b", "default/c", "other/x"} <= added
        assert {"default/a", "other/x"} <= set(inf.keys())
        assert inf.get("default/b")["data"] == {"v": "b"}
        assert inf.get_by("other", "x")["metadata"]["namespace"] == "other"
        assert inf.get("default/nope") is None
        assert len(inf.list()) == len(inf.keys())
        assert inf.get("default/a")["kind"] == "ConfigMap"
        assert inf.resource_version
        # Cluster-scoped objects are keyed by name.
        ns = Informer(api, NAMESPACES)
        await ns.start()
        assert await ns.wait_synced(5)
        assert ns.get("other")["metadata"]["name"] == "other" and ns.get_by("", "default") is not None
        await ns.stop()
    finally:
        await inf.stop()


async def test_writes_reach_handlers_in_order(api: APIClient) -> None:
    inf = Informer(api, CM, "default")
    rec = Recorder()
    rec.register(inf)
    seen_async: list[str] = []

    async def slow_add(obj: Obj) -> None:
        await asyncio.sleep(0.01)
        seen_async.append(obj["metadata"]["name"])

    inf.add_handler(on_add=slow_add)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        await api.create(CM, cm("w", v="1"))
        await api.patch(CM, "w", {"data": {"v": "2"}}, "default")
        await api.create(CM, cm("z"))
        await api.delete(CM, "w", "default")
        await until(lambda: ("delete", "default/w", "{'v': '2'}") in rec.events)
        mine = [e for e in rec.events if e[1] in ("default/w", "default/z")]
        assert mine == [("add", "default/w"), ("update", "default/w", "{'v': '1'}", "{'v': '2'}"),
                        ("add", "default/z"), ("delete", "default/w", "{'v': '2'}")]
        assert inf.get("default/w") is None and inf.get("default/z") is not None
        await until(lambda: seen_async == ["w", "z"])
    finally:
        await inf.stop()


async def test_label_selector_sees_only_matching_objects(api: APIClient) -> None:
    await api.create(CM, cm("a", labels={"app": "web"}))
    await api.create(CM, cm("b", labels={"app": "db"}))
    inf = Informer(api, CM, "default", label_selector="app=web")
    rec = Recorder()
    rec.register(inf)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        assert inf.keys() == ["default/a"]
        await api.patch(CM, "b", {"metadata": {"labels": {"app": "web"}}}, "default")
        await api.patch(CM, "a", {"metadata": {"labels": {"app": "other"}}}, "default")
        await api.create(CM, cm("c", labels={"app": "db"}))
        await until(lambda: any(e[:2] == ("delete", "default/a") for e in rec.events))
        assert inf.keys() == ["default/b"]
        assert [e[:2] for e in rec.events] == [("add", "default/a"), ("add", "default/b"), ("delete", "default/a")]
    finally:
        await inf.stop()


async def test_indexes_follow_updates_and_deletes(api: APIClient) -> None:
    await api.create(NAMESPACES, {"metadata": {"name": "team"}})
    await api.create(PODS, pod("p1", node="n1", owner="rs1", labels={"tier": "web"}))
    await api.create(PODS, pod("p2", node="n1", owner="rs2"))
    await api.create(PODS, pod("p3", node="n2", ns="team", owner="rs1", labels={"tier": "web"}))
    inf = Informer(api, PODS)
    inf.add_indexer("namespace", index_by_namespace)
    inf.add_indexer("owner", index_by_owner_uid)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        inf.add_indexer("node", index_by_node)  # after sync: built from the cache
        inf.add_indexer("tier", index_by_label("tier"))

        def names(index: str, value: str) -> list[str]:
            return sorted(o["metadata"]["name"] for o in inf.by_index(index, value))

        assert names("namespace", "default") == ["p1", "p2"] and names("namespace", "team") == ["p3"]
        assert names("owner", "rs1") == ["p1", "p3"] and names("owner", "rs2") == ["p2"]
        assert names("node", "n1") == ["p1", "p2"] and names("node", "n2") == ["p3"]
        assert names("tier", "web") == ["p1", "p3"] and names("node", "n9") == []

        # p2 changes owner and gains a label; p1 and p3 go away.
        await api.patch(PODS, "p2", {"metadata": {"labels": {"tier": "web"}, "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs-rs1", "uid": "rs1"}]}}, "default")
        await api.delete(PODS, "p1", "default", options={"gracePeriodSeconds": 0})
        await api.delete(PODS, "p3", "team", options={"gracePeriodSeconds": 0})
        await until(lambda: inf.get("default/p1") is None and inf.get("team/p3") is None
                    and names("owner", "rs1") == ["p2"])
        assert names("owner", "rs2") == []
        assert names("tier", "web") == ["p2"]
        assert names("node", "n1") == ["p2"] and names("node", "n2") == []
        assert names("namespace", "team") == [] and names("namespace", "default") == ["p2"]
        assert sorted(inf.index_values("node")) == ["n1"]
        with pytest.raises(KeyError):
            inf.by_index("nope", "x")
    finally:
        await inf.stop()


async def test_late_handler_gets_the_cache_replayed(api: APIClient) -> None:
    for name in ("a", "b"):
        await api.create(CM, cm(name))
    inf = Informer(api, CM, "default")
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        rec = Recorder()
        reg = inf.add_handler(on_add=rec.on_add, on_delete=rec.on_delete)
        await until(lambda: reg.has_synced)
        assert sorted(rec.events) == [("add", "default/a"), ("add", "default/b")]
        await api.delete(CM, "a", "default")
        await until(lambda: len(rec.events) == 3)
        assert rec.events[-1] == ("delete", "default/a", "{}")
    finally:
        await inf.stop()


async def test_resync_delivers_updates_of_every_object(api: APIClient) -> None:
    for name in ("a", "b"):
        await api.create(CM, cm(name, v=name))
    inf = Informer(api, CM, "default", resync_period=0.2)
    updates: list[tuple[Obj, Obj]] = []
    inf.add_handler(on_update=lambda old, new: updates.append((old, new)))
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        await until(lambda: len(updates) >= 4, timeout=3)
        assert all(old is new for old, new in updates)
        assert {object_key(new) for _, new in updates} == {"default/a", "default/b"}
    finally:
        await inf.stop()


async def test_relist_after_gone_delivers_the_differences(apiserver: APIServer, api: APIClient,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    for name in ("a", "b", "c"):
        await api.create(CM, cm(name, v="1"))
    inf = Informer(api, CM, "default")
    rec = Recorder()
    rec.register(inf)
    deleted: list[Obj] = []
    inf.add_handler(on_delete=deleted.append)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        b_before = inf.get("default/b")
        assert b_before is not None
        gate = asyncio.Event()
        inf._restart_watch(gate)  # the informer stops watching until the gate opens
        await api.patch(CM, "a", {"data": {"v": "2"}}, "default")
        await api.delete(CM, "b", "default")
        await api.create(CM, cm("d"))
        # History up to now is compacted away, and the server's watch cache has moved its window past
        # the informer's resourceVersion (as when its event ring rolls over): resuming must be 410 Gone.
        await apiserver.store.compact(await apiserver.store.current_revision())
        cache = apiserver.registry("", "configmaps").cache
        cache.events.clear()
        cache.start_rev = cache.rev
        caplog.set_level(logging.INFO, "bosun.client.informer")
        gate.set()
        await until(lambda: inf.get("default/d") is not None and inf.get("default/b") is None)
        await until(lambda: len(rec.events) == 6)
        assert sorted(rec.events[3:]) == [("add", "default/d"), ("delete", "default/b", "{'v': '1'}"),
                                          ("update", "default/a", "{'v': '1'}", "{'v': '2'}")]
        assert sorted(inf.keys()) == ["default/a", "default/c", "default/d"]
        assert "relisting" in caplog.text
        # Deleted in the gap: delivered with the last state the informer knew (not a watch event's).
        await until(lambda: len(deleted) == 1)
        assert deleted[0] is b_before
        # And the informer keeps watching from the relist's resourceVersion.
        await api.patch(CM, "c", {"data": {"v": "3"}}, "default")
        await until(lambda: inf.get("default/c")["data"] == {"v": "3"})
    finally:
        await inf.stop()


async def test_watch_timeout_rewatches_from_last_version(api: APIClient) -> None:
    inf = Informer(api, CM, "default", watch_timeout=0.5)  # the server ends each watch after 1 s
    rec = Recorder()
    rec.register(inf)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        await api.create(CM, cm("before"))
        await until(lambda: inf.get("default/before") is not None)
        await asyncio.sleep(1.5)  # at least one watch ended meanwhile
        await api.create(CM, cm("after"))
        await until(lambda: inf.get("default/after") is not None)
        assert rec.events == [("add", "default/before"), ("add", "default/after")]
    finally:
        await inf.stop()


async def test_errors_are_retried_and_logged_once(api: APIClient, client_config: ClientConfig,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, "bosun.client.informer")
    unknown = Informer(api, ResourceRef("", "v1", "widgets"), "default")
    await unknown.start()
    down = APIClient(dataclasses.replace(client_config, server=f"https://127.0.0.1:{free_port()}"), retries=0)
    unreachable = Informer(down, CM)
    await unreachable.start()
    try:
        assert not await unknown.wait_synced(0.8)
        assert not unreachable.has_synced
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len([r for r in warnings if "widgets" in r.getMessage()]) == 1
        assert len([r for r in warnings if "configmaps" in r.getMessage()]) == 1
        assert any("still failing" in r.getMessage() for r in caplog.records)  # it kept retrying
    finally:
        await unknown.stop()
        await unreachable.stop()
        await down.close()


async def test_handler_exceptions_are_not_fatal(api: APIClient, caplog: pytest.LogCaptureFixture) -> None:
    inf = Informer(api, CM, "default")
    good: list[str] = []

    def bad(obj: Obj) -> None:
        if obj["metadata"]["name"] == "boom":
            raise RuntimeError("handler bug")
        good.append(obj["metadata"]["name"])

    inf.add_handler(on_add=bad)
    await inf.start()
    try:
        assert await inf.wait_synced(5)
        await api.create(CM, cm("boom"))
        await api.create(CM, cm("fine"))
        await until(lambda: good == ["fine"])
        assert "handler bug" in caplog.text
    finally:
        await inf.stop()


async def test_stop_leaves_no_tasks(api: APIClient) -> None:
    await api.create(CM, cm("a"))
    inf = Informer(api, CM, "default", resync_period=0.05)
    inf.add_handler(on_add=lambda o: None, on_update=lambda o, n: None)
    await inf.start()
    assert await inf.wait_synced(5)
    await asyncio.sleep(0.1)
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("informer")]
    await inf.stop()
    left = [t for t in asyncio.all_tasks() if t.get_name().startswith("informer") and not t.done()]
    assert left == []


async def test_factory_shares_informers(api: APIClient) -> None:
    await api.create(CM, cm("a", labels={"app": "web"}))
    factory = SharedInformerFactory(api)
    one = factory.informer(CM)
    assert factory.informer(CM) is one
    web = factory.informer(CM, "default", label_selector="app=web")
    assert web is not one and factory.informer(CM, "default") is not one
    await factory.start()
    try:
        assert await factory.wait_synced(5)
        assert one.has_synced and web.get("default/a") is not None
        late = factory.informer(NAMESPACES)  # asked for after start: starts at once
        assert await late.wait_synced(5) and late.get("default") is not None
    finally:
        await factory.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("informer") and not t.done()]
