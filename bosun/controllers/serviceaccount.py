"""ServiceAccount controller: a `default` ServiceAccount in every active namespace, put back if deleted."""

from __future__ import annotations

from bosun.client.rest import ResourceRef
from bosun.controllers.base import Controller, Obj
from bosun.machinery.errors import StatusError

NAMESPACES = ResourceRef("", "v1", "namespaces", namespaced=False)
SERVICE_ACCOUNTS = ResourceRef("", "v1", "serviceaccounts")
ENSURE = ("default",)


class ServiceAccountsController(Controller):
    name = "serviceaccount-controller"
    aliases = ("serviceaccount",)

    def setup(self) -> None:
        self.namespaces = self.ctx.informers.informer(NAMESPACES)
        self.accounts = self.ctx.informers.informer(SERVICE_ACCOUNTS)
        self.namespaces.add_handler(on_add=self.enqueue, on_update=lambda old, new: self.enqueue(new))
        self.accounts.add_handler(on_delete=self._account_deleted)

    def _account_deleted(self, sa: Obj) -> None:
        if sa["metadata"].get("name") in ENSURE:
            self.queue.add(sa["metadata"].get("namespace", ""))

    async def sync(self, key: str) -> None:
        ns = self.namespaces.get(key)
        if ns is None or ns["metadata"].get("deletionTimestamp") or \
                (ns.get("status") or {}).get("phase") == "Terminating":
            return
        for name in ENSURE:
            if self.accounts.get(f"{key}/{name}") is not None:
                continue
            try:
                await self.api.create(SERVICE_ACCOUNTS, {"apiVersion": "v1", "kind": "ServiceAccount",
                                                         "metadata": {"name": name}}, namespace=key)
            except StatusError as e:
                # Already there (the cache lags), or the namespace went away meanwhile: nothing to do.
                if e.reason in ("AlreadyExists", "NotFound") or e.code == 403:
                    continue
                raise
