"""The REST client against a real API server: verbs, errors as Status, paging and watch."""

from __future__ import annotations

import asyncio

import pytest

from bosun.client.rest import APIClient, ResourceRef, resource_path
from bosun.machinery.errors import StatusError

CM = ResourceRef("", "v1", "configmaps")
DEPLOY = ResourceRef("apps", "v1", "deployments")
NS = ResourceRef("", "v1", "namespaces", namespaced=False)


def test_paths() -> None:
    assert resource_path(CM, "default", "a") == "/api/v1/namespaces/default/configmaps/a"
    assert resource_path(DEPLOY, "ns", "web", "scale") == "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    assert resource_path(NS, "ignored", "kube-system") == "/api/v1/namespaces/kube-system"
    assert resource_path(CM) == "/api/v1/configmaps"


async def test_crud_and_errors(api: APIClient) -> None:
    made = await api.create(CM, {"metadata": {"name": "a", "namespace": "default"}, "data": {"k": "v"}})
    assert made["metadata"]["uid"] and made["data"] == {"k": "v"}
    with pytest.raises(StatusError) as e:
        await api.create(CM, {"metadata": {"name": "a"}}, namespace="default")
    assert (e.value.code, e.value.reason) == (409, "AlreadyExists")
    got = await api.get(CM, "a", "default")
    got["data"]["k"] = "w"
    updated = await api.update(CM, got)
    assert updated["data"] == {"k": "w"}
    with pytest.raises(StatusError) as e:
        await api.update(CM, got)  # the old resourceVersion
    assert e.value.code == 409 and e.value.reason == "Conflict"
    patched = await api.patch(CM, "a", {"data": {"x": "1"}}, "default")
    assert patched["data"] == {"k": "w", "x": "1"}
    await api.delete(CM, "a", "default")
    with pytest.raises(StatusError) as e:
        await api.get(CM, "a", "default")
    assert (e.value.code, e.value.reason) == (404, "NotFound")
    with pytest.raises(StatusError) as e:
        await api.create(CM, {"metadata": {"name": "Bad_Name"}}, namespace="default")
    assert e.value.code == 422 and e.value.reason == "Invalid"


async def test_list_all_pages(api: APIClient) -> None:
    for i in range(7):
        await api.create(CM, {"metadata": {"name": f"p{i}", "labels": {"set": "x"}}}, namespace="default")
    out = await api.list_all(CM, "default", page=2, labelSelector="set=x")
    assert sorted(o["metadata"]["name"] for o in out["items"]) == [f"p{i}" for i in range(7)]
    assert out["metadata"]["resourceVersion"]


async def test_watch_from_a_resource_version(api: APIClient) -> None:
    rv = (await api.list(CM, "default"))["metadata"]["resourceVersion"]
    seen: list[tuple[str, str]] = []

    async def consume() -> None:
        async for kind, obj in api.watch(CM, "default", resource_version=rv, timeout_seconds=10):
            if kind != "BOOKMARK":
                seen.append((kind, obj["metadata"]["name"]))
            if len(seen) == 3:
                return

    task = asyncio.create_task(consume())
    await api.create(CM, {"metadata": {"name": "w"}}, namespace="default")
    await api.patch(CM, "w", {"data": {"a": "b"}}, "default")
    await api.delete(CM, "w", "default")
    await asyncio.wait_for(task, 10)
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


async def test_watch_of_an_unknown_resource_raises_its_status(api: APIClient) -> None:
    with pytest.raises(StatusError) as e:
        async for _ in api.watch(ResourceRef("", "v1", "widgets"), "default", timeout_seconds=5):
            pass
    assert e.value.code == 404 and e.value.reason == "NotFound"
