"""The generic registry: one resource's create, read, update and delete against store and cache.

This is upstream's generic `registry.Store`: the same steps for every kind,
with the per-kind differences asked of the kind's `Strategy`. It knows nothing
of HTTP; handlers and the server's own bootstrapping both use it.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from bosun.api.resources import Resource
from bosun.api.strategy import Strategy
from bosun.machinery import errors
from bosun.storage.cache import Entry, WatchCache, make_entry
from bosun.storage.interface import (
    CompactedError,
    KeyExistsError,
    KeyNotFoundError,
    RevisionMismatchError,
    Store,
)

Obj = dict[str, Any]
GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
MAX_CONFLICT_RETRIES = 16


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def deep_copy(obj: Obj) -> Obj:
    return orjson.loads(orjson.dumps(obj))


def typed(obj: Obj, api_version: str, kind: str) -> Obj:
    """The object with kind, apiVersion and metadata first, as upstream serializes them."""
    meta = obj.get("metadata")
    out: Obj = {"kind": kind, "apiVersion": api_version, "metadata": meta if isinstance(meta, dict) else {}}
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return out


def random_suffix(n: int = 5) -> str:
    return "".join(secrets.choice(GENERATE_ALPHABET) for _ in range(n))


def storage_bytes(obj: Obj) -> bytes:
    """The stored form: the object without resourceVersion (the store's revision is the truth)."""
    meta = obj["metadata"]
    rv = meta.pop("resourceVersion", None)
    try:
        return orjson.dumps(obj)
    finally:
        if rv is not None:
            meta["resourceVersion"] = rv


@dataclass
class ListPage:
    entries: list[Entry]
    revision: int
    continue_token: str = ""
    remaining: int | None = None


@dataclass
class WriteContext:
    """Who writes and how: passed through admission and managed-fields bookkeeping."""

    user: Any = None
    dry_run: bool = False
    field_manager: str = ""
    subresource: str = ""
    operation: str = ""  # CREATE / UPDATE / DELETE
    warnings: list[str] = field(default_factory=list)
    # Undo steps of admission (allocations) if the write does not happen, and steps after it did.
    rollbacks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    after: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def rollback(self) -> None:
        steps, self.rollbacks = self.rollbacks, []
        for step in reversed(steps):
            await step()

    async def committed(self) -> None:
        self.rollbacks = []
        steps, self.after = self.after, []
        for step in steps:
            await step()


Admit = Callable[["Registry", Obj, Obj | None, WriteContext], Awaitable[None]]


def encode_continue(rev: int, start: str) -> str:
    raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": rev, "start": start})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded))
        if data.get("v") != "meta.k8s.io/v1" or not isinstance(data.get("rv"), int):
            raise ValueError
        start = data["start"]
        if not isinstance(start, str) or ".." in start.split("/") or start.startswith("/"):
            raise ValueError
        return data["rv"], start
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                 "(version meta.k8s.io/v1)") from None


class Registry:
    """Storage of one resource (one group-version view of it)."""

    def __init__(self, resource: Resource, strategy: Strategy, store: Store, cache: WatchCache,
                 admit: Admit | None = None, to_version: Callable[[Obj], Obj] | None = None,
                 to_storage: Callable[[Obj], Obj] | None = None) -> None:
        self.resource = resource
        self.strategy = strategy
        self.store = store
        self.cache = cache
        self.admit = admit
        self.to_version = to_version
        self.to_storage = to_storage
        self.prefix = resource.key_prefix

    # ---- keys

    def key(self, namespace: str, name: str) -> str:
        if self.resource.namespaced:
            return f"{self.prefix}{namespace}/{name}"
        return self.prefix + name

    def scope_prefix(self, namespace: str) -> str:
        if self.resource.namespaced and namespace:
            return f"{self.prefix}{namespace}/"
        return self.prefix

    # ---- views (conversion for resources stored in another version)

    def view(self, entry: Entry) -> Entry:
        if self.to_version is None:
            return entry
        obj = self.to_version(deep_copy(entry.obj))
        return Entry(obj, orjson.dumps(obj), entry.rev)

    def view_obj(self, obj: Obj) -> Obj:
        return self.to_version(obj) if self.to_version is not None else obj

    def storage_obj(self, obj: Obj) -> Obj:
        return self.to_storage(obj) if self.to_storage is not None else obj

    # ---- reads

    async def get_entry(self, namespace: str, name: str, resource_version: str | None = None) -> Entry | None:
        """The current object (consistent) unless resourceVersion "0" allows the cache as it is."""
        key = self.key(namespace, name)
        if self.cache.synchronous or resource_version == "0":
            return self.cache.get(key)
        kv = await self.store.get(key)
        return make_entry(kv.value, kv.mod_revision) if kv is not None else None

    async def get(self, namespace: str, name: str, resource_version: str | None = None) -> Entry:
        entry = await self.get_entry(namespace, name, resource_version)
        if entry is None:
            raise errors.not_found(self.resource.group, self.resource.plural, name)
        return self.view(entry)

    async def list(self, namespace: str, *, match: Callable[[Obj], bool] | None = None, limit: int = 0,
                   continue_token: str = "", resource_version: str | None = None,
                   resource_version_match: str = "") -> ListPage:
        prefix = self.scope_prefix(namespace)
        start = ""
        at = 0
        if continue_token:
            at, start_rel = decode_continue(continue_token)
            start = prefix + start_rel
        elif resource_version not in (None, "", "0"):
            at = _parse_rv(resource_version)
            if resource_version_match != "Exact":
                at = 0  # "not older than": the present is never older
        if resource_version_match and resource_version in (None, ""):
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.Cause(
                "resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion "
                "is provided", "FieldValueForbidden")])
        if resource_version_match not in ("", "Exact", "NotOlderThan"):
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.Cause(
                "resourceVersionMatch", f'Unsupported value: "{resource_version_match}": supported values: '
                '"Exact", "NotOlderThan", ""', "FieldValueNotSupported")])
        use_cache = self.cache.synchronous or (resource_version == "0" and not continue_token)
        current = await self.cache.current() if use_cache else 0
        if use_cache and (at == 0 or at >= current):
            keys = self.cache.keys_under(prefix, start)
            objects = self.cache.objects
            out: list[Entry] = []
            next_start = ""
            remaining = None
            for i, k in enumerate(keys):
                e = objects[k]
                if match is None or match(e.obj):
                    if limit and len(out) == limit:
                        next_start = k
                        remaining = sum(1 for kk in keys[i:] if match is None or match(objects[kk].obj))
                        break
                    out.append(e)
            rev = current
            token = encode_continue(rev, next_start[len(prefix):]) if next_start else ""
            return ListPage([self.view(e) for e in out] if self.to_version else out, rev, token, remaining)
        return await self._list_from_store(prefix, start, at, match, limit)

    async def _list_from_store(self, prefix: str, start: str, at: int, match: Callable[[Obj], bool] | None,
                               limit: int) -> ListPage:
        out: list[Entry] = []
        key = start
        rev = at
        while True:
            want = (limit - len(out)) if limit else 0
            try:
                res = await self.store.list(prefix, start_key=key, limit=max(want, 100) if limit else 0,
                                            revision=rev)
            except CompactedError:
                raise errors.gone("The provided continue parameter is too old to display a consistent list "
                                  "result. You can start a new list without the continue parameter.") from None
            rev = res.revision
            for kv in res.items:
                e = make_entry(kv.value, kv.mod_revision)
                if match is None or match(e.obj):
                    if limit and len(out) == limit:
                        token = encode_continue(rev, kv.key[len(prefix):])
                        return ListPage([self.view(x) for x in out], rev, token, None)
                    out.append(e)
            if not res.more:
                return ListPage([self.view(x) for x in out], rev, "", None)
            key = res.items[-1].key + "\x00"

    # ---- create

    async def create(self, namespace: str, obj: Obj, ctx: WriteContext) -> Obj:
        r = self.resource
        obj = typed(obj, r.api_version, r.kind)
        meta = obj["metadata"]
        if r.namespaced:
            if meta.get("namespace") and namespace and meta["namespace"] != namespace:
                raise errors.bad_request("the namespace of the provided object does not match the namespace "
                                         "sent on the request")
            meta["namespace"] = namespace or meta.get("namespace") or ""
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = str(meta["generateName"]) + random_suffix()
        ctx.operation = "CREATE"
        for k in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(k, None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now_rfc3339()
        self.strategy.prepare_for_create(obj)
        self.strategy.default(obj)
        self._validate(obj, self.strategy.validate(obj))
        ctx.warnings.extend(self.strategy.warnings(obj, None))
        try:
            if self.admit is not None:
                await self.admit(self, obj, None, ctx)
            if ctx.dry_run:
                await ctx.rollback()
                return self.view_obj(obj)
            stored = self.storage_obj(obj)
            try:
                rev = await self.store.create(self.key(meta.get("namespace", ""), meta["name"]),
                                              storage_bytes(stored))
            except KeyExistsError:
                raise errors.already_exists(r.group, r.plural, meta["name"]) from None
        except BaseException:
            await ctx.rollback()
            raise
        await ctx.committed()
        stored["metadata"]["resourceVersion"] = str(rev)
        return self.view_obj(stored)

    def _validate(self, obj: Obj, causes: list) -> None:
        if causes:
            raise errors.invalid(self.resource.group, self.resource.kind,
                                 obj.get("metadata", {}).get("name", ""), causes)

    # ---- update (PUT, PATCH and subresources all come here)

    async def update(self, namespace: str, name: str, make: Callable[[Obj | None], Obj], ctx: WriteContext,
                     *, create_ok: bool | None = None, precondition_rv: str | None = None,
                     conditional: bool = False) -> tuple[Obj, bool]:
        """Read-modify-write with retries: `make(old)` returns the new object (a fresh dict).

        Returns (object, created). `conditional` marks a PUT whose body carried a
        resourceVersion: a lost race is then the client's conflict, not retried.
        """
        r = self.resource
        key = self.key(namespace, name)
        if create_ok is None:
            create_ok = self.strategy.allow_create_on_update and not ctx.subresource
        for _ in range(MAX_CONFLICT_RETRIES):
            entry = await self._fresh(key)
            if entry is None:
                if not create_ok:
                    raise errors.not_found(r.group, r.plural, name)
                new = make(None)
                new.setdefault("metadata", {})["name"] = name
                return await self.create(namespace, new, ctx), True
            old = self.view_obj(deep_copy(entry.obj))
            old_rv = old["metadata"]["resourceVersion"]
            if precondition_rv and precondition_rv != old_rv:
                raise errors.conflict(r.group, r.plural, name, errors.MODIFIED)
            new = typed(make(old), r.api_version, r.kind)
            meta = new["metadata"]
            rv = meta.get("resourceVersion")
            if rv and rv != old_rv:
                raise errors.conflict(r.group, r.plural, name, errors.MODIFIED)
            if not rv and not self.strategy.allow_unconditional_update and not ctx.subresource:
                raise errors.invalid(r.group, r.kind, name, [errors.Cause(
                    "metadata.resourceVersion", "must be specified for an update", "FieldValueInvalid")])
            ctx.operation = "UPDATE"
            self._carry_metadata(new, old, namespace)
            if ctx.subresource == "status":
                self.strategy.prepare_for_status_update(new, old)
            elif ctx.subresource == "scale":
                # Scale writes spec.replicas of the object itself: its generation moves as a spec update's does.
                self.strategy.prepare_for_update(new, old)
            elif ctx.subresource:
                pass  # subresource handlers build the whole object themselves
            else:
                self.strategy.prepare_for_update(new, old)
            self.strategy.default(new)
            if ctx.subresource == "status":
                causes = self.strategy.validate_status_update(new, old)
            else:
                causes = self.strategy.validate(new) or self.strategy.validate_update(new, old)
            self._validate(new, causes)
            ctx.warnings.extend(self.strategy.warnings(new, old))
            try:
                done = await self._write_update(key, entry, new, old, ctx)
            except RevisionMismatchError:
                await ctx.rollback()
                if conditional or precondition_rv:
                    raise errors.conflict(r.group, r.plural, name, errors.MODIFIED) from None
                continue
            except BaseException:
                await ctx.rollback()
                raise
            await ctx.committed()
            return done, False
        raise errors.conflict(r.group, r.plural, name, errors.MODIFIED)

    async def _write_update(self, key: str, entry: Entry, new: Obj, old: Obj, ctx: WriteContext) -> Obj:
        if self.admit is not None:
            await self.admit(self, new, old, ctx)
        meta = new["metadata"]
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if _same(new, old):
            await ctx.rollback()
            return old  # nothing changed: no write, same resourceVersion (as upstream)
        if ctx.dry_run:
            await ctx.rollback()
            return new
        if meta.get("deletionTimestamp") and not self.strategy.pending_finalizers(new) and \
                not meta.get("deletionGracePeriodSeconds"):
            # The last finalizer is gone from an object being deleted: delete it now.
            try:
                await self.store.delete(key, entry.rev)
            except KeyNotFoundError:
                raise RevisionMismatchError(key, None) from None
            return new
        stored = self.storage_obj(new)
        rev = await self.store.update(key, storage_bytes(stored), entry.rev)
        stored["metadata"]["resourceVersion"] = str(rev)
        return self.view_obj(stored)

    async def _fresh(self, key: str) -> Entry | None:
        if self.cache.synchronous:
            return self.cache.get(key)
        kv = await self.store.get(key)
        return make_entry(kv.value, kv.mod_revision) if kv is not None else None

    def _carry_metadata(self, new: Obj, old: Obj, namespace: str) -> None:
        """What a client cannot change through an update."""
        meta, ometa = new["metadata"], old["metadata"]
        meta["name"] = ometa["name"]
        if self.resource.namespaced:
            meta["namespace"] = ometa.get("namespace", namespace)
        else:
            meta.pop("namespace", None)
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if k in ometa:
                meta[k] = ometa[k]
            else:
                meta.pop(k, None)
        if "generation" in ometa:
            meta["generation"] = ometa["generation"]
        meta.pop("selfLink", None)

    # ---- delete

    async def delete(self, namespace: str, name: str, options: Obj, ctx: WriteContext) -> tuple[Obj, bool]:
        """Returns (object, deleted_now). Graceful deletion and finalizers keep the object a while."""
        r = self.resource
        key = self.key(namespace, name)
        ctx.operation = "DELETE"
        for _ in range(MAX_CONFLICT_RETRIES):
            entry = await self._fresh(key)
            if entry is None:
                raise errors.not_found(r.group, r.plural, name)
            obj = self.view_obj(deep_copy(entry.obj))
            meta = obj["metadata"]
            pre = options.get("preconditions") or {}
            if pre.get("uid") and pre["uid"] != meta.get("uid"):
                raise errors.conflict(r.group, r.plural, name,
                                      f"Precondition failed: UID in precondition: {pre['uid']}, "
                                      f"UID in object meta: {meta.get('uid')}")
            if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
                raise errors.conflict(r.group, r.plural, name,
                                      f"Precondition failed: ResourceVersion in precondition: "
                                      f"{pre['resourceVersion']}, ResourceVersion in meta: "
                                      f"{meta.get('resourceVersion')}")
            if self.admit is not None:
                await self.admit(self, obj, obj, ctx)
            finalizers = list(meta.get("finalizers") or [])
            policy = options.get("propagationPolicy")
            if policy is None and options.get("orphanDependents") is not None:
                policy = "Orphan" if options["orphanDependents"] else "Background"
            changed = False
            if policy == "Orphan" and "orphan" not in finalizers:
                finalizers.append("orphan")
                changed = True
            elif policy == "Foreground" and "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
                changed = True
            requested = options.get("gracePeriodSeconds")
            grace = self.strategy.grace_period(obj, requested)
            already = meta.get("deletionTimestamp")
            held = finalizers or self.strategy.pending_finalizers(obj)
            if grace > 0 or held:
                if already and not changed:
                    cur_grace = meta.get("deletionGracePeriodSeconds") or 0
                    if grace >= cur_grace or not cur_grace:
                        return obj, False  # already being deleted, no shorter grace asked
                when = datetime.now(UTC) + timedelta(seconds=grace)
                if not already or grace < (meta.get("deletionGracePeriodSeconds") or 0):
                    meta["deletionTimestamp"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                meta["deletionGracePeriodSeconds"] = grace
                if finalizers:
                    meta["finalizers"] = finalizers
                self.strategy.on_delete(obj)
                if ctx.dry_run:
                    return obj, False
                stored = self.storage_obj(obj)
                try:
                    rev = await self.store.update(key, storage_bytes(stored), entry.rev)
                except RevisionMismatchError:
                    continue
                stored["metadata"]["resourceVersion"] = str(rev)
                return self.view_obj(stored), False
            if ctx.dry_run:
                return obj, True
            try:
                rev, _prev = await self.store.delete(key, entry.rev)
            except (RevisionMismatchError, KeyNotFoundError):
                ctx.after = []
                continue
            await ctx.committed()
            meta["resourceVersion"] = str(rev)
            return obj, True
        raise errors.conflict(r.group, r.plural, name, errors.MODIFIED)


def _parse_rv(rv: str) -> int:
    try:
        n = int(rv)
        if n < 0:
            raise ValueError
        return n
    except ValueError:
        raise errors.bad_request(f'invalid resource version "{rv}"') from None


def _same(new: Obj, old: Obj) -> bool:
    """Equal apart from managedFields timestamps: such an update is not written (as upstream)."""
    if new == old:
        return True
    nm, om = new.get("metadata", {}), old.get("metadata", {})
    nf, of = nm.get("managedFields"), om.get("managedFields")
    if nf is None or of is None or len(nf) != len(of):
        return False
    if any({k: v for k, v in a.items() if k != "time"} != {k: v for k, v in b.items() if k != "time"}
           for a, b in zip(nf, of, strict=True)):
        return False
    a = dict(new, metadata={k: v for k, v in nm.items() if k != "managedFields"})
    b = dict(old, metadata={k: v for k, v in om.items() if k != "managedFields"})
    return a == b
