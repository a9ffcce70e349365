"""Namespace controller: a namespace being deleted is emptied of every namespaced object, then removed.

As upstream: it discovers the namespaced resources the server serves, deletes
each collection in the namespace, reports progress in the namespace's
conditions (`NamespaceContentRemaining` ...), and once nothing is left takes
its `kubernetes` finalizer off through `namespaces/{name}/finalize`, which lets
the API server delete the namespace.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bosun.client.rest import ResourceRef, resource_path
from bosun.controllers.base import Controller, Obj
from bosun.machinery.errors import StatusError

NAMESPACES = ResourceRef("", "v1", "namespaces", namespaced=False)
FINALIZER = "kubernetes"
# How soon to look again while content remains (pods with a grace period, finalizers of others).
RECHECK_SECONDS = 2.0

CONDITION_TYPES = ("NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure",
                   "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining")
OK_REASONS = {"NamespaceDeletionDiscoveryFailure": "ResourcesDiscovered",
              "NamespaceDeletionGroupVersionParsingFailure": "ParsedGroupVersions",
              "NamespaceDeletionContentFailure": "ContentDeleted",
              "NamespaceContentRemaining": "ContentRemoved",
              "NamespaceFinalizersRemaining": "ContentHasNoFinalizers"}
OK_MESSAGES = {"NamespaceDeletionDiscoveryFailure": "All resources successfully discovered",
               "NamespaceDeletionGroupVersionParsingFailure": "All legacy kube types successfully parsed",
               "NamespaceDeletionContentFailure": "All content successfully deleted, may be waiting on "
                                                  "finalization",
               "NamespaceContentRemaining": "All content successfully removed",
               "NamespaceFinalizersRemaining": "All content-preserving finalizers finished"}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class NamespaceController(Controller):
    name = "namespace-controller"
    aliases = ("namespace",)

    def setup(self) -> None:
        self.namespaces = self.ctx.informers.informer(NAMESPACES)
        self.namespaces.add_handler(on_add=self.enqueue, on_update=lambda old, new: self.enqueue(new))

    async def namespaced_resources(self) -> list[ResourceRef]:
        """Every namespaced resource that can be listed and deleted, from discovery (CRDs included)."""
        out: list[ResourceRef] = []
        versions = [("", "v1")]
        groups = await self.api.request("GET", "/apis")
        for g in groups.get("groups") or []:
            pv = (g.get("preferredVersion") or {}).get("version")
            if pv:
                versions.append((g["name"], pv))
        for group, version in versions:
            path = f"/apis/{group}/{version}" if group else f"/api/{version}"
            doc = await self.api.request("GET", path)
            for r in doc.get("resources") or []:
                verbs = set(r.get("verbs") or ())
                if "/" in r["name"] or not r.get("namespaced") or not {"list", "delete"} <= verbs:
                    continue
                out.append(ResourceRef(group, version, r["name"], True))
        return out

    async def sync(self, key: str) -> None:
        ns = self.namespaces.get(key)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return
        if FINALIZER not in ((ns.get("spec") or {}).get("finalizers") or []):
            return
        resources = await self.namespaced_resources()
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        failures: list[str] = []
        for r in resources:
            try:
                await self._delete_all(r, key)
                left = (await self.api.list(r, key)).get("items") or []
            except StatusError as e:
                if e.code in (404, 405):
                    continue
                failures.append(f"{r.plural}: {e.message}")
                continue
            if left:
                gr = f"{r.plural}.{r.group}" if r.group else r.plural
                remaining[gr] = len(left)
                for item in left:
                    for f in item["metadata"].get("finalizers") or []:
                        finalizers[f] = finalizers.get(f, 0) + 1
        await self._report(ns, remaining, finalizers, failures)
        if remaining or failures:
            self.queue.add_after(key, RECHECK_SECONDS)
            return
        try:
            fresh = await self.api.get(NAMESPACES, key)
            spec = dict(fresh.get("spec") or {})
            spec["finalizers"] = [f for f in spec.get("finalizers") or [] if f != FINALIZER]
            await self.api.request("PUT", resource_path(NAMESPACES, "", key, "finalize"),
                                   body={**fresh, "spec": spec})
        except StatusError as e:
            if e.code != 404:
                raise

    async def _delete_all(self, r: ResourceRef, namespace: str) -> None:
        try:
            await self.api.request("DELETE", resource_path(r, namespace),
                                   params={"propagationPolicy": "Background"})
        except StatusError as e:
            if e.code != 405:
                raise
            # No deletecollection: one by one.
            for item in (await self.api.list(r, namespace)).get("items") or []:
                try:
                    await self.api.delete(r, item["metadata"]["name"], namespace)
                except StatusError as e2:
                    if e2.code != 404:
                        raise

    async def _report(self, ns: Obj, remaining: dict[str, int], finalizers: dict[str, int],
                      failures: list[str]) -> None:
        problems: dict[str, tuple[str, str]] = {}
        if failures:
            problems["NamespaceDeletionContentFailure"] = ("ContentDeletionFailed",
                                                           "Failed to delete all resource types, " +
                                                           f"{len(failures)} remaining: " + ", ".join(failures))
        if remaining:
            problems["NamespaceContentRemaining"] = ("SomeResourcesRemain", "Some resources are remaining: " +
                                                     ", ".join(f"{k} has {v} resource instances"
                                                               for k, v in sorted(remaining.items())))
        if finalizers:
            problems["NamespaceFinalizersRemaining"] = ("SomeFinalizersRemain", "Some content in the namespace "
                                                        "has finalizers remaining: " +
                                                        ", ".join(f"{k} in {v} resource instances"
                                                                  for k, v in sorted(finalizers.items())))
        status = dict(ns.get("status") or {})
        old = {c.get("type"): c for c in status.get("conditions") or []}
        conditions: list[dict[str, Any]] = []
        for t in CONDITION_TYPES:
            state, (reason, message) = ("True", problems[t]) if t in problems else \
                ("False", (OK_REASONS[t], OK_MESSAGES[t]))
            prev = old.get(t)
            same = prev is not None and (prev.get("status"), prev.get("reason"), prev.get("message")) == \
                (state, reason, message)
            conditions.append(prev if same else {"type": t, "status": state, "lastTransitionTime": _now(),
                                                 "reason": reason, "message": message})
        if conditions == (status.get("conditions") or []):
            return
        status["conditions"] = conditions
        try:
            await self.api.request("PUT", resource_path(NAMESPACES, "", ns["metadata"]["name"], "status"),
                                   body={**ns, "status": status})
        except StatusError as e:
            if e.code not in (404, 409):
                raise
