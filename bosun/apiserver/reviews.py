"""Resources that are answered, not stored: the authentication and authorization reviews, bindings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from bosun.api.core import validate_binding
from bosun.apiserver.auth import UserInfo
from bosun.apiserver.handlers import json_response
from bosun.apiserver.registry import Registry, WriteContext
from bosun.apiserver.request import RequestInfo, decode_body
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

Obj = dict[str, Any]


def review_info(attrs: Obj | None, non_resource: Obj | None) -> RequestInfo:
    if attrs is not None:
        return RequestInfo(path="", method="", is_resource=True, verb=attrs.get("verb", ""),
                           group=attrs.get("group", ""), version=attrs.get("version", ""),
                           namespace=attrs.get("namespace", ""), resource=attrs.get("resource", ""),
                           name=attrs.get("name", ""), subresource=attrs.get("subresource", ""))
    na = non_resource or {}
    return RequestInfo(path=na.get("path", ""), method="", is_resource=False, verb=na.get("verb", ""))


class VirtualResources:
    def __init__(self, server: APIServer) -> None:
        self.server = server

    async def create(self, request: web.Request, info: RequestInfo, reg: Registry, user: UserInfo) -> web.Response:
        body = await request.read()
        obj = decode_body(request.headers.get("Content-Type"), body, reg.resource.kind)
        if not isinstance(obj, dict):
            raise errors.bad_request("the request body must be an object")
        r = reg.resource
        obj["apiVersion"] = r.api_version
        obj["kind"] = r.kind
        obj.setdefault("metadata", {})
        spec = obj.get("spec") or {}
        if r.plural == "tokenreviews":
            obj["status"] = self._token_review(spec)
        elif r.plural == "selfsubjectreviews":
            obj["status"] = {"userInfo": user.to_dict()}
        elif r.plural in ("subjectaccessreviews", "localsubjectaccessreviews"):
            if r.plural == "localsubjectaccessreviews":
                ns = (spec.get("resourceAttributes") or {}).get("namespace", "")
                if ns != info.namespace:
                    raise errors.invalid(r.group, r.kind, "", [errors.Cause(
                        "spec.resourceAttributes.namespace",
                        f'Invalid value: "{ns}": must match metadata.namespace')])
            if not spec.get("user") and not spec.get("groups"):
                raise errors.invalid(r.group, r.kind, "", [errors.Cause(
                    "spec.user,spec.groups", "Invalid value: \"null\": at least one of user or group must be "
                    "specified")])
            subject = UserInfo(spec.get("user", ""), spec.get("uid", ""), tuple(spec.get("groups") or ()))
            obj["status"] = self._access(subject, spec)
        elif r.plural == "selfsubjectaccessreviews":
            obj["status"] = self._access(user, spec)
        elif r.plural == "selfsubjectrulesreviews":
            res, nonres = self.server.authorizer.rules_for(user, spec.get("namespace", ""))
            obj["status"] = {"resourceRules": res, "nonResourceRules": nonres, "incomplete": False}
        elif r.plural == "bindings":
            return await self.bind(request, info, obj, user)
        else:
            raise errors.method_not_allowed()
        return json_response(orjson.dumps(obj), 201)

    async def read(self, request: web.Request, info: RequestInfo, reg: Registry) -> web.Response:
        """get and list of computed resources (componentstatuses)."""
        if reg.resource.plural != "componentstatuses":
            raise errors.method_not_allowed()
        items = await self.component_statuses()
        headers = {"Warning": '299 - "v1 ComponentStatus is deprecated in v1.19+"'}
        if info.verb == "get":
            for item in items:
                if item["metadata"]["name"] == info.name:
                    return json_response(orjson.dumps(item), headers=headers)
            raise errors.not_found("", "componentstatuses", info.name)
        body = {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}
        return json_response(orjson.dumps(body), headers=headers)

    async def component_statuses(self) -> list[Obj]:
        """The scheduler and controller manager by their /healthz ports, the datastore by a read."""
        import asyncio

        import aiohttp

        async def probe(port: int) -> tuple[bool, str]:
            url = f"https://127.0.0.1:{port}/healthz"
            try:
                async with aiohttp.ClientSession() as s, s.get(url, ssl=False,
                                                               timeout=aiohttp.ClientTimeout(total=2)) as r:
                    text = await r.text()
                    return r.status == 200 and text.strip() == "ok", text.strip()
            except (TimeoutError, aiohttp.ClientError, OSError) as e:
                return False, f'Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused' \
                    if isinstance(e, aiohttp.ClientConnectorError) else str(e)

        async def datastore() -> tuple[bool, str]:
            try:
                await self.server.store.current_revision()  # type: ignore[union-attr]
                return True, "ok"
            except Exception as e:  # noqa: BLE001 - reported as the component's health
                return False, str(e)

        results = await asyncio.gather(probe(10259), probe(10257), datastore())
        out = []
        for name, (ok, message) in zip(("scheduler", "controller-manager", "etcd-0"), results, strict=True):
            cond: Obj = {"type": "Healthy", "status": "True" if ok else "False"}
            if ok:
                cond["message"] = "ok"
            else:
                cond["error"] = message
            out.append({"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name},
                        "conditions": [cond]})
        return out

    def _token_review(self, spec: Obj) -> Obj:
        token = spec.get("token", "")
        try:
            who = self.server.authenticator.authenticate({"Authorization": f"Bearer {token}"}, None)
        except errors.StatusError:
            return {"authenticated": False, "user": {}, "error": "invalid bearer token"}
        out: Obj = {"authenticated": True, "user": who.to_dict()}
        if spec.get("audiences"):
            out["audiences"] = spec["audiences"]
        return out

    def _access(self, subject: UserInfo, spec: Obj) -> Obj:
        ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
        if ra is None and nra is None:
            raise errors.invalid("authorization.k8s.io", "SubjectAccessReview", "", [errors.Cause(
                "spec.resourceAttributes", "Required value: exactly one of nonResourceAttributes or "
                "resourceAttributes must be specified", "FieldValueRequired")])
        allowed = self.server.authorizer.allowed(subject, review_info(ra, nra))
        out: Obj = {"allowed": allowed}
        if allowed and "system:masters" in subject.groups:
            out["reason"] = ""
        return out

    async def bind(self, request: web.Request, info: RequestInfo, binding: Obj, user: UserInfo,
                   pod_name: str | None = None) -> web.Response:
        """core/v1 Binding: assign a pod to a node (what the scheduler does)."""
        name = pod_name or binding["metadata"].get("name", "")
        target = binding.get("target") or {}
        causes = validate_binding(binding)
        if causes:
            raise errors.invalid("", "Binding", name, causes)
        pods = self.server.registry("", "pods")

        def make(old: Obj | None) -> Obj:
            assert old is not None
            meta = old["metadata"]
            if meta.get("deletionTimestamp"):
                raise errors.conflict("", "pods", name, "pod is being deleted, cannot be assigned to a host")
            if old.get("spec", {}).get("nodeName"):
                raise errors.conflict("", "pods", name,
                                      f"pod {name} is already assigned to node \"{old['spec']['nodeName']}\"")
            if binding["metadata"].get("uid") and binding["metadata"]["uid"] != meta.get("uid"):
                raise errors.conflict("", "pods", name, "Precondition failed: UID in precondition: "
                                      f"{binding['metadata']['uid']}, UID in object meta: {meta.get('uid')}")
            old["spec"]["nodeName"] = target["name"]
            annotations = binding["metadata"].get("annotations")
            if annotations:
                meta.setdefault("annotations", {}).update(annotations)
            conditions = old.setdefault("status", {}).setdefault("conditions", [])
            conditions[:] = [c for c in conditions if c.get("type") != "PodScheduled"]
            conditions.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                               "lastTransitionTime": _now()})
            return old
        ctx = WriteContext(user=user, subresource="binding",
                           dry_run=bool(request.query.getall("dryRun", [])))
        await pods.update(info.namespace, name, make, ctx)
        return json_response(orjson.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                                           "status": "Success", "code": 201}), 201)


def _now() -> str:
    from bosun.apiserver.registry import now_rfc3339

    return now_rfc3339()
