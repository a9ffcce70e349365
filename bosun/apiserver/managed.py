"""Managed fields and server-side apply (placeholder until the full implementation lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.registry import Registry, WriteContext
    from bosun.apiserver.server import APIServer


class ManagedFields:
    def __init__(self, server: APIServer) -> None:
        self.server = server

    def on_write(self, reg: Registry, new: dict, old: dict | None, ctx: WriteContext) -> None:
        if old is not None and "managedFields" not in (new.get("metadata") or {}):
            mf = (old.get("metadata") or {}).get("managedFields")
            if mf is not None:
                new.setdefault("metadata", {})["managedFields"] = mf

    def apply(self, reg: Registry, live: dict, patch: dict, ctx: WriteContext, force: bool) -> dict[str, Any]:
        raise errors.StatusError(415, "UnsupportedMediaType", "server-side apply is not available yet")
