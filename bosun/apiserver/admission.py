"""Admission: the built-in plugins upstream enables by default, run after validation, before storage.

Mutating and validating steps of one write, each a small function keyed by
resource: NamespaceLifecycle, ServiceAccount (with the projected token volume),
DefaultTolerationSeconds, Priority (and the single default PriorityClass),
the requester recorded on a CertificateSigningRequest, and the Service IP and
NodePort allocation.
"""

from __future__ import annotations

import logging
import random
import string
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
SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
# The token is asked for an hour and 7 seconds, as upstream does (the extra seconds mark it as a bound token).
TOKEN_EXPIRATION_SECONDS = 3607
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
            ("scheduling.k8s.io", "priorityclasses"): [self.priority_class_single_default],
            ("certificates.k8s.io", "certificatesigningrequests"): [self.csr_requester],
        }

    async def start(self) -> None:
        await self.services.start()

    async def stop(self) -> None:
        pass

    async def admit(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        r = reg.resource
        if r.namespaced and ctx.operation == "CREATE":
            await self.namespace_lifecycle(reg, obj)
        for plugin in self.plugins.get((r.group, r.plural), ()):
            await plugin(reg, obj, old, ctx)

    # ---- NamespaceLifecycle

    async def namespace_lifecycle(self, reg: Registry, obj: Obj) -> None:
        ns = obj["metadata"].get("namespace", "")
        if not ns:
            return
        nsreg = self.server.registry("", "namespaces")
        entry = nsreg.cache.get(nsreg.key("", ns))
        if entry is None:
            # The watch cache may not have seen a namespace created a moment ago (etcd): ask the store, as
            # upstream's plugin does a live lookup on a cache miss.
            entry = await nsreg.get_entry("", ns)
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
        if ctx.operation == "DELETE" and obj["metadata"].get("deletionTimestamp"):
            raise errors.conflict("", "namespaces", obj["metadata"]["name"],
                                  "The system is ensuring all content is removed from this namespace.  Upon "
                                  "completion, this namespace will automatically be purged by the system.")

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
        if spec.get("automountServiceAccountToken") is False:
            return
        sareg = self.server.registry("", "serviceaccounts")
        sa = sareg.cache.get(sareg.key(obj["metadata"].get("namespace", ""), name))
        if sa is not None and sa.obj.get("automountServiceAccountToken") is False and \
                spec.get("automountServiceAccountToken") is not True:
            return
        _mount_service_account_token(spec)

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
                spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
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
        spec["preemptionPolicy"] = entry.obj.get("preemptionPolicy") or "PreemptLowerPriority"

    async def priority_class_single_default(self, reg: Registry, obj: Obj, old: Obj | None,
                                            ctx: WriteContext) -> None:
        if ctx.operation not in ("CREATE", "UPDATE") or obj.get("globalDefault") is not True:
            return
        name = obj["metadata"].get("name", "")
        for entry in reg.cache.objects.values():
            other = entry.obj["metadata"]["name"]
            if other != name and entry.obj.get("globalDefault") is True:
                raise errors.forbidden("scheduling.k8s.io", "priorityclasses", name,
                                       f"PriorityClass {other} is already marked as default. Only one default "
                                       "can exist")

    # ---- certificates

    async def csr_requester(self, reg: Registry, obj: Obj, old: Obj | None, ctx: WriteContext) -> None:
        """A CSR records who asked for it; what the client sent there is replaced."""
        if ctx.operation != "CREATE" or ctx.subresource:
            return
        spec = obj.setdefault("spec", {})
        for k in ("username", "uid", "groups", "extra"):
            spec.pop(k, None)
        user = ctx.user
        if user is None:
            return
        spec["username"] = user.name
        if user.uid:
            spec["uid"] = user.uid
        if user.groups:
            spec["groups"] = list(user.groups)
        if user.extra:
            spec["extra"] = {k: list(v) for k, v in user.extra.items()}

    def _default_priority_class(self) -> Obj | None:
        pcreg = self.server.registry("scheduling.k8s.io", "priorityclasses")
        best = None
        for entry in pcreg.cache.objects.values():
            if entry.obj.get("globalDefault"):
                if best is None or entry.obj.get("value", 0) < best.get("value", 0):
                    best = entry.obj
        return best


def _mount_service_account_token(spec: Obj) -> None:
    """The `kube-api-access-*` projected volume (token, cluster CA, namespace), mounted in every container."""
    containers = [c for key in ("initContainers", "containers") for c in (spec.get(key) or [])
                  if isinstance(c, dict)]
    if any(m.get("mountPath") == SERVICE_ACCOUNT_MOUNT for c in containers for m in (c.get("volumeMounts") or [])
           if isinstance(m, dict)):
        return
    volumes = spec.get("volumes") or []
    taken = {v.get("name") for v in volumes if isinstance(v, dict)}
    name = ""
    while not name or name in taken:
        name = "kube-api-access-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=5))
    volumes.append({"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                      "fieldPath": "metadata.namespace"}}]}},
    ]}})
    spec["volumes"] = volumes
    for c in containers:
        c.setdefault("volumeMounts", []).append({"name": name, "readOnly": True, "mountPath": SERVICE_ACCOUNT_MOUNT})
