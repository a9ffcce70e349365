"""Subresources: status, scale, binding, eviction, namespace finalize, CSR approval, and the node proxies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from bosun.apiserver.handlers import encode_object, json_response
from bosun.apiserver.registry import Registry, WriteContext, deep_copy
from bosun.apiserver.request import RequestInfo, decode_body, negotiate
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

Obj = dict[str, Any]


def label_selector_string(sel: Obj | None) -> str:
    """A LabelSelector (or a plain map selector) in the string form Scale.status.selector carries."""
    if not sel:
        return ""
    if "matchLabels" not in sel and "matchExpressions" not in sel:
        return ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or ():
        op, key, values = e.get("operator"), e.get("key"), sorted(e.get("values") or ())
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def scale_of(reg: Registry, obj: Obj) -> Obj:
    meta = obj["metadata"]
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    out_meta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                if k in meta}
    scale: Obj = {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": out_meta,
                  "spec": {"replicas": spec.get("replicas", 1 if reg.resource.kind != "StatefulSet" else 1)},
                  "status": {"replicas": status.get("replicas", 0)}}
    sel = label_selector_string(spec.get("selector"))
    if sel:
        scale["status"]["selector"] = sel
    return scale


class Subresources:
    def __init__(self, server: APIServer) -> None:
        self.server = server

    async def handle(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.StreamResponse:
        sub = reg.resource.subresource(info.subresource)
        if sub is None:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})
        verb = {"GET": "get", "PUT": "update", "PATCH": "patch", "POST": "create", "DELETE": "delete"}.get(
            request.method, "")
        if verb not in sub.verbs:
            raise errors.method_not_allowed()
        name = info.subresource
        if name in ("status", "approval", "ephemeralcontainers", "resize"):
            return await self.status_like(request, info, reg, user, verb, name)
        if name == "scale":
            return await self.scale(request, info, reg, user, verb)
        if name == "finalize":
            return await self.finalize(request, info, reg, user)
        if name == "binding":
            body = await request.read()
            binding = decode_body(request.headers.get("Content-Type"), body, "Binding")
            if not isinstance(binding, dict):
                raise errors.bad_request("the request body must be a Binding")
            binding.setdefault("metadata", {})
            return await self.server.virtual.bind(request, info, binding, user, pod_name=info.name)
        if name == "eviction":
            return await self.evict(request, info, reg, user)
        if name == "token":
            return await self.server.tokens.token_request(request, info, reg, user)
        if name in ("log", "exec", "attach", "portforward", "proxy"):
            return await self.server.node_proxy.handle(request, info, reg, user)
        raise errors.StatusError(404, "NotFound", "the server could not find the requested resource", {})

    async def status_like(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any, verb: str,
                          name: str) -> web.Response:
        if verb == "get":
            entry = await reg.get(info.namespace, info.name)
            body, ct = encode_object(negotiate(request.headers.get("Accept")), reg, entry, None, request.query)
            return json_response(body, content_type=ct)
        h = self.server.handlers
        ctx = h._ctx(request, user, "status" if name in ("status", "approval") else name)
        if name == "approval":
            def keep_spec(new: Obj, old: Obj) -> Obj:
                out = deep_copy(old)
                out["status"] = new.get("status") or {}
                return out
        else:
            keep_spec = None  # type: ignore[assignment]
        if verb == "update":
            obj = await h.decode_object(request, reg)
            rv = obj.get("metadata", {}).get("resourceVersion")

            def make(old: Obj | None) -> Obj:
                assert old is not None
                new = deep_copy(obj)
                if keep_spec is not None:
                    new = keep_spec(new, old)
                self.server.managed.on_write(reg, new, old, ctx)
                return new
            result, _ = await reg.update(info.namespace, info.name, make, ctx, create_ok=False, conditional=bool(rv))
        else:
            result, _ = await h.apply_patch_request(request, info, reg, ctx,
                                                    unview=keep_spec if keep_spec is not None else None)
        body, ct = encode_object(negotiate(request.headers.get("Accept")), reg, None, result, request.query)
        return json_response(body, content_type=ct)

    async def scale(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any, verb: str) -> web.Response:
        h = self.server.handlers
        if verb == "get":
            entry = await reg.get(info.namespace, info.name)
            return json_response(orjson.dumps(scale_of(reg, entry.obj)))
        ctx = h._ctx(request, user, "scale")

        def unview(new_scale: Obj, old: Obj) -> Obj:
            replicas = (new_scale.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
                raise errors.invalid("autoscaling", "Scale", info.name, [errors.Cause(
                    "spec.replicas", f"Invalid value: {replicas}: must be greater than or equal to 0")])
            rv = (new_scale.get("metadata") or {}).get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(reg.resource.group, reg.resource.plural, info.name, errors.MODIFIED)
            out = deep_copy(old)
            out.setdefault("spec", {})["replicas"] = replicas
            return out

        if verb == "update":
            body = await request.read()
            new_scale = decode_body(request.headers.get("Content-Type"), body, "Scale")
            if not isinstance(new_scale, dict):
                raise errors.bad_request("the request body must be a Scale")

            def make(old: Obj | None) -> Obj:
                assert old is not None
                new = unview(new_scale, old)
                self.server.managed.on_write(reg, new, old, ctx)
                return new
            result, _ = await reg.update(info.namespace, info.name, make, ctx, create_ok=False)
        else:
            result, _ = await h.apply_patch_request(request, info, reg, ctx, view=lambda o: scale_of(reg, o),
                                                    unview=unview)
        return json_response(orjson.dumps(scale_of(reg, result)))

    async def finalize(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        h = self.server.handlers
        ctx = h._ctx(request, user, "finalize")
        obj = await h.decode_object(request, reg)

        def make(old: Obj | None) -> Obj:
            assert old is not None
            new = deep_copy(old)
            new.setdefault("spec", {})["finalizers"] = (obj.get("spec") or {}).get("finalizers") or []
            if not new["spec"]["finalizers"]:
                del new["spec"]["finalizers"]
            return new
        result, _ = await reg.update(info.namespace, info.name, make, ctx, create_ok=False)
        return json_response(orjson.dumps(result))

    async def evict(self, request: web.Request, info: RequestInfo, reg: Registry, user: Any) -> web.Response:
        body = await request.read()
        eviction = decode_body(request.headers.get("Content-Type"), body, "Eviction") if body else {}
        if not isinstance(eviction, dict):
            raise errors.bad_request("the request body must be an Eviction")
        entry = await reg.get(info.namespace, info.name)
        pod = entry.obj
        phase = (pod.get("status") or {}).get("phase")
        if phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp"):
            self._check_budgets(pod)
        options = eviction.get("deleteOptions") or {}
        ctx = WriteContext(user=user, dry_run=bool(request.query.getall("dryRun", [])))
        await reg.delete(info.namespace, info.name, options, ctx)
        return json_response(orjson.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                                           "status": "Success", "code": 201}), 201)

    def _check_budgets(self, pod: Obj) -> None:
        from bosun.machinery.labels import selector_from_label_selector

        pdbs = self.server.registry("policy", "poddisruptionbudgets")
        ns = pod["metadata"].get("namespace", "")
        labels = pod["metadata"].get("labels") or {}
        matching = []
        for key in pdbs.cache.keys_under(pdbs.scope_prefix(ns)):
            pdb = pdbs.cache.objects[key].obj
            sel = (pdb.get("spec") or {}).get("selector")
            if sel is None:
                continue
            if selector_from_label_selector(sel).matches(labels):
                matching.append(pdb)
        if len(matching) > 1:
            raise errors.StatusError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which "
                                     "the eviction subresource does not support.")
        if matching:
            pdb = matching[0]
            allowed = (pdb.get("status") or {}).get("disruptionsAllowed", 0)
            if allowed < 1:
                status = pdb.get("status") or {}
                raise errors.StatusError(
                    429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                    {"causes": [{"reason": "DisruptionBudget", "message": (
                        f"The disruption budget {pdb['metadata']['name']} needs {status.get('desiredHealthy', 0)} "
                        f"healthy pods and has {status.get('currentHealthy', 0)} currently")}]},
                    {"Retry-After": "10"})
