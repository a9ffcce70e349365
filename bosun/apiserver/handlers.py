"""HTTP handlers of the resource endpoints: one generic path for every kind and verb."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from bosun.api import printers
from bosun.apiserver.registry import Registry, WriteContext, deep_copy
from bosun.apiserver.request import MAX_BODY, WARNINGS, Output, RequestInfo, decode_body, dump_yaml, negotiate
from bosun.machinery import errors
from bosun.machinery.fields import parse_field_selector
from bosun.machinery.labels import parse_selector
from bosun.storage.cache import Entry, TooOld

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

log = logging.getLogger("bosun.apiserver")
Obj = dict[str, Any]

PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}


def json_response(body: bytes, status: int = 200, headers: dict[str, str] | None = None,
                  content_type: str = "application/json") -> web.Response:
    resp = web.Response(body=body, status=status, headers=headers)
    resp.content_type = content_type
    return resp


def status_response(err: errors.StatusError) -> web.Response:
    return json_response(orjson.dumps(err.status()), err.code, err.headers or None)


# ---- encoding of objects in the negotiated shape


def partial_metadata(obj: Obj, version: str = "v1") -> Obj:
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
            "metadata": obj.get("metadata", {})}


def table_for(reg: Registry, entries: list[Entry], query: Any, list_meta: Obj | None, version: str,
              with_columns: bool = True) -> Obj:
    r = reg.resource
    include = query.get("includeObject", "Metadata")
    now = datetime.now(UTC)
    rows = []
    for e in entries:
        row: Obj = {"cells": printers.cells(r.group, r.plural, e.obj, now)}
        if include == "Object":
            row["object"] = e.obj
        elif include != "None":
            row["object"] = partial_metadata(e.obj, version)
        rows.append(row)
    table: Obj = {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": list_meta or {},
                  "columnDefinitions": printers.columns(r.group, r.plural) if with_columns else [], "rows": rows}
    return table


def encode_object(out: Output, reg: Registry, entry: Entry | None, obj: Obj | None, query: Any) -> tuple[bytes, str]:
    if out.shape == "Table":
        e = entry if entry is not None else Entry(obj or {}, b"", 0)
        return _serialize(out, table_for(reg, [e], query, {"resourceVersion": e.obj["metadata"].get(
            "resourceVersion", "")}, out.shape_version))
    if out.shape == "PartialObjectMetadata":
        return _serialize(out, partial_metadata(entry.obj if entry else obj or {}, out.shape_version))
    if out.shape == "PartialObjectMetadataList":
        raise errors.not_acceptable("only PartialObjectMetadata may be returned for a single object")
    if out.format == "json":
        if entry is not None:
            return entry.raw, "application/json"
        return orjson.dumps(obj), "application/json"
    return _serialize(out, entry.obj if entry is not None else obj)


def _serialize(out: Output, obj: Any) -> tuple[bytes, str]:
    if out.format == "yaml":
        return dump_yaml(obj), "application/yaml"
    if out.format == "protobuf":
        from bosun.machinery import protobuf

        try:
            return protobuf.encode_object(obj), "application/vnd.kubernetes.protobuf"
        except Exception:  # noqa: BLE001 - kinds the transcoder lacks are served as JSON
            return orjson.dumps(obj), "application/json"
    return orjson.dumps(obj), "application/json"


def encode_list(out: Output, reg: Registry, entries: list[Entry], list_meta: Obj, query: Any) -> tuple[bytes, str]:
    r = reg.resource
    if out.shape == "Table":
        return _serialize(out, table_for(reg, entries, query, list_meta, out.shape_version))
    if out.shape in ("PartialObjectMetadataList", "PartialObjectMetadata"):
        return _serialize(out, {"kind": "PartialObjectMetadataList",
                                "apiVersion": f"meta.k8s.io/{out.shape_version}", "metadata": list_meta,
                                "items": [partial_metadata(e.obj, out.shape_version) for e in entries]})
    if out.format == "json":
        head = orjson.dumps({"kind": r.list_kind, "apiVersion": r.api_version, "metadata": list_meta})
        return head[:-1] + b',"items":[' + b",".join(e.raw for e in entries) + b"]}", "application/json"
    return _serialize(out, {"kind": r.list_kind, "apiVersion": r.api_version, "metadata": list_meta,
                            "items": [e.obj for e in entries]})


# ---- selectors


def object_matcher(reg: Registry, query: Any, name: str = "") -> Callable[[Obj], bool] | None:
    label_s = query.get("labelSelector", "")
    field_s = query.get("fieldSelector", "")
    if name:
        field_s = f"metadata.name={name}" + ("," + field_s if field_s else "")
    if not label_s and not field_s:
        return None
    try:
        lsel = parse_selector(label_s) if label_s else None
    except Exception as e:  # noqa: BLE001 - SelectorError and friends carry the message
        raise errors.bad_request(f"unable to parse requirement: {e}" if "unable" not in str(e) else str(e)) from None
    fsel = None
    if field_s:
        try:
            fsel = parse_field_selector(field_s)
        except Exception as e:  # noqa: BLE001
            raise errors.bad_request(str(e)) from None
        allowed = {"metadata.name", "metadata.namespace", *reg.strategy.field_labels}
        bad = fsel.unsupported(allowed)
        if bad:
            raise errors.bad_request(f'field label not supported: {bad}')
    strategy = reg.strategy
    needs_fields = fsel is not None and any(f not in ("metadata.name", "metadata.namespace")
                                            for f, _, _ in fsel.requirements)

    def match(obj: Obj) -> bool:
        meta = obj.get("metadata", {})
        if lsel is not None and not lsel.matches(meta.get("labels")):
            return False
        if fsel is not None:
            fields = {"metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", "")}
            if needs_fields:
                fields.update(strategy.field_values(obj))
            if not fsel.matches(fields):
                return False
        return True
    return match


# ---- the handlers


class ResourceHandlers:
    def __init__(self, server: APIServer) -> None:
        self.server = server

    async def handle(self, request: web.Request, info: RequestInfo, user: Any) -> web.StreamResponse:
        reg = self.server.registry_for(info)
        if reg is None:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource",
                                     {})
        r = reg.resource
        if info.verb not in r.verbs and not info.subresource:
            raise errors.method_not_allowed()
        if r.namespaced and info.verb in ("create", "get", "update", "patch", "delete") and not info.namespace:
            if not (info.verb == "create" and False):
                raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        if not r.namespaced and info.namespace:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        if info.subresource:
            return await self.server.subresources.handle(request, info, reg, user)
        verb = info.verb
        if not r.stored and verb in ("get", "list"):
            return await self.server.virtual.read(request, info, reg)
        if verb == "get":
            return await self.get(request, info, reg)
        if verb == "list":
            return await self.list(request, info, reg)
        if verb == "watch":
            return await self.watch(request, info, reg)
        if verb == "create":
            return await self.create(request, info, reg, user)
        if verb == "update":
            return await self.update(request, info, reg, user)
        if verb == "patch":
            return await self.patch(request, info, reg, user)
        if verb == "delete":
            return await self.delete(request, info, reg, user)
        if verb == "deletecollection":
            return await self.delete_collection(request, info, reg, user)
        raise errors.method_not_allowed()

    # -- reads

    async def get(self, request: web.Request, info: RequestInfo, reg: Registry) -> web.Response:
        out = negotiate(request.headers.get("Accept"))
        entry = await reg.get(info.namespace, info.name, request.query.get("resourceVersion"))
        body, ct = encode_object(out, reg, entry, None, request.query)
        return json_response(body, content_type=ct)

    async def list(self, request: web.Request, info: RequestInfo, reg: Registry) -> web.Response:
        q = request.query
        out = negotiate(request.headers.get("Accept"))
        limit = _int_param(q, "limit", 0)
        page = await reg.list(info.namespace, match=object_matcher(reg, q), limit=limit,
                              continue_token=q.get("continue", ""), resource_version=q.get("resourceVersion"),
                              resource_version_match=q.get("resourceVersionMatch", ""))
        meta: Obj = {"resourceVersion": str(page.revision)}
        if page.continue_token:
            meta["continue"] = page.continue_token
            if page.remaining is not None:
                meta["remainingItemCount"] = page.remaining
        body, ct = encode_list(out, reg, page.entries, meta, q)
        return json_response(body, content_type=ct)

    async def watch(self, request: web.Request, info: RequestInfo, reg: Registry) -> web.StreamResponse:
        q = request.query
        out = negotiate(request.headers.get("Accept"))
        match = object_matcher(reg, q, info.name)
        rv = q.get("resourceVersion", "")
        send_initial = q.get("sendInitialEvents") in ("true", "1")
        bookmarks = q.get("allowWatchBookmarks") in ("true", "1")
        timeout = _int_param(q, "timeoutSeconds", 0) or random.uniform(1800, 3600)
        cache = reg.cache
        prefix = reg.scope_prefix(info.namespace)
        if send_initial:
            from_rev = None
        elif rv in ("", "0"):
            from_rev = None
        else:
            try:
                from_rev = int(rv)
            except ValueError:
                raise errors.bad_request(f'invalid resource version "{rv}"') from None
        try:
            if from_rev is not None and from_rev < cache.start_rev:
                await cache.backfill(from_rev)
            watcher = cache.watch(prefix, match, from_rev)
        except TooOld as e:
            raise errors.gone(str(e)) from None
        start_rev = await cache.current()
        resp = web.StreamResponse(status=200)
        proto = out.format == "protobuf"
        resp.content_type = "application/vnd.kubernetes.protobuf;stream=watch" if proto else "application/json"
        resp.enable_chunked_encoding()
        r = reg.resource
        first_table = [True]

        def frame(etype: str, entry: Entry) -> bytes:
            if reg.to_version is not None:
                entry = reg.view(entry)
            if out.shape == "Table":
                obj = table_for(reg, [entry], q, {"resourceVersion": str(entry.rev)}, out.shape_version,
                                with_columns=first_table[0])
                first_table[0] = False
                return orjson.dumps({"type": etype, "object": obj}) + b"\n"
            if out.shape:
                return orjson.dumps({"type": etype, "object": partial_metadata(entry.obj, out.shape_version)}) + b"\n"
            if proto:
                from bosun.machinery import protobuf
                return protobuf.encode_watch_event(etype, entry.obj)
            return b'{"type":"' + etype.encode() + b'","object":' + entry.raw + b"}\n"

        def bookmark(rev: int, initial_end: bool = False) -> bytes:
            meta: Obj = {"resourceVersion": str(rev)}
            if initial_end:
                meta["annotations"] = {"k8s.io/initial-events-end": "true"}
            obj = {"kind": r.kind, "apiVersion": r.api_version, "metadata": meta}
            if proto:
                from bosun.machinery import protobuf
                return protobuf.encode_watch_event("BOOKMARK", obj)
            return orjson.dumps({"type": "BOOKMARK", "object": obj}) + b"\n"

        self.server.metrics.watchers_inc(r.plural, 1)
        try:
            await resp.prepare(request)
            deadline = time.monotonic() + timeout
            initial = watcher.queue.qsize() if from_rev is None else 0
            if send_initial and initial == 0 and bookmarks:
                await resp.write(bookmark(start_rev, True))
            last_bookmark = time.monotonic()
            last_rev = start_rev
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    item = await asyncio.wait_for(watcher.queue.get(), timeout=min(left, 60.0 if bookmarks else left))
                except TimeoutError:
                    if bookmarks and time.monotonic() - last_bookmark >= 59:
                        await resp.write(bookmark(max(last_rev, cache.rev)))
                        last_bookmark = time.monotonic()
                    continue
                if item is None:
                    break
                etype, entry = item
                chunk = [frame(etype, entry)]
                last_rev = max(last_rev, entry.rev)
                # Drain what is already queued into one write.
                while not watcher.queue.empty() and len(chunk) < 512:
                    nxt = watcher.queue.get_nowait()
                    if nxt is None:
                        watcher.queue.put_nowait(None)
                        break
                    chunk.append(frame(*nxt))
                    last_rev = max(last_rev, nxt[1].rev)
                    if initial:
                        initial -= 1
                if initial:
                    initial -= 1
                    if initial == 0 and send_initial and bookmarks:
                        chunk.append(bookmark(start_rev, True))
                await resp.write(b"".join(chunk))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            cache.unwatch(watcher)
            self.server.metrics.watchers_inc(r.plural, -1)
        return resp

    # -- writes

    def _ctx(self, request: web.Request, user: Any, subresource: str = "") -> WriteContext:
        q = request.query
        dry = q.getall("dryRun", [])
        for d in dry:
            if d != "All":
                raise errors.bad_request(f'Invalid dryRun value: "{d}"') if False else errors.invalid(
                    "", "", "", [errors.Cause("dryRun", f'Unsupported value: "{d}": supported values: "All"',
                                              "FieldValueNotSupported")])
        manager = q.get("fieldManager") or _manager_from_agent(request.headers.get("User-Agent", ""))
        return WriteContext(user=user, dry_run=bool(dry), field_manager=manager, subresource=subresource)

    async def _read_body(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise errors.too_large()
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise errors.too_large()
        return body

    async def decode_object(self, request: web.Request, reg: Registry) -> Obj:
        body = await self._read_body(request)
        obj = decode_body(request.headers.get("Content-Type"), body, reg.resource.kind)
        if not isinstance(obj, dict):
            raise errors.bad_request(f"Object 'Kind' is missing in '{body[:200].decode(errors='replace')}'")
        r = reg.resource
        av, kind = obj.get("apiVersion"), obj.get("kind")
        if av and av != r.api_version:
            raise errors.bad_request(f"the API version in the data ({av}) does not match the expected API "
                                     f"version ({r.api_version})")
        if kind and kind != r.kind:
            raise errors.bad_request(f'{kind} in version "{r.version}" cannot be handled as a {r.kind}: '
                                     f'no kind "{kind}" is registered for version "{r.group_version}"')
        self.server.check_fields(reg, obj, body, request)
        return obj

    def _write_response(self, request: web.Request, reg: Registry, obj: Obj, status: int,
                        ctx: WriteContext) -> web.Response:
        out = negotiate(request.headers.get("Accept"))
        body, ct = encode_object(out, reg, None, obj, request.query)
        headers = _warning_headers(ctx.warnings + request.get(WARNINGS, []))
        return json_response(body, status, headers, ct)

    async def create(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        if not reg.resource.stored:
            return await self.server.virtual.create(request, info, reg, user)
        ctx = self._ctx(request, user)
        obj = await self.decode_object(request, reg)
        self.server.managed.on_write(reg, obj, None, ctx)
        created = await reg.create(info.namespace, obj, ctx)
        return self._write_response(request, reg, created, 201, ctx)

    async def update(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        ctx = self._ctx(request, user)
        obj = await self.decode_object(request, reg)
        name = obj.get("metadata", {}).get("name")
        if name and name != info.name:
            raise errors.bad_request(f"the name of the object ({name}) does not match the name on the URL "
                                     f"({info.name})")
        if obj.get("metadata", {}).get("namespace") and reg.resource.namespaced and \
                obj["metadata"]["namespace"] != info.namespace:
            raise errors.bad_request("the namespace of the provided object does not match the namespace sent "
                                     "on the request")

        def make(old: Obj | None) -> Obj:
            new = deep_copy(obj)
            self.server.managed.on_write(reg, new, old, ctx)
            return new
        conditional = bool(obj.get("metadata", {}).get("resourceVersion"))
        result, created = await reg.update(info.namespace, info.name, make, ctx, conditional=conditional)
        return self._write_response(request, reg, result, 201 if created else 200, ctx)

    async def patch(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any,
                    subresource: str = "") -> web.Response:
        ctx = self._ctx(request, user, subresource)
        result, created = await self.apply_patch_request(request, info, reg, ctx)
        return self._write_response(request, reg, result, 201 if created else 200, ctx)

    async def apply_patch_request(self, request: web.Request, info: RequestInfo, reg: Registry,
                                  ctx: WriteContext, view: Callable[[Obj], Obj] | None = None,
                                  unview: Callable[[Obj, Obj], Obj] | None = None) -> tuple[Obj, bool]:
        ct = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        kind = PATCH_TYPES.get(ct)
        if kind is None:
            raise errors.StatusError(415, "UnsupportedMediaType",
                                     f"the body of the request was in an unknown format - accepted media types "
                                     f"include: {', '.join(PATCH_TYPES)}")
        body = await self._read_body(request)
        patch = decode_body(ct, body, "patch")
        force = request.query.get("force") in ("true", "1")
        if kind == "apply":
            if not request.query.get("fieldManager"):
                raise errors.bad_request("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
                                         "is required for apply patch")
            if not isinstance(patch, dict):
                raise errors.bad_request("error decoding YAML: the apply patch must be an object")
        elif force:
            raise errors.bad_request("force: Forbidden: may not be specified for non-apply patch")
        from bosun.machinery import patch as patches

        patch_rv = None
        if isinstance(patch, dict):
            patch_rv = (patch.get("metadata") or {}).get("resourceVersion") if isinstance(
                patch.get("metadata"), dict) else None

        def make(old: Obj | None) -> Obj:
            base = view(old) if (view is not None and old is not None) else old
            if base is None:
                if kind != "apply":
                    raise errors.not_found(reg.resource.group, reg.resource.plural, info.name)
                base = {}
            if kind == "json":
                new = patches.json_patch(deep_copy(base), patch)
            elif kind == "merge":
                new = patches.merge_patch(deep_copy(base), patch)
            elif kind == "strategic":
                new = patches.strategic_merge_patch(deep_copy(base), patch, self.server.schema_for(reg))
            else:
                body_name = (patch.get("metadata") or {}).get("name") if isinstance(patch.get("metadata"), dict) \
                    else None
                if body_name and body_name != info.name:
                    raise errors.bad_request(f"the name of the object ({body_name}) does not match the name on "
                                             f"the URL ({info.name})")
                new = self.server.managed.apply(reg, deep_copy(base), patch, ctx, force)
            if not isinstance(new, dict):
                raise errors.bad_request("the patched object is not an object")
            if unview is not None and old is not None:
                new = unview(new, old)
            self.server.check_fields(reg, new, None, request)
            if kind != "apply":
                self.server.managed.on_write(reg, new, old, ctx)
            return new
        create_ok = kind == "apply" and not ctx.subresource
        return await reg.update(info.namespace, info.name, make, ctx, create_ok=create_ok,
                                precondition_rv=patch_rv)

    async def delete(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        ctx = self._ctx(request, user)
        options = await self._delete_options(request)
        obj, deleted = await reg.delete(info.namespace, info.name, options, ctx)
        out = negotiate(request.headers.get("Accept"))
        status = 200 if deleted else 202
        if deleted and not reg.strategy.return_deleted_object:
            meta = obj.get("metadata", {})
            body = orjson.dumps(errors.status_success(meta.get("name", ""), reg.resource.group,
                                                      reg.resource.plural, meta.get("uid", "")))
            return json_response(body, status)
        body, ct = encode_object(out, reg, None, obj, request.query)
        return json_response(body, status, content_type=ct)

    async def _delete_options(self, request: web.Request) -> Obj:
        options: Obj = {}
        if request.body_exists:
            body = await self._read_body(request)
            if body.strip():
                options = decode_body(request.headers.get("Content-Type"), body, "DeleteOptions")
                if not isinstance(options, dict):
                    raise errors.bad_request("DeleteOptions must be an object")
        q = request.query
        if "gracePeriodSeconds" in q:
            options["gracePeriodSeconds"] = _int_param(q, "gracePeriodSeconds", 0)
        if "propagationPolicy" in q:
            options["propagationPolicy"] = q["propagationPolicy"]
        if "orphanDependents" in q:
            options["orphanDependents"] = q["orphanDependents"] in ("true", "1")
        pol = options.get("propagationPolicy")
        if pol is not None and pol not in ("Orphan", "Background", "Foreground"):
            raise errors.invalid("", "DeleteOptions", "", [errors.Cause(
                "propagationPolicy", f'Unsupported value: "{pol}": supported values: "Foreground", '
                f'"Background", "Orphan", "nil"', "FieldValueNotSupported")])
        gps = options.get("gracePeriodSeconds")
        if gps is not None and (not isinstance(gps, int) or isinstance(gps, bool)):
            raise errors.bad_request("gracePeriodSeconds must be an integer")
        return options

    async def delete_collection(self, request: web.Request, info: RequestInfo, reg: Registry,
                                user: Any) -> web.Response:
        ctx = self._ctx(request, user)
        options = await self._delete_options(request)
        page = await reg.list(info.namespace, match=object_matcher(reg, request.query))
        deleted = []
        for e in page.entries:
            meta = e.obj["metadata"]
            try:
                obj, _ = await reg.delete(meta.get("namespace", ""), meta["name"], options, WriteContext(
                    user=user, dry_run=ctx.dry_run, field_manager=ctx.field_manager))
                deleted.append(obj)
            except errors.StatusError as err:
                if err.code != 404:
                    raise
        r = reg.resource
        body = orjson.dumps({"kind": r.list_kind, "apiVersion": r.api_version,
                             "metadata": {"resourceVersion": str(page.revision)}, "items": deleted})
        return json_response(body)


def _int_param(q: Any, name: str, default: int) -> int:
    v = q.get(name)
    if v is None or v == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise errors.bad_request(f'invalid value for {name}: "{v}"') from None


def _manager_from_agent(agent: str) -> str:
    """Upstream's default field manager: the User-Agent up to the first '/' (kubectl, kube-controller-manager)."""
    name = agent.split("/", 1)[0] if agent else ""
    return name[:128] or "unknown"


def _warning_headers(warnings: list[str]) -> dict[str, str] | None:
    if not warnings:
        return None
    # aiohttp joins repeated headers poorly; one header with comma-separated values is valid RFC 7234.
    return {"Warning": ", ".join('299 - "' + w.replace("\\", "\\\\").replace('"', '\\"') + '"' for w in warnings)}
