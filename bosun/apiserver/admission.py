"""Admission: the built-in plugins upstream enables by default, run after validation, before storage.

Mutating and validating steps of one write, each a small function keyed by
resource: NamespaceLifecycle, ServiceAccount, DefaultTolerationSeconds,
Priority, and the Service IP and NodePort allocation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bosun.apiserver.registry import Registry, WriteContext
from bosun.apiserver.services import ServiceAllocator
from bosun.machinery import errors

if TYPE_CHECKING:
    from bosun.apiserver.server import APIServer

log = logging.getLogger("bosun.apiserver.admission")
Obj = dict[str, Any]
Plugin = Callable[[Registry, Obj, Obj | None, WriteContext], Awaitable[None]]

# Namespaces that always exist and may not be deleted.
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")
NOT_READY_TOLERATION = {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                        "tolerationSeconds": 300}
UNREACHABLE_TOLERATION = {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                          "tolerationSeconds": 300}


class Admission:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.services = ServiceAllocator(server)
        self.plugins: dict[tuple[str, str], list[Plugin]] = {
            ("", "pods"): [self.pod_service_account, self.pod_default_tolerations, self.pod_priority],
            ("", "services"): [self.services.admit],
            ("", "namespaces"): [self.namespace_delete_protection],
        }

    async def start(self) -> None:
        await self.services.start()

    async def stop(self) -> None:
        pass

    async def admit(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        r = reg.resource
        if r.namespaced and ctx.operation == "CREATE":
            self.namespace_lifecycle(reg, obj)
        for plugin in self.plugins.get((r.group, r.plural), ()):
            await plugin(reg, obj, old, ctx)

    # ---- NamespaceLifecycle

    def namespace_lifecycle(self, reg: Registry, obj: Obj) -> None:
        ns = obj["metadata"].get("namespace", "")
        if not ns:
            return
        nsreg = self.server.registry("", "namespaces")
        entry = nsreg.cache.get(nsreg.key("", ns))
        if entry is None:
            raise errors.not_found("", "namespaces", ns)
        if entry.obj.get("status", {}).get("phase") == "Terminating" or \
                entry.obj["metadata"].get("deletionTimestamp"):
            r = reg.resource
            raise errors.forbidden(r.group, r.plural, obj["metadata"].get("name", ""),
                                   f"unable to create new content in namespace {ns} because it is being "
                                   "terminated")

    async def namespace_delete_protection(self, reg: Registry, obj: Obj, old: Obj | None,
                                          ctx: WriteContext) -> None:
        if ctx.operation == "DELETE" and obj["metadata"]["name"] in IMMORTAL_NAMESPACES:
            raise errors.forbidden("", "namespaces", obj["metadata"]["name"],
                                   "this namespace may not be deleted")

    # ---- pods

    async def pod_service_account(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        if ctx.operation != "CREATE":
            return
        spec = obj.setdefault("spec", {})
        if spec.get("serviceAccountName") or spec.get("serviceAccount"):
            name = spec.get("serviceAccountName") or spec.get("serviceAccount")
        else:
            name = "default"
        annotations = obj["metadata"].get("annotations") or {}
        if "kubernetes.io/config.mirror" in annotations:
            return  # mirror pods of static pods carry no service account
        spec["serviceAccountName"] = name
        spec["serviceAccount"] = name

    async def pod_default_tolerations(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        if ctx.operation != "CREATE":
            return
        spec = obj.setdefault("spec", {})
        tolerations = spec.get("tolerations") or []
        have = {(t.get("key"), t.get("effect")) for t in tolerations}
        wildcard = any(not t.get("key") and t.get("operator") == "Exists" and t.get("effect") in (None, "",
                                                                                                  "NoExecute")
                       for t in tolerations)
        added = False
        for t in (NOT_READY_TOLERATION, UNREACHABLE_TOLERATION):
            if wildcard or (t["key"], "NoExecute") in have or (t["key"], None) in have or (t["key"], "") in have:
                continue
            tolerations.append(dict(t))
            added = True
        if added or tolerations:
            spec["tolerations"] = tolerations

    async def pod_priority(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        if ctx.operation != "CREATE":
            return
        spec = obj.setdefault("spec", {})
        cls = spec.get("priorityClassName")
        if not cls:
            default = self._default_priority_class()
            if default is None:
                spec.setdefault("priority", 0)
                return
            cls = default["metadata"]["name"]
            spec["priorityClassName"] = cls
        pcreg = self.server.registry("scheduling.k8s.io", "priorityclasses")
        entry = pcreg.cache.get(pcreg.key("", cls))
        if entry is None:
            raise errors.forbidden("", "pods", obj["metadata"].get("name", ""),
                                   f"no PriorityClass with name {cls} was found")
        value = entry.obj.get("value", 0)
        if spec.get("priority") is not None and spec["priority"] != value:
            raise errors.forbidden("", "pods", obj["metadata"].get("name", ""),
                                   "the integer value of priority "
                                   f"({spec['priority']}) must not be provided in pod spec; priority admission "
                                   "controller computed " f"{value} from the given PriorityClass name")
        spec["priority"] = value
        if "preemptionPolicy" in entry.obj:
            spec["preemptionPolicy"] = entry.obj["preemptionPolicy"]

    def _default_priority_class(self) -> Obj | None:
        pcreg = self.server.registry("scheduling.k8s.io", "priorityclasses")
        best = None
        for entry in pcreg.cache.objects.values():
            if entry.obj.get("globalDefault"):
                if best is None or entry.obj.get("value", 0) < best.get("value", 0):
                    best = entry.obj
        return best
