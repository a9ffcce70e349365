"""The async REST client every component uses to talk to the API server.

Objects are wire-form dicts both ways. A failed call raises the server's
`Status` as `bosun.machinery.errors.StatusError` (its `code` and `reason`
are what callers branch on); a connection failure raises `ConnectionError`
after the retries that `retries` allows. Watches are async iterators of
`(type, object)`; an `ERROR` event is raised as its `StatusError` (410 Gone
when the resourceVersion is too old, which informers answer by relisting).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson

from bosun.client.kubeconfig import ClientConfig
from bosun.machinery import errors

log = logging.getLogger("bosun.client")
Obj = dict[str, Any]

JSON = "application/json"
PATCH_TYPES = {"json": "application/json-patch+json", "merge": "application/merge-patch+json",
               "strategic": "application/strategic-merge-patch+json", "apply": "application/apply-patch+yaml"}


@dataclass(frozen=True)
class ResourceRef:
    """Where a resource lives: group, version, plural and scope (`bosun.api.resources.Resource` fits too)."""

    group: str
    version: str
    plural: str
    namespaced: bool = True


def resource_path(r: Any, namespace: str = "", name: str = "", subresource: str = "") -> str:
    """`/api/v1/namespaces/ns/pods/name/status` and the like."""
    base = f"/apis/{r.group}/{r.version}" if r.group else f"/api/{r.version}"
    if r.namespaced and namespace:
        base += f"/namespaces/{quote(namespace, safe='')}"
    base += f"/{r.plural}"
    if name:
        base += f"/{quote(name, safe='')}"
        if subresource:
            base += f"/{subresource}"
    return base


def _status_error(code: int, body: bytes) -> errors.StatusError:
    try:
        status = orjson.loads(body)
    except orjson.JSONDecodeError:
        status = None
    if isinstance(status, dict) and status.get("kind") == "Status":
        return errors.StatusError(int(status.get("code") or code), status.get("reason") or "",
                                  status.get("message") or "", status.get("details") or {})
    text = body[:500].decode("utf-8", "replace")
    return errors.StatusError(code, "InternalError" if code >= 500 else "BadRequest", text or f"HTTP {code}", {})


class APIClient:
    """One connection pool to one API server, with its credentials."""

    def __init__(self, config: ClientConfig, *, user_agent: str = "bosun", timeout: float = 30.0,
                 retries: int = 3) -> None:
        self.config = config
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self._session: aiohttp.ClientSession | None = None
        self._ssl = config.ssl_context()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl if self._ssl is not None else False, limit=64),
                headers={"User-Agent": self.user_agent, **self.config.auth_headers()},
                json_serialize=lambda o: orjson.dumps(o).decode())
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> APIClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _kw(self) -> dict[str, Any]:
        return {"server_hostname": self.config.tls_server_name} if self.config.tls_server_name else {}

    async def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                      body: Any = None, content_type: str = JSON) -> Any:
        """One call; returns the decoded JSON answer, raises its Status as StatusError."""
        data = None
        headers = {"Accept": JSON}
        if body is not None:
            data = body if isinstance(body, bytes) else orjson.dumps(body)
            headers["Content-Type"] = content_type
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        delay = 0.2
        for attempt in range(self.retries + 1):
            try:
                async with self.session.request(method, self.config.server + path, params=query, data=data,
                                                headers=headers, timeout=aiohttp.ClientTimeout(
                                                    total=self.timeout), **self._kw()) as resp:
                    raw = await resp.read()
                    if resp.status >= 400:
                        err = _status_error(resp.status, raw)
                        # 429 and 5xx with Retry-After are the server asking to come back: honour it.
                        if resp.status in (429, 503) and attempt < self.retries and "Retry-After" in resp.headers:
                            await asyncio.sleep(min(float(resp.headers["Retry-After"] or 1), 5.0))
                            continue
                        raise err
                    return orjson.loads(raw) if raw else None
            except (TimeoutError, aiohttp.ClientConnectionError) as e:
                if attempt >= self.retries:
                    raise ConnectionError(f"{method} {path}: {e or type(e).__name__}") from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise ConnectionError(f"{method} {path}: retries exhausted")

    # ---- typed verbs

    async def get(self, r: Any, name: str, namespace: str = "", subresource: str = "", **params: Any) -> Obj:
        return await self.request("GET", resource_path(r, namespace, name, subresource), params=params)

    async def list(self, r: Any, namespace: str = "", **params: Any) -> Obj:
        """One page (pass `limit`/`continue`) or the whole collection."""
        return await self.request("GET", resource_path(r, namespace), params=params)

    async def list_all(self, r: Any, namespace: str = "", page: int = 500, **params: Any) -> Obj:
        """Every item, fetched in pages at one resourceVersion."""
        out = await self.list(r, namespace, limit=page, **params)
        items = out.get("items") or []
        while (out.get("metadata") or {}).get("continue"):
            token = out["metadata"]["continue"]
            try:
                out = await self.list(r, namespace, limit=page, **{**params, "continue": token})
            except errors.StatusError as e:
                if e.code != 410:
                    raise
                return await self.list(r, namespace, **params)  # the snapshot expired: one full list
            items.extend(out.get("items") or [])
        out["items"] = items
        return out

    async def create(self, r: Any, obj: Obj, namespace: str = "", subresource: str = "", name: str = "",
                     **params: Any) -> Obj:
        ns = namespace or (obj.get("metadata") or {}).get("namespace", "")
        return await self.request("POST", resource_path(r, ns, name, subresource), params=params, body=obj)

    async def update(self, r: Any, obj: Obj, subresource: str = "", **params: Any) -> Obj:
        meta = obj.get("metadata") or {}
        return await self.request("PUT", resource_path(r, meta.get("namespace", ""), meta["name"], subresource),
                                  params=params, body=obj)

    async def patch(self, r: Any, name: str, patch: Any, namespace: str = "", patch_type: str = "merge",
                    subresource: str = "", **params: Any) -> Obj:
        return await self.request("PATCH", resource_path(r, namespace, name, subresource), params=params,
                                  body=patch, content_type=PATCH_TYPES[patch_type])

    async def delete(self, r: Any, name: str, namespace: str = "", options: Obj | None = None,
                     **params: Any) -> Obj:
        return await self.request("DELETE", resource_path(r, namespace, name), params=params, body=options)

    async def watch(self, r: Any, namespace: str = "", *, resource_version: str = "", timeout_seconds: int = 0,
                    allow_bookmarks: bool = True, **params: Any) -> AsyncIterator[tuple[str, Obj]]:
        """Events from `resource_version` on; ends when the server closes the stream."""
        query = {"watch": "true", **{k: _param(v) for k, v in params.items() if v is not None}}
        if resource_version:
            query["resourceVersion"] = resource_version
        if timeout_seconds:
            query["timeoutSeconds"] = str(timeout_seconds)
        if allow_bookmarks:
            query["allowWatchBookmarks"] = "true"
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.timeout,
                                        sock_read=(timeout_seconds + 30) if timeout_seconds else None)
        try:
            async with self.session.get(self.config.server + resource_path(r, namespace), params=query,
                                        headers={"Accept": JSON}, timeout=timeout, **self._kw()) as resp:
                if resp.status >= 400:
                    raise _status_error(resp.status, await resp.read())
                async for line in resp.content:
                    if not line.strip():
                        continue
                    event = orjson.loads(line)
                    kind, obj = event.get("type"), event.get("object") or {}
                    if kind == "ERROR":
                        raise _status_error(int(obj.get("code") or 500), orjson.dumps(obj))
                    yield kind, obj
        except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as e:
            raise ConnectionError(f"watch {resource_path(r, namespace)}: {e or type(e).__name__}") from None


def _param(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
